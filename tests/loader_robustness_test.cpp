// The loader against hostile input: every truncation, 10,000 random corruptions per reference
// model (some with the CRC recomputed so that the deeper checks run), hand-made files that break
// one rule each (with a valid CRC, so that the specific status is asserted), and the session API's
// argument checks. Buffers are exactly sized heap blocks, so ASan catches any read past the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#endif
#endif

#include "engine/format.h"
#include "fixtures.h"
#include "host/byte_io.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

using namespace atome::format;
using Bytes = std::vector<uint8_t>;

constexpr const char* kToy = "original-models/toy_60k.atome01";
constexpr const char* k944k = "original-models/atome_944k.atome01";
constexpr const char* kClassifier = "original-superesp/motion.atomecl";

// ---- little-endian field access ----------------------------------------------------------

// The host's readers and writers (host/byte_io.h), with the offset checked against the buffer.
uint16_t get_u16(const Bytes& b, size_t off) {
  (void)b.at(off + 1);
  return read_u16(b.data() + off);
}
uint32_t get_u32(const Bytes& b, size_t off) {
  (void)b.at(off + 3);
  return read_u32(b.data() + off);
}

// Recomputes the CRC the way the writer does: over [0, file_bytes) with the CRC field zeroed.
// Leaves the image alone when file_bytes does not fit (the loader rejects it before the CRC).
void fix_crc(uint8_t* data, size_t size) {
  if (size < kHeaderBytes) return;
  const uint32_t file_bytes = read_u32(data + kOffFileBytes);
  if (file_bytes < kOffCrc + 4 || file_bytes > size) return;
  const uint32_t crc = image_crc32(data, file_bytes);
  for (int i = 0; i < 4; ++i) data[kOffCrc + i] = static_cast<uint8_t>(crc >> (8 * i));
}
void fix_crc(Bytes& b) {
  fix_crc(b.data(), b.size());
}

// An exactly sized heap copy (new[] is 16-aligned; ASan's redzone starts right after `size`).
struct ExactBuffer {
  std::unique_ptr<uint8_t[]> data;
  size_t size;
  ExactBuffer(const uint8_t* src, size_t n) : data(new uint8_t[n == 0 ? 1 : n]), size(n) {
    if (n > 0) std::memcpy(data.get(), src, n);
  }
  explicit ExactBuffer(const Bytes& b) : ExactBuffer(b.data(), b.size()) {}
};

atome_status load(const Bytes& image, atome_model* out = nullptr) {
  ExactBuffer buf(image);
  atome_model m;
  const atome_status st = atome_model_load(&m, buf.data.get(), buf.size);
  if (out != nullptr) *out = m;
  return st;
}

std::string status_name(atome_status st) {
  static const char* const names[] = {"OK",
                                      "NULL_ARGUMENT",
                                      "MISALIGNED",
                                      "TRUNCATED",
                                      "BAD_MAGIC",
                                      "VERSION",
                                      "SIZE_MISMATCH",
                                      "CHECKSUM",
                                      "BAD_HEADER",
                                      "BAD_CONFIG",
                                      "BAD_TENSOR",
                                      "BAD_WEIGHTS",
                                      "BAD_SIGNATURE_BLOCK",
                                      "BUFFER_TOO_SMALL",
                                      "BAD_WINDOW",
                                      "BAD_TOKEN",
                                      "NOT_CLASSIFIER",
                                      "NO_TOKENS",
                                      "BAD_ARGUMENT",
                                      "STATE_TOO_LARGE"};
  const unsigned i = static_cast<unsigned>(st);
  return i < sizeof names / sizeof names[0] ? names[i] : "status " + std::to_string(i);
}

// ---- the reference images, converted once ------------------------------------------------

struct NativeImage {
  Bytes bytes;
  uint32_t file_bytes = 0;
  uint32_t count = 0;
  uint32_t table = 0;
  uint32_t payload = 0;
  size_t entry(uint32_t t) const { return table + static_cast<size_t>(t) * kTensorEntryBytes; }
  uint16_t kind(uint32_t t) const { return get_u16(bytes, entry(t) + kTeKind); }
  uint32_t offset(uint32_t t) const { return get_u32(bytes, entry(t) + kTeOffset); }
  uint32_t nbytes(uint32_t t) const { return get_u32(bytes, entry(t) + kTeBytes); }
  uint32_t rows(uint32_t t) const { return get_u32(bytes, entry(t) + kTeRows); }
  uint32_t cols(uint32_t t) const { return get_u32(bytes, entry(t) + kTeCols); }
  uint8_t dtype(uint32_t t) const { return bytes[entry(t) + kTeDtype]; }
  uint32_t first_of_kind(uint16_t k) const {
    for (uint32_t t = 0; t < count; ++t)
      if (kind(t) == k) return t;
    ADD_FAILURE() << "no tensor of kind " << k;
    return 0;
  }
};

const NativeImage& native(const char* relative) {
  static std::map<std::string, NativeImage> cache;
  auto it = cache.find(relative);
  if (it != cache.end()) return it->second;
  NativeImage img;
  img.bytes = load_legacy_as_native(reference_path(relative)).image;
  img.file_bytes = get_u32(img.bytes, kOffFileBytes);
  img.count = get_u32(img.bytes, kOffTensorCount);
  img.table = get_u32(img.bytes, kOffTableOffset);
  img.payload = get_u32(img.bytes, kOffPayloadOffset);
  return cache.emplace(relative, std::move(img)).first->second;
}

#define REQUIRE_TOY() ATOME_REQUIRE_FIXTURE(reference_path(kToy))

// Prefixes shorter than this get a fresh heap block each (all of toy_60k's; the header, table and
// first tensors of the 944k model).
constexpr size_t kFreshTruncationLimit = 65536;

#if defined(__SANITIZE_ADDRESS__)
#define ATOME_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATOME_TEST_ASAN 1
#endif
#endif
#ifdef ATOME_TEST_ASAN
constexpr bool kAsan = true;
void poison(const void* p, size_t n) {
  __asan_poison_memory_region(p, n);
}
void unpoison(const void* p, size_t n) {
  __asan_unpoison_memory_region(p, n);
}
bool poisoned(const void* p) {
  return __asan_address_is_poisoned(p) != 0;
}
#else
constexpr bool kAsan = false;
void poison(const void*, size_t) {}
void unpoison(const void*, size_t) {}
bool poisoned(const void*) {
  return true;
}
#endif

// ---- truncation ----------------------------------------------------------------------------

void check_every_truncation(const char* relative) {
  const NativeImage& img = native(relative);
  const Bytes& full = img.bytes;
  ASSERT_EQ(load(full), ATOME_OK);
  ASSERT_EQ(img.file_bytes, full.size());
  size_t wrong = 0;
  auto check = [&](const uint8_t* data, size_t n) {
    atome_model m;
    const atome_status st = atome_model_load(&m, data, n);
    // < 8 bytes: too short for the magic; 8..127: magic intact, header cut; >= 128: the intact
    // header declares more bytes than there are. All three are "truncated".
    if (st != ATOME_ERR_TRUNCATED && ++wrong <= 10) {
      ADD_FAILURE() << relative << " truncated to " << n << " bytes: " << status_name(st);
    }
    if (m.image != nullptr && ++wrong <= 10) {
      ADD_FAILURE() << "failed load left a model view at length " << n;
    }
  };
  // Short prefixes each in a fresh block of exactly n bytes: a read past n is an ASan report.
  const size_t fresh_limit = std::min<size_t>(full.size(), kFreshTruncationLimit);
  for (size_t n = 0; n < fresh_limit; ++n) {
    ExactBuffer buf(full.data(), n);
    check(buf.data.get(), n);
  }
  // Longer ones (a fresh block each would cost O(size^2) of copying and mapping): one exactly
  // sized block, cut from the end one byte at a time. Under ASan the cut-off tail is poisoned
  // byte by byte, which catches an over-read as precisely as a fresh block does.
  if (fresh_limit < full.size()) {
    ExactBuffer buf(full);
    for (size_t n = full.size() - 1;; --n) {
      poison(buf.data.get() + n, 1);
      if (n < fresh_limit) break;
      // The poisoning is exact to the byte (ASan tracks partial 8-byte granules).
      if (kAsan && (!poisoned(buf.data.get() + n) || poisoned(buf.data.get() + n - 1))) {
        ADD_FAILURE() << "ASan poisoning not byte-exact at " << n;
        break;
      }
      check(buf.data.get(), n);
    }
    unpoison(buf.data.get(), buf.size);
  }
  EXPECT_EQ(wrong, 0u);
  std::printf("[truncation] %s: %zu prefixes (%zu in fresh blocks, %s), all ATOME_ERR_TRUNCATED\n",
              relative, full.size(), fresh_limit,
              kAsan ? "the rest with an ASan-poisoned tail" : "no ASan: status only");
}

TEST(LoaderRobustness, EveryTruncationOfToyIsRejected) {
  REQUIRE_TOY();
  check_every_truncation(kToy);
}

TEST(LoaderRobustness, EveryTruncationOf944kIsRejected) {
  ATOME_REQUIRE_FIXTURE(reference_path(k944k));
  check_every_truncation(k944k);
}

// ---- random corruption ---------------------------------------------------------------------

struct CorruptionStats {
  std::map<atome_status, uint64_t> by_status;
  uint64_t sessions_run = 0;
  uint64_t nonfinite_sessions = 0;
  uint64_t crc_fixed = 0;
};

// A model that loaded after corruption: the session must run without UB (ASan/UBSan watch it).
void run_session_on(const atome_model& model, std::mt19937_64& rng, CorruptionStats& stats) {
  ASSERT_EQ(format::validate_config(model.config), ATOME_OK);
  EXPECT_GT(atome_model_param_count(&model), 0u);
  const uint32_t window = 1 + static_cast<uint32_t>(rng() % 8);
  const size_t need = atome_state_bytes(&model, window);
  ASSERT_GT(need, 0u);
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[need]);
  atome_session* s = nullptr;
  ASSERT_EQ(atome_session_init(&s, &model, window, buffer.get(), need), ATOME_OK);
  bool finite = true;
  for (int i = 0; i < 8; ++i) {
    const float* logits = nullptr;
    ASSERT_EQ(atome_step(s, static_cast<uint32_t>(rng() % 256), &logits), ATOME_OK);
    ASSERT_NE(logits, nullptr);
    for (uint32_t v = 0; v < model.config.vocab_size; ++v)
      finite = finite && std::isfinite(logits[v]);
    (void)atome_argmax(logits, model.config.vocab_size);
  }
  if (model.config.n_classes > 0) {
    std::vector<float> out(model.config.n_classes);
    EXPECT_EQ(atome_session_class_logits(s, out.data(), model.config.n_classes), ATOME_OK);
  }
  stats.sessions_run += 1;
  if (!finite) stats.nonfinite_sessions += 1;
}

void corrupt_many(const char* relative, uint64_t seed, int iterations, bool plain_only = false) {
  const NativeImage& img = native(relative);
  const Bytes& original = img.bytes;
  const size_t size = original.size();
  ExactBuffer work(original);  // reused; every touched byte is restored after each trial
  uint8_t* const w = work.data.get();
  std::mt19937_64 rng(seed);
  CorruptionStats stats;

  auto pick = [&](size_t lo, size_t hi) { return lo + static_cast<size_t>(rng() % (hi - lo)); };
  size_t touched_lo = size, touched_hi = 0;
  auto touch = [&](size_t pos, size_t len) {
    touched_lo = std::min(touched_lo, pos);
    touched_hi = std::max(touched_hi, pos + len);
  };
  auto flip_bit = [&](size_t lo, size_t hi) {
    const size_t pos = pick(lo, hi);
    w[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
    touch(pos, 1);
  };
  auto overwrite_byte = [&](size_t lo, size_t hi) {
    const size_t pos = pick(lo, hi);
    w[pos] ^= static_cast<uint8_t>(1 + rng() % 255);  // always a different value
    touch(pos, 1);
  };
  auto burst = [&](size_t lo, size_t hi) {
    const size_t len = 2 + rng() % 63;
    const size_t pos = pick(lo, hi);
    const size_t end = std::min(size, pos + len);
    for (size_t i = pos; i < end; ++i) w[i] = static_cast<uint8_t>(rng());
    touch(pos, end - pos);
  };
  // An aligned u32 of the header or tensor table set to a value likely to hit an edge.
  auto smash_field = [&]() {
    const size_t pos = 4 * pick(0, img.payload / 4);
    uint32_t old = 0;
    for (int i = 0; i < 4; ++i) old |= static_cast<uint32_t>(w[pos + i]) << (8 * i);
    const uint32_t candidates[] = {0u,
                                   1u,
                                   0xFFFFFFFFu,
                                   0x80000000u,
                                   0x7FFFFFFFu,
                                   old + 1,
                                   old - 1,
                                   old + 16,
                                   old - 16,
                                   img.file_bytes,
                                   img.file_bytes + 16,
                                   0xFFFFFFF0u,
                                   16u,
                                   128u,
                                   256u,
                                   static_cast<uint32_t>(rng())};
    const uint32_t v = candidates[rng() % (sizeof candidates / sizeof candidates[0])];
    for (int i = 0; i < 4; ++i) w[pos + i] = static_cast<uint8_t>(v >> (8 * i));
    touch(pos, 4);
  };
  // A float weight replaced by an extreme (finite or not) value.
  auto smash_float = [&]() {
    uint32_t t;
    do t = static_cast<uint32_t>(rng() % img.count);
    while (img.dtype(t) != kDtypeF32);
    const size_t pos = img.offset(t) + 4 * pick(0, img.nbytes(t) / 4);
    const float candidates[] = {3.0e38f,  -3.0e38f, 1.0e-45f, 0.0f,     -0.0f,    1.0e20f,
                                -1.0e20f, 65504.0f, NAN,      INFINITY, -INFINITY};
    const float v = candidates[rng() % (sizeof candidates / sizeof candidates[0])];
    uint32_t u;
    std::memcpy(&u, &v, 4);
    for (int i = 0; i < 4; ++i) w[pos + i] = static_cast<uint8_t>(u >> (8 * i));
    touch(pos, 4);
  };
  // A run of trit bytes rewritten with valid codes, or (1 in 4) with any bits at all.
  auto smash_trits = [&]() {
    uint32_t t;
    do t = static_cast<uint32_t>(rng() % img.count);
    while (img.dtype(t) != kDtypeTrit2);
    const bool any_bits = rng() % 4 == 0;
    const size_t len = std::min<size_t>(1 + rng() % 16, img.nbytes(t));
    const size_t pos = img.offset(t) + pick(0, img.nbytes(t) - len + 1);
    const uint32_t cols = img.cols(t);
    const size_t row_bytes = (cols + 3) / 4;
    for (size_t i = pos; i < pos + len; ++i) {
      uint8_t b = static_cast<uint8_t>(rng());
      if (!any_bits) {
        const size_t col0 = ((i - img.offset(t)) % row_bytes) * 4;
        for (int k = 0; k < 4; ++k) {
          uint8_t code = static_cast<uint8_t>((b >> (2 * k)) & 3u);
          if (code == 2 || col0 + k >= cols) code = 0;  // valid code; padding trits stay 00
          b = static_cast<uint8_t>((b & ~(3u << (2 * k))) | (code << (2 * k)));
        }
      }
      w[i] = b;
    }
    touch(pos, len);
  };
  // Smaller structural region (header + tensor table) or the whole image.
  auto region_hi = [&]() -> size_t { return rng() % 2 ? img.payload : size; };

  for (int it = 0; it < iterations; ++it) {
    touched_lo = size;
    touched_hi = 0;
    bool fix = true;
    switch (plain_only ? it % 3 : it % 10) {
      case 0:
        fix = false;
        flip_bit(0, size);
        break;
      case 1:
        fix = false;
        overwrite_byte(0, size);
        break;
      case 2:
        fix = false;
        burst(0, size);
        break;
      case 3:
        flip_bit(0, region_hi());
        break;
      case 4:
        overwrite_byte(0, region_hi());
        break;
      case 5:
        burst(0, region_hi());
        break;
      case 6:
        smash_field();
        break;
      case 7:
        smash_float();
        break;
      case 8:
        smash_trits();
        break;
      default: {
        const int n = 2 + static_cast<int>(rng() % 3);
        for (int k = 0; k < n; ++k) {
          switch (rng() % 5) {
            case 0:
              flip_bit(0, img.payload);
              break;
            case 1:
              overwrite_byte(0, size);
              break;
            case 2:
              smash_field();
              break;
            case 3:
              smash_float();
              break;
            default:
              smash_trits();
              break;
          }
        }
      }
    }
    const bool changed = std::memcmp(w, original.data(), size) != 0;
    if (fix) {
      fix_crc(w, size);
      stats.crc_fixed += 1;
      touch(kOffCrc, 4);
    }
    atome_model model;
    const atome_status st = atome_model_load(&model, w, size);
    stats.by_status[st] += 1;
    if (!fix && changed) {
      // Without a recomputed CRC, any change must be caught (CRC-32 catches every burst of up
      // to 32 bits; a longer one slips through with probability 2^-32, and the seed is fixed).
      EXPECT_NE(st, ATOME_OK) << relative << " trial " << it << ": unrepaired corruption loaded";
    }
    if (st == ATOME_OK) {
      run_session_on(model, rng, stats);
      if (::testing::Test::HasFatalFailure()) {
        ADD_FAILURE() << relative << " trial " << it;
        return;
      }
    } else {
      EXPECT_EQ(model.image, nullptr) << "failed load left a model view";
    }
    // Restore the touched range.
    if (touched_hi > touched_lo)
      std::memcpy(w + touched_lo, original.data() + touched_lo, touched_hi - touched_lo);
    ASSERT_EQ(std::memcmp(w, original.data(), size), 0) << "restore failed at trial " << it;
  }

  std::printf("[corruption] %s: %d trials (%llu with the CRC recomputed), status histogram:\n",
              relative, iterations, static_cast<unsigned long long>(stats.crc_fixed));
  for (const auto& [status, n] : stats.by_status) {
    std::printf("[corruption]   %-20s %6llu\n", status_name(status).c_str(),
                static_cast<unsigned long long>(n));
    ::testing::Test::RecordProperty(std::string("status_") + status_name(status),
                                    std::to_string(n));
  }
  std::printf(
      "[corruption]   sessions run on accepted images: %llu (%llu with non-finite logits)\n",
      static_cast<unsigned long long>(stats.sessions_run),
      static_cast<unsigned long long>(stats.nonfinite_sessions));
  if (plain_only) {  // nothing repaired the CRC: every single trial must have been rejected
    EXPECT_EQ(stats.by_status[ATOME_OK], 0u);
    EXPECT_EQ(stats.crc_fixed, 0u);
    return;
  }
  // The mix must actually reach the deep checks, not only the CRC.
  for (atome_status st : {ATOME_ERR_CHECKSUM, ATOME_ERR_BAD_HEADER, ATOME_ERR_BAD_CONFIG,
                          ATOME_ERR_BAD_TENSOR, ATOME_ERR_BAD_WEIGHTS, ATOME_OK}) {
    EXPECT_GT(stats.by_status[st], 0u) << "no corruption produced " << status_name(st);
  }
}

TEST(LoaderRobustness, RandomCorruptionsOfToy) {
  REQUIRE_TOY();
  corrupt_many(kToy, 0x70795f3630ull, 10000);
}

// The acceptance check as stated: 10,000 random corruptions (bit flips, byte overwrites, bursts)
// of each reference model, CRC left alone: every one is rejected with an error code.
TEST(LoaderRobustness, TenThousandPlainCorruptionsOfToyAllRejected) {
  REQUIRE_TOY();
  corrupt_many(kToy, 0x706c61696eull, 10000, /*plain_only=*/true);
}

TEST(LoaderRobustness, TenThousandPlainCorruptionsOf944kAllRejected) {
  ATOME_REQUIRE_FIXTURE(reference_path(k944k));
  corrupt_many(k944k, 0x706c61693944ull, 10000, /*plain_only=*/true);
}

TEST(LoaderRobustness, RandomCorruptionsOf944k) {
  ATOME_REQUIRE_FIXTURE(reference_path(k944k));
  corrupt_many(k944k, 0x3934346bull, 10000);
}

// ---- hand-made hostile files (valid CRC, one rule broken) --------------------------------

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    ATOME_REQUIRE_FIXTURE(reference_path(kToy));
    img_ = &native(kToy);
  }
  const NativeImage& img() const { return *img_; }

  // Applies `mutate` to a copy of the toy image, recomputes the CRC (unless told not to) and
  // expects `want`.
  void expect(atome_status want, const std::string& what, const std::function<void(Bytes&)>& mutate,
              bool recompute_crc = true) {
    Bytes b = img().bytes;
    mutate(b);
    if (recompute_crc) fix_crc(b);
    atome_model m;
    const atome_status got = load(b, &m);
    EXPECT_EQ(status_name(got), status_name(want)) << what;
    if (got != ATOME_OK) {
      EXPECT_EQ(m.image, nullptr) << what;
    }
  }
  void field(atome_status want, const std::string& what, size_t off, uint32_t value) {
    expect(want, what, [&](Bytes& b) { put_u32(b, off, value); });
  }
  void entry_field(atome_status want, const std::string& what, uint32_t t, size_t off,
                   uint32_t value) {
    field(want, what + " (tensor " + std::to_string(t) + ")", img().entry(t) + off, value);
  }

  const NativeImage* img_ = nullptr;
};

TEST_F(Hostile, BaselineLoadsAndCrcRepairIsFaithful) {
  expect(ATOME_OK, "unchanged image", [](Bytes&) {});
  expect(ATOME_OK, "context_len is only a hint",
         [](Bytes& b) { put_u32(b, kOffContextLen, 4096); });
  expect(
      ATOME_ERR_CHECKSUM, "context_len changed without a new CRC",
      [](Bytes& b) { put_u32(b, kOffContextLen, 4096); }, false);
  expect(
      ATOME_ERR_CHECKSUM, "CRC field itself altered", [](Bytes& b) { b[kOffCrc] ^= 1; }, false);
  expect(
      ATOME_ERR_CHECKSUM, "last payload byte altered", [](Bytes& b) { b.back() ^= 0x80; }, false);
  // docs/FORMAT.md §7: the check value, and the converted toy model's size and CRC.
  EXPECT_EQ(atome_crc32(0, "123456789", 9), 0xCBF43926u);
  EXPECT_EQ(img().file_bytes, 22208u);
  EXPECT_EQ(get_u32(img().bytes, kOffCrc), 0xC11B69D8u);
  // A newer minor version of the same major is readable.
  Bytes b = img().bytes;
  put_u16(b, kOffVersionMinor, 7);
  fix_crc(b);
  atome_model m;
  ASSERT_EQ(load(b, &m), ATOME_OK);
  EXPECT_EQ(m.format_minor, 7u);
}

TEST_F(Hostile, Magic) {
  expect(ATOME_ERR_BAD_MAGIC, "first byte", [](Bytes& b) { b[0] = 'a'; });
  expect(ATOME_ERR_BAD_MAGIC, "last magic byte", [](Bytes& b) { b[7] ^= 0x20; });
  expect(ATOME_ERR_BAD_MAGIC, "legacy magic",
         [](Bytes& b) { std::memcpy(b.data(), "ATOME01", 7); });
}

TEST_F(Hostile, Version) {
  // 2 is the compact layout (FORMAT.md §18): a v1 file marked 2 fails its compact checks instead.
  expect(ATOME_ERR_VERSION, "major 3", [](Bytes& b) { put_u16(b, kOffVersionMajor, 3); });
  expect(ATOME_ERR_VERSION, "major 0", [](Bytes& b) { put_u16(b, kOffVersionMajor, 0); });
  expect(ATOME_ERR_VERSION, "major 0xFFFF", [](Bytes& b) { put_u16(b, kOffVersionMajor, 0xFFFF); });
}

TEST_F(Hostile, HeaderFields) {
  field(ATOME_ERR_BAD_HEADER, "unknown flag bit 1", kOffFlags, 2);
  field(ATOME_ERR_BAD_HEADER, "unknown flag bit 31", kOffFlags, 0x80000000u);
  field(ATOME_ERR_BAD_HEADER, "header_bytes 64", kOffHeaderBytes, 64);
  field(ATOME_ERR_BAD_HEADER, "header_bytes 256", kOffHeaderBytes, 256);
  field(ATOME_ERR_BAD_HEADER, "header_bytes 0", kOffHeaderBytes, 0);
  for (uint32_t off = kOffReserved; off < kHeaderBytes; ++off) {
    expect(ATOME_ERR_BAD_HEADER, "reserved header byte " + std::to_string(off),
           [off](Bytes& b) { b[off] = 0x01; });
  }
}

TEST_F(Hostile, DeclaredSize) {
  const uint32_t fb = img().file_bytes;
  // These are decided before the CRC, so recomputing it changes nothing.
  field(ATOME_ERR_TRUNCATED, "file_bytes + 16", kOffFileBytes, fb + 16);
  field(ATOME_ERR_TRUNCATED, "file_bytes 0xFFFFFFFF", kOffFileBytes, 0xFFFFFFFFu);
  field(ATOME_ERR_SIZE_MISMATCH, "file_bytes - 16", kOffFileBytes, fb - 16);
  field(ATOME_ERR_SIZE_MISMATCH, "file_bytes 0", kOffFileBytes, 0);
  expect(ATOME_ERR_SIZE_MISMATCH, "one trailing byte", [](Bytes& b) { b.push_back(0); });
  expect(ATOME_ERR_SIZE_MISMATCH, "16 trailing bytes", [](Bytes& b) { b.resize(b.size() + 16); });
  // file_bytes + the signature block would wrap to 0 in 32-bit arithmetic.
  expect(ATOME_ERR_TRUNCATED, "signed, file_bytes 0xFFFFFF90 (32-bit sum wraps)", [](Bytes& b) {
    put_u32(b, kOffFlags, kFlagSigned);
    put_u32(b, kOffFileBytes, 0xFFFFFFFFu - kSigBlockBytes + 1);
  });
  // A signed image whose declared signed part is shorter than the header.
  expect(ATOME_ERR_BAD_HEADER, "signed, file_bytes 100 < header", [](Bytes& b) {
    b.resize(100 + kSigBlockBytes);
    put_u32(b, kOffFlags, kFlagSigned);
    put_u32(b, kOffFileBytes, 100);
  });
}

TEST_F(Hostile, TableAndPayloadOffsets) {
  const NativeImage& m = img();
  field(ATOME_ERR_BAD_TENSOR, "tensor count + 1", kOffTensorCount, m.count + 1);
  field(ATOME_ERR_BAD_TENSOR, "tensor count - 1", kOffTensorCount, m.count - 1);
  field(ATOME_ERR_BAD_TENSOR, "tensor count 0", kOffTensorCount, 0);
  field(ATOME_ERR_BAD_TENSOR, "tensor count 0xFFFFFFFF", kOffTensorCount, 0xFFFFFFFFu);
  field(ATOME_ERR_BAD_HEADER, "table offset 0", kOffTableOffset, 0);
  field(ATOME_ERR_BAD_HEADER, "table offset 64 (inside the header)", kOffTableOffset, 64);
  field(ATOME_ERR_BAD_HEADER, "table offset 112 (inside the header)", kOffTableOffset, 112);
  field(ATOME_ERR_BAD_HEADER, "table offset 132 (unaligned)", kOffTableOffset, 132);
  field(ATOME_ERR_BAD_HEADER, "table offset 144 (runs into the payload)", kOffTableOffset, 144);
  field(ATOME_ERR_BAD_HEADER, "table offset 0xFFFFFFF0", kOffTableOffset, 0xFFFFFFF0u);
  field(ATOME_ERR_BAD_HEADER, "payload offset past the end", kOffPayloadOffset, m.file_bytes + 16);
  field(ATOME_ERR_BAD_HEADER, "payload offset 0xFFFFFFF0", kOffPayloadOffset, 0xFFFFFFF0u);
  field(ATOME_ERR_BAD_HEADER, "payload offset unaligned", kOffPayloadOffset, m.payload + 4);
  field(ATOME_ERR_BAD_HEADER, "payload offset inside the table", kOffPayloadOffset, m.payload - 16);
  field(ATOME_ERR_BAD_HEADER, "payload offset 0", kOffPayloadOffset, 0);
  // A tensor before the declared payload start.
  field(ATOME_ERR_BAD_TENSOR, "payload offset after the first tensor", kOffPayloadOffset,
        m.offset(0) + 16);
}

TEST_F(Hostile, TensorBounds) {
  const NativeImage& m = img();
  const uint32_t last = m.count - 1;
  entry_field(ATOME_ERR_BAD_TENSOR, "offset not 16-aligned", 0, kTeOffset, m.offset(0) + 4);
  entry_field(ATOME_ERR_BAD_TENSOR, "f32 offset not 16-aligned", 1, kTeOffset, m.offset(1) + 8);
  entry_field(ATOME_ERR_BAD_TENSOR, "overlaps the previous tensor", 1, kTeOffset, m.offset(0));
  entry_field(ATOME_ERR_BAD_TENSOR, "overlaps the previous tensor's tail", 2, kTeOffset,
              m.offset(2) - 16);
  entry_field(ATOME_ERR_BAD_TENSOR, "tensor inside the table", 0, kTeOffset, m.table);
  entry_field(ATOME_ERR_BAD_TENSOR, "bytes + 1", 0, kTeBytes, m.nbytes(0) + 1);
  entry_field(ATOME_ERR_BAD_TENSOR, "bytes - 1", 0, kTeBytes, m.nbytes(0) - 1);
  entry_field(ATOME_ERR_BAD_TENSOR, "bytes 0", 0, kTeBytes, 0);
  entry_field(ATOME_ERR_BAD_TENSOR, "bytes 0xFFFFFFFF", 0, kTeBytes, 0xFFFFFFFFu);
  entry_field(ATOME_ERR_BAD_TENSOR, "last tensor at the end of the file", last, kTeOffset,
              m.file_bytes);
  entry_field(ATOME_ERR_BAD_TENSOR, "last tensor one row past the end", last, kTeOffset,
              m.offset(last) + 16);
  entry_field(ATOME_ERR_BAD_TENSOR, "offset 0xFFFFFFF0", 0, kTeOffset, 0xFFFFFFF0u);
  // offset + bytes is exactly 2^32: 0 in 32-bit arithmetic.
  const uint32_t wrap = static_cast<uint32_t>((0x100000000ull - m.nbytes(0)) & ~0xFull);
  entry_field(ATOME_ERR_BAD_TENSOR, "offset + bytes wraps 32 bits", 0, kTeOffset, wrap);
  entry_field(ATOME_ERR_BAD_TENSOR, "last offset + bytes wraps 32 bits", last, kTeOffset,
              static_cast<uint32_t>((0x100000000ull - m.nbytes(last)) & ~0xFull));
}

TEST_F(Hostile, TensorDescriptors) {
  const NativeImage& m = img();
  const uint32_t gamma = m.first_of_kind(kNormGamma);
  const uint32_t conv = m.first_of_kind(kConv);
  expect(ATOME_ERR_BAD_TENSOR, "embed dtype f32",
         [&](Bytes& b) { b[m.entry(0) + kTeDtype] = kDtypeF32; });
  expect(ATOME_ERR_BAD_TENSOR, "gamma dtype trit",
         [&](Bytes& b) { b[m.entry(gamma) + kTeDtype] = kDtypeTrit2; });
  expect(ATOME_ERR_BAD_TENSOR, "dtype 0", [&](Bytes& b) { b[m.entry(0) + kTeDtype] = 0; });
  expect(ATOME_ERR_BAD_TENSOR, "dtype 3", [&](Bytes& b) { b[m.entry(0) + kTeDtype] = 3; });
  entry_field(ATOME_ERR_BAD_TENSOR, "rows + 1", 0, kTeRows, m.rows(0) + 1);
  entry_field(ATOME_ERR_BAD_TENSOR, "rows 0", 0, kTeRows, 0);
  entry_field(ATOME_ERR_BAD_TENSOR, "cols - 1", 0, kTeCols, m.cols(0) - 1);
  entry_field(ATOME_ERR_BAD_TENSOR, "cols 0xFFFFFFFF", conv, kTeCols, 0xFFFFFFFFu);
  // rows and cols swapped: the same byte count, the wrong shape.
  expect(ATOME_ERR_BAD_TENSOR, "rows/cols swapped", [&](Bytes& b) {
    put_u32(b, m.entry(gamma) + kTeRows, m.cols(gamma));
    put_u32(b, m.entry(gamma) + kTeCols, m.rows(gamma));
  });
  expect(ATOME_ERR_BAD_TENSOR, "kind wrong",
         [&](Bytes& b) { put_u16(b, m.entry(0) + kTeKind, kUnembed); });
  expect(ATOME_ERR_BAD_TENSOR, "layer wrong",
         [&](Bytes& b) { put_u16(b, m.entry(gamma) + kTeLayer, 1); });
  expect(ATOME_ERR_BAD_TENSOR, "global tensor with a layer",
         [&](Bytes& b) { put_u16(b, m.entry(0) + kTeLayer, 0); });
  expect(ATOME_ERR_BAD_TENSOR, "two tensors swapped in the table", [&](Bytes& b) {
    Bytes e0(b.begin() + m.entry(1), b.begin() + m.entry(2));
    std::copy(b.begin() + m.entry(2), b.begin() + m.entry(3), b.begin() + m.entry(1));
    std::copy(e0.begin(), e0.end(), b.begin() + m.entry(2));
  });
  for (uint32_t off : {kTeRes0, kTeRes0 + 1, kTeRes0 + 2, kTeRes1, kTeRes1 + 3}) {
    expect(ATOME_ERR_BAD_TENSOR, "entry reserved byte " + std::to_string(off),
           [&](Bytes& b) { b[m.entry(0) + off] = 1; });
  }
  // Scales.
  expect(ATOME_ERR_BAD_TENSOR, "NaN trit scale",
         [&](Bytes& b) { put_f32(b, m.entry(0) + kTeScale, NAN); });
  expect(ATOME_ERR_BAD_TENSOR, "inf trit scale",
         [&](Bytes& b) { put_f32(b, m.entry(conv) + kTeScale, INFINITY); });
  expect(ATOME_ERR_BAD_TENSOR, "negative trit scale",
         [&](Bytes& b) { put_f32(b, m.entry(0) + kTeScale, -0.5f); });
  expect(ATOME_ERR_BAD_TENSOR, "f32 tensor with scale 2",
         [&](Bytes& b) { put_f32(b, m.entry(gamma) + kTeScale, 2.0f); });
  expect(ATOME_ERR_BAD_TENSOR, "f32 tensor with NaN scale",
         [&](Bytes& b) { put_f32(b, m.entry(gamma) + kTeScale, NAN); });
}

TEST_F(Hostile, WeightPayload) {
  const NativeImage& m = img();
  const uint32_t conv = m.first_of_kind(kConv);  // (d, K = 5): 2 bytes a row, 3 padding trits
  ASSERT_EQ(m.cols(conv) % 4, 1u);
  const uint32_t unembed = m.first_of_kind(kUnembed);
  const uint32_t gamma = m.first_of_kind(kNormGamma);
  const uint32_t ssm_a = m.first_of_kind(kSsmA);
  const uint32_t fbeta = m.first_of_kind(kFinalBeta);
  expect(ATOME_ERR_BAD_WEIGHTS, "trit code 0b10 in the first embed byte",
         [&](Bytes& b) { b[m.offset(0)] = 0x02; });
  expect(ATOME_ERR_BAD_WEIGHTS, "trit code 0b10 in the last trit of unembed",
         [&](Bytes& b) { b[m.offset(unembed) + m.nbytes(unembed) - 1] = 0x80; });
  expect(ATOME_ERR_BAD_WEIGHTS, "trit code 0b10 in a conv row",
         [&](Bytes& b) { b[m.offset(conv) + 2 * 7] = 0x08; });
  // Padding trits (columns 5..7 of a conv row: bits 2..7 of the row's second byte).
  for (uint8_t pad : {0x04, 0x0C, 0x10, 0x30, 0x40, 0xC0}) {
    expect(ATOME_ERR_BAD_WEIGHTS, "nonzero padding trit bits " + std::to_string(pad),
           [&](Bytes& b) { b[m.offset(conv) + 2 * 3 + 1] |= pad; });
  }
  // Column 4 is a real trit: setting it to -1 is valid.
  expect(ATOME_OK, "last real conv column set to -1",
         [&](Bytes& b) { b[m.offset(conv) + 2 * 3 + 1] = 0x03; });
  const std::pair<uint32_t, const char*> floats[] = {
      {gamma, "norm gamma"}, {ssm_a, "ssm a"}, {fbeta, "final beta"}};
  for (const auto& [t, name] : floats) {
    for (float bad : {NAN, INFINITY, -INFINITY}) {
      expect(ATOME_ERR_BAD_WEIGHTS, std::string(name) + " = " + std::to_string(bad),
             [&, t = t](Bytes& b) { put_f32(b, m.offset(t) + m.nbytes(t) - 4, bad); });
    }
    // A negative NaN and a signalling NaN are NaNs too.
    expect(ATOME_ERR_BAD_WEIGHTS, std::string(name) + " = -sNaN",
           [&, t = t](Bytes& b) { put_u32(b, m.offset(t), 0xFF800001u); });
  }
  // Extreme but finite weights load (and must then run without UB).
  expect(ATOME_OK, "FLT_MAX weight", [&](Bytes& b) { put_f32(b, m.offset(gamma), 3.4e38f); });
}

TEST_F(Hostile, Config) {
  field(ATOME_ERR_BAD_CONFIG, "arch 0", kOffArch, 0);
  field(ATOME_ERR_BAD_CONFIG, "arch 3", kOffArch, 3);
  field(ATOME_ERR_BAD_CONFIG, "classifier without classes", kOffArch, ATOME_ARCH_CLASSIFIER);
  field(ATOME_ERR_BAD_CONFIG, "LM with classes", kOffClasses, 2);
  field(ATOME_ERR_BAD_CONFIG, "vocab 255", kOffVocab, 255);
  field(ATOME_ERR_BAD_CONFIG, "vocab 257", kOffVocab, 257);
  field(ATOME_ERR_BAD_CONFIG, "vocab 0", kOffVocab, 0);
  field(ATOME_ERR_BAD_CONFIG, "d_model 0", kOffDModel, 0);
  field(ATOME_ERR_BAD_CONFIG, "d_model 8193", kOffDModel, kMaxDModel + 1);
  field(ATOME_ERR_BAD_CONFIG, "d_model 0xFFFFFFFF", kOffDModel, 0xFFFFFFFFu);
  field(ATOME_ERR_BAD_TENSOR, "d_model 32 (valid, disagrees with the tensors)", kOffDModel, 32);
  field(ATOME_ERR_BAD_CONFIG, "n_layers 0", kOffLayers, 0);
  field(ATOME_ERR_BAD_CONFIG, "n_layers 1025", kOffLayers, kMaxLayers + 1);
  field(ATOME_ERR_BAD_CONFIG, "n_layers 0xFFFFFFFF", kOffLayers, 0xFFFFFFFFu);
  field(ATOME_ERR_BAD_CONFIG, "n_layers 0x80000000", kOffLayers, 0x80000000u);
  field(ATOME_ERR_BAD_TENSOR, "n_layers 1024 (valid, tensor count disagrees)", kOffLayers,
        kMaxLayers);
  expect(ATOME_ERR_BAD_HEADER, "n_layers 1024 with a matching count (table overruns payload)",
         [](Bytes& b) {
           put_u32(b, kOffLayers, kMaxLayers);
           put_u32(b, kOffTensorCount, 1 + kMaxLayers * tensors_per_block(ATOME_PATH_ALL) + 3);
         });
  field(ATOME_ERR_BAD_CONFIG, "pathways 0", kOffPathways, 0);
  field(ATOME_ERR_BAD_CONFIG, "pathways 8", kOffPathways, 8);
  field(ATOME_ERR_BAD_CONFIG, "pathways 0xF", kOffPathways, 0xF);
  field(ATOME_ERR_BAD_CONFIG, "pathways conv+ssm with attention dims set", kOffPathways, 3);
  field(ATOME_ERR_BAD_CONFIG, "conv_kernel 0", kOffConvKernel, 0);
  field(ATOME_ERR_BAD_CONFIG, "conv_kernel 65", kOffConvKernel, kMaxConvKernel + 1);
  field(ATOME_ERR_BAD_CONFIG, "top_k 0", kOffTopK, 0);
  field(ATOME_ERR_BAD_CONFIG, "top_k 1025", kOffTopK, kMaxTopK + 1);
  field(ATOME_ERR_BAD_CONFIG, "d_head 0", kOffDHead, 0);
  // d_head <= d_model (toy: d 64, d_head 16): above d_model is a config error before the tensor
  // table is looked at; d_head == d_model is valid and only the table disagrees.
  const uint32_t d = get_u32(img().bytes, kOffDModel);
  field(ATOME_ERR_BAD_CONFIG, "d_head d_model + 1", kOffDHead, d + 1);
  field(ATOME_ERR_BAD_CONFIG, "d_head 8192", kOffDHead, kMaxDModel);
  field(ATOME_ERR_BAD_TENSOR, "d_head = d_model (valid, disagrees with the tensors)", kOffDHead, d);
  field(ATOME_ERR_BAD_CONFIG, "act_bits 8", kOffActBits, 8);
  field(ATOME_ERR_BAD_CONFIG, "act_bits 0", kOffActBits, 0);
  for (float eps : {NAN, 0.0f, -0.0f, INFINITY, -1e-5f, 1.0f, -NAN}) {
    expect(ATOME_ERR_BAD_CONFIG, "norm_eps " + std::to_string(eps),
           [eps](Bytes& b) { put_f32(b, kOffNormEps, eps); });
  }
  // A valid config change that only the tensor table contradicts.
  field(ATOME_ERR_BAD_TENSOR, "conv_kernel 4 (valid, disagrees with the conv tensors)",
        kOffConvKernel, 4);
  field(ATOME_OK, "top_k 8 (no tensor depends on it)", kOffTopK, 8);
}

TEST_F(Hostile, ClassifierConfig) {
  ATOME_REQUIRE_FIXTURE(reference_path(kClassifier));
  const NativeImage& c = native(kClassifier);
  auto check = [&](atome_status want, const char* what, uint32_t off, uint32_t v) {
    Bytes b = c.bytes;
    put_u32(b, off, v);
    fix_crc(b);
    EXPECT_EQ(status_name(load(b)), status_name(want)) << what;
  };
  check(ATOME_OK, "unchanged classifier", kOffContextLen, 0);
  check(ATOME_ERR_BAD_CONFIG, "classifier with 0 classes", kOffClasses, 0);
  check(ATOME_ERR_BAD_CONFIG, "classifier with 4097 classes", kOffClasses, kMaxClasses + 1);
  check(ATOME_ERR_BAD_CONFIG, "LM arch with classes", kOffArch, ATOME_ARCH_LM);
  check(ATOME_ERR_BAD_TENSOR, "one class more than the head has", kOffClasses,
        get_u32(c.bytes, kOffClasses) + 1);
}

TEST_F(Hostile, SignatureBlock) {
  auto with_block = [](Bytes& b, bool set_flag) {
    Bytes block(kSigBlockBytes, 0xA5);
    std::memcpy(block.data(), kSigMagic, 8);
    put_u32(block, 8, kSigAlgEd25519);
    put_u32(block, 12, kSigBlockBytes);
    put_u32(block, kSigOffReserved, 0);
    b.insert(b.end(), block.begin(), block.end());
    if (set_flag) put_u32(b, kOffFlags, kFlagSigned);
  };
  const size_t fb = img().file_bytes;
  // The loader checks the block's form, not the signature (that is the host's job).
  {
    Bytes b = img().bytes;
    with_block(b, true);
    fix_crc(b);
    atome_model m;
    ASSERT_EQ(load(b, &m), ATOME_OK);
    EXPECT_EQ(m.has_signature, 1u);
    EXPECT_EQ(m.signed_bytes, fb);
    EXPECT_EQ(m.image_bytes, fb + kSigBlockBytes);
  }
  expect(ATOME_ERR_TRUNCATED, "signed flag, no block",
         [](Bytes& b) { put_u32(b, kOffFlags, kFlagSigned); });
  expect(ATOME_ERR_TRUNCATED, "signed flag, block one byte short", [&](Bytes& b) {
    with_block(b, true);
    b.pop_back();
  });
  expect(ATOME_ERR_SIZE_MISMATCH, "block present, flag clear",
         [&](Bytes& b) { with_block(b, false); });
  expect(ATOME_ERR_SIZE_MISMATCH, "signed, one byte after the block", [&](Bytes& b) {
    with_block(b, true);
    b.push_back(0);
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block magic wrong", [&](Bytes& b) {
    with_block(b, true);
    b[fb + 3] = 'x';
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block algorithm 2", [&](Bytes& b) {
    with_block(b, true);
    put_u32(b, fb + 8, 2);
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block algorithm 0", [&](Bytes& b) {
    with_block(b, true);
    put_u32(b, fb + 8, 0);
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block size field 97", [&](Bytes& b) {
    with_block(b, true);
    put_u32(b, fb + 12, kSigBlockBytes + 1);
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block reserved word not zero", [&](Bytes& b) {
    with_block(b, true);
    put_u32(b, fb + kSigOffReserved, 1);
  });
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "block size field 0xFFFFFFFF", [&](Bytes& b) {
    with_block(b, true);
    put_u32(b, fb + 12, 0xFFFFFFFFu);
  });
  // The signature block is outside the CRC: altering its key bytes does not break the load.
  expect(
      ATOME_OK, "signature bytes altered (not CRC-covered)",
      [&](Bytes& b) {
        with_block(b, true);
        fix_crc(b);
        b[fb + 16] ^= 0xFF;
      },
      false);
}

// docs/FORMAT.md §9: the first failing check in the specified order decides the status.
TEST_F(Hostile, CheckOrder) {
  const NativeImage& m = img();
  expect(ATOME_ERR_BAD_MAGIC, "bad magic and truncated", [](Bytes& b) {
    b[0] = 'X';
    b.resize(64);
  });
  expect(ATOME_ERR_VERSION, "bad major version and truncated (version precedes sizes)",
         [](Bytes& b) {
           put_u16(b, kOffVersionMajor, 9);
           b.resize(b.size() - 16);
         });
  expect(
      ATOME_ERR_TRUNCATED, "truncated and a bad CRC", [](Bytes& b) { b.resize(b.size() - 1); },
      false);
  expect(
      ATOME_ERR_CHECKSUM, "bad CRC and a non-zero reserved byte (CRC first)",
      [](Bytes& b) { b[kOffReserved] = 1; }, false);
  expect(ATOME_ERR_BAD_SIGNATURE_BLOCK, "bad signature block and a bad config (block first)",
         [](Bytes& b) {
           put_u32(b, kOffFlags, kFlagSigned);
           put_u32(b, kOffVocab, 7);
           b.resize(b.size() + kSigBlockBytes, 0);
         });
  expect(ATOME_ERR_BAD_CONFIG, "bad config and a bad tensor count (config first)", [](Bytes& b) {
    put_u32(b, kOffActBits, 16);
    put_u32(b, kOffTensorCount, 3);
  });
  expect(ATOME_ERR_BAD_TENSOR, "bad tensor count and a bad table offset (count first)",
         [](Bytes& b) {
           put_u32(b, kOffTensorCount, 3);
           put_u32(b, kOffTableOffset, 8);
         });
  expect(ATOME_ERR_BAD_WEIGHTS, "tensor 0 bad trit, tensor 1 bad kind (per-tensor order)",
         [&](Bytes& b) {
           b[m.offset(0)] = 0x02;
           put_u16(b, m.entry(1) + kTeKind, 99);
         });
  expect(ATOME_ERR_BAD_TENSOR, "tensor 0 bad kind, tensor 1 bad floats", [&](Bytes& b) {
    put_u16(b, m.entry(0) + kTeKind, 99);
    put_f32(b, m.offset(1), NAN);
  });
}

// docs/FORMAT.md §6.1: padding bytes are CRC-covered but never interpreted or rejected.
TEST_F(Hostile, PaddingIsNotInterpreted) {
  ATOME_REQUIRE_FIXTURE(reference_path(kClassifier));
  const NativeImage& c = native(kClassifier);
  std::vector<size_t> gaps;  // one padding byte per gap
  if (c.payload > c.table + c.count * kTensorEntryBytes) gaps.push_back(c.payload - 1);
  for (uint32_t t = 0; t < c.count; ++t) {
    const size_t end = static_cast<size_t>(c.offset(t)) + c.nbytes(t);
    const size_t next = t + 1 < c.count ? c.offset(t + 1) : c.file_bytes;
    if (end < next) gaps.push_back(next - 1);
  }
  ASSERT_FALSE(gaps.empty()) << "the classifier image has no padding to test";
  for (size_t pos : gaps) {
    Bytes b = c.bytes;
    ASSERT_EQ(b[pos], 0) << "writer left non-zero padding at " << pos;
    b[pos] = 0xFF;
    EXPECT_EQ(status_name(load(b)), status_name(ATOME_ERR_CHECKSUM)) << "padding byte " << pos;
    fix_crc(b);
    EXPECT_EQ(status_name(load(b)), status_name(ATOME_OK)) << "padding byte " << pos;
  }
  std::printf("[padding] %zu padding gaps in %s accepted with non-zero bytes\n", gaps.size(),
              kClassifier);
}

TEST_F(Hostile, PointerArguments) {
  const Bytes& bytes = img().bytes;
  atome_model m;
  EXPECT_EQ(atome_model_load(nullptr, bytes.data(), bytes.size()), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_model_load(&m, nullptr, bytes.size()), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_model_load(&m, nullptr, 0), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_model_load(&m, bytes.data(), 0), ATOME_ERR_TRUNCATED);
  // Misalignment: new[] is 16-aligned; shift the image by 1..15 inside an exact block.
  for (size_t shift = 1; shift < 16; ++shift) {
    std::unique_ptr<uint8_t[]> block(new uint8_t[bytes.size() + shift]);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(block.get()) % 16, 0u);
    uint8_t* p = block.get() + shift;
    std::memcpy(p, bytes.data(), bytes.size());
    const atome_status st = atome_model_load(&m, p, bytes.size());
    if (shift % 4 != 0) {
      EXPECT_EQ(status_name(st), status_name(ATOME_ERR_MISALIGNED)) << "shift " << shift;
    } else {
      // 4-byte alignment is all the format requires (floats are read in place).
      ASSERT_EQ(status_name(st), status_name(ATOME_OK)) << "shift " << shift;
      OwnedSession s(m, 8, kNoStateLimit);
      ASSERT_NE(s.get(), nullptr);
      const float* logits = nullptr;
      for (uint32_t t : {72u, 105u, 33u}) ASSERT_EQ(atome_step(s.get(), t, &logits), ATOME_OK);
      EXPECT_TRUE(std::isfinite(logits[0]));
    }
  }
  // A failed load leaves nothing usable behind.
  Bytes bad = bytes;
  bad[0] = 0;
  ASSERT_EQ(load(bad, &m), ATOME_ERR_BAD_MAGIC);
  EXPECT_EQ(m.image, nullptr);
  EXPECT_EQ(atome_state_bytes(&m, 8), 0u);
  EXPECT_EQ(atome_model_param_count(&m), 0u);
  alignas(16) uint8_t small[64];
  atome_session* s = nullptr;
  EXPECT_EQ(atome_session_init(&s, &m, 8, small, sizeof small), ATOME_ERR_BAD_ARGUMENT);
  EXPECT_EQ(atome_state_bytes(nullptr, 8), 0u);
  EXPECT_EQ(atome_model_param_count(nullptr), 0u);
}

// ---- session API argument checks -------------------------------------------------------------

TEST(SessionErrors, InitArguments) {
  REQUIRE_TOY();
  const LoadedModel lm = load_native_image(native(kToy).bytes);
  const atome_model& model = lm.model;
  const size_t need = atome_state_bytes(&model, 16);
  ASSERT_GT(need, 0u);
  std::unique_ptr<uint8_t[]> block(new uint8_t[need + 16]);
  uint8_t* buf = block.get();
  ASSERT_EQ(reinterpret_cast<uintptr_t>(buf) % ATOME_STATE_ALIGN, 0u);
  atome_session* s = reinterpret_cast<atome_session*>(0x1);

  EXPECT_EQ(atome_state_bytes(&model, 0), 0u);
  EXPECT_EQ(atome_state_bytes(&model, ATOME_MAX_WINDOW + 1), 0u);
  EXPECT_GT(atome_state_bytes(&model, ATOME_MAX_WINDOW), atome_state_bytes(&model, 1));
  EXPECT_GT(atome_state_bytes(&model, 2), atome_state_bytes(&model, 1));  // K/V cache grows

  EXPECT_EQ(atome_session_init(&s, &model, 0, buf, need), ATOME_ERR_BAD_WINDOW);
  EXPECT_EQ(s, nullptr);  // cleared on failure
  EXPECT_EQ(atome_session_init(&s, &model, ATOME_MAX_WINDOW + 1, buf, need), ATOME_ERR_BAD_WINDOW);
  EXPECT_EQ(atome_session_init(&s, &model, 0xFFFFFFFFu, buf, need), ATOME_ERR_BAD_WINDOW);
  EXPECT_EQ(atome_session_init(&s, &model, 16, buf, need - 1), ATOME_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(atome_session_init(&s, &model, 16, buf, 0), ATOME_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(atome_session_init(&s, &model, ATOME_MAX_WINDOW, buf, need),
            ATOME_ERR_BUFFER_TOO_SMALL);
  for (size_t shift : {1, 2, 4, 8, 15}) {
    EXPECT_EQ(atome_session_init(&s, &model, 16, buf + shift, need), ATOME_ERR_MISALIGNED)
        << "shift " << shift;
  }
  EXPECT_EQ(atome_session_init(nullptr, &model, 16, buf, need), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_session_init(&s, nullptr, 16, buf, need), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_session_init(&s, &model, 16, nullptr, need), ATOME_ERR_NULL_ARGUMENT);
  // Exactly atome_state_bytes() is enough, in an exactly sized block (ASan checks the layout).
  std::unique_ptr<uint8_t[]> exact(new uint8_t[need]);
  ASSERT_EQ(atome_session_init(&s, &model, 16, exact.get(), need), ATOME_OK);
  ASSERT_NE(s, nullptr);
  const float* logits = nullptr;
  for (uint32_t i = 0; i < 40; ++i) ASSERT_EQ(atome_step(s, (i * 37) & 255u, &logits), ATOME_OK);
  EXPECT_EQ(atome_session_position(s), 40u);
}

TEST(SessionErrors, StepAndClassifierCalls) {
  REQUIRE_TOY();
  const LoadedModel lm = load_native_image(native(kToy).bytes);
  OwnedSession session(lm.model, 8, kNoStateLimit);
  ASSERT_NE(session.get(), nullptr);
  atome_session* s = session.get();
  const float* logits = nullptr;
  float out[16];
  EXPECT_EQ(atome_session_class_logits(s, out, 16), ATOME_ERR_NOT_CLASSIFIER);
  EXPECT_EQ(atome_session_router(s, 0), nullptr);  // nothing fed yet
  EXPECT_EQ(atome_step(s, 256, &logits), ATOME_ERR_BAD_TOKEN);
  EXPECT_EQ(atome_step(s, 0xFFFFFFFFu, &logits), ATOME_ERR_BAD_TOKEN);
  EXPECT_EQ(atome_step_no_logits(s, 256), ATOME_ERR_BAD_TOKEN);
  EXPECT_EQ(logits, nullptr);
  EXPECT_EQ(atome_session_position(s), 0u);  // a rejected token is not fed
  EXPECT_EQ(atome_step(nullptr, 1, &logits), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_step_no_logits(nullptr, 1), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_session_class_logits(nullptr, out, 16), ATOME_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_session_class_logits(s, nullptr, 16), ATOME_ERR_NULL_ARGUMENT);
  ASSERT_EQ(atome_step(s, 255, &logits), ATOME_OK);  // the largest valid token
  ASSERT_EQ(atome_step(s, 0, nullptr), ATOME_OK);    // logits pointer is optional
  EXPECT_EQ(atome_session_class_logits(s, out, 16), ATOME_ERR_NOT_CLASSIFIER);
  EXPECT_NE(atome_session_router(s, 0), nullptr);
  EXPECT_EQ(atome_session_router(s, lm.model.config.n_layers), nullptr);
  EXPECT_EQ(atome_session_position(s), 2u);
  EXPECT_EQ(atome_session_position(nullptr), 0u);
  atome_session_reset(nullptr);  // harmless
}

// ---- config limits: a small file cannot demand a huge state ----------------------------

// A complete, CRC-valid image of `c` written without the writer's validate_config (so that a
// config the loader must reject can be built), with random weights.
Bytes unchecked_image(const atome_config& c) {
  return write_native(random_model(c, 1), /*check_config=*/false);
}

TEST(ConfigLimits, UncheckedImageOfAValidConfigLoads) {
  const Bytes image = unchecked_image(small_config(8, 2, 8, 3, 2));
  atome_model m;
  ASSERT_EQ(status_name(load(image, &m)), "OK");
  EXPECT_EQ(m.config.d_head, 8u);
}

// The file: d 8, 64 layers, d_head 8192 — about 4 MB, yet 537 MB of state at window
// 256 (137 GB at the largest window). d_head must not exceed d_model.
TEST(ConfigLimits, WideHeadOnANarrowModelIsRejected) {
  const Bytes image = unchecked_image(small_config(8, 64, 8192, 3, 2));
  EXPECT_LT(image.size(), 5u << 20);
  atome_model m;
  const atome_status st = load(image, &m);
  if (st == ATOME_OK)
    ADD_FAILURE() << "loaded; it would need " << atome_state_bytes(&m, 256)
                  << " bytes of state at window 256 from a " << image.size() << "-byte file";
  EXPECT_EQ(status_name(st), "BAD_CONFIG");
  EXPECT_EQ(status_name(load(unchecked_image(small_config(8, 1, 9, 3, 2)))), "BAD_CONFIG");
  EXPECT_EQ(status_name(load(unchecked_image(small_config(8, 1, 8, 3, 2)))), "OK");
  EXPECT_EQ(validate_config(small_config(64, 1, 65, 3, 2)), ATOME_ERR_BAD_CONFIG);
  EXPECT_EQ(validate_config(small_config(64, 1, 64, 3, 2)), ATOME_OK);
}

// With the limits, the state is the window-sized K/V cache (at most 8 * L * W * d bytes) plus a
// part that the file's own tensors pay for: never more than a few times the file's size.
TEST(ConfigLimits, StateBeyondTheCacheIsBoundedByTheFileSize) {
  const atome_config configs[] = {small_config(8, 64, 8, 64, 1024),
                                  small_config(1, 1024, 1, 64, 1024),
                                  small_config(1, 1, 1, 1, 1),
                                  small_config(64, 4, 64, 64, 4),
                                  small_config(8, 16, 8, 64, 1, ATOME_PATH_CONV | ATOME_PATH_SSM),
                                  small_config(16, 2, 16, 5, 4, ATOME_PATH_ALL, 4096)};
  for (const atome_config& c : configs) {
    const Bytes image = unchecked_image(c);
    atome_model m;
    ASSERT_EQ(status_name(load(image, &m)), "OK");
    for (uint32_t w : {1u, 256u, ATOME_MAX_WINDOW}) {
      const uint64_t cache = (c.pathways & ATOME_PATH_ATTN)
                                 ? 4ull * c.n_layers * w * (c.d_model + c.d_head) + 4ull * w
                                 : 0;
      EXPECT_LE(atome_state_bytes(&m, w), cache + 16 * image.size())
          << "d " << c.d_model << " L " << c.n_layers << " window " << w;
    }
  }
}

TEST(SessionErrors, ClassifierCalls) {
  ATOME_REQUIRE_FIXTURE(reference_path(kClassifier));
  const LoadedModel lm = load_native_image(native(kClassifier).bytes);
  const uint32_t n = lm.model.config.n_classes;
  ASSERT_GT(n, 0u);
  OwnedSession session(lm.model, 8, kNoStateLimit);
  ASSERT_NE(session.get(), nullptr);
  std::vector<float> out(n + 1, -1.0f);
  EXPECT_EQ(atome_session_class_logits(session.get(), out.data(), n), ATOME_ERR_NO_TOKENS);
  ASSERT_EQ(atome_step_no_logits(session.get(), 7), ATOME_OK);
  EXPECT_EQ(atome_session_class_logits(session.get(), out.data(), n - 1),
            ATOME_ERR_BUFFER_TOO_SMALL);
  // Exactly n outputs, in a block of exactly n floats.
  std::unique_ptr<float[]> exact(new float[n]);
  ASSERT_EQ(atome_session_class_logits(session.get(), exact.get(), n), ATOME_OK);
  for (uint32_t i = 0; i < n; ++i) EXPECT_TRUE(std::isfinite(exact[i]));
  EXPECT_EQ(atome_step(session.get(), 256, nullptr), ATOME_ERR_BAD_TOKEN);
}

}  // namespace
}  // namespace atome::test
