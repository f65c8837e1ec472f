// The legacy ATOME01 / ATOMECL01 reader and writer against the original project's published files:
// reading and writing back is byte-exact, damaged files throw atome::FormatError (never crash),
// and the native writer round-trips through the native reader.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/format.h"
#include "fixtures.h"
#include "host/file_io.h"
#include "host/model_data.h"

namespace atome::test {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr const char* kLegacyToy = "original-models/toy_60k.atome01";
constexpr const char* kLegacy944k = "original-models/atome_944k.atome01";
constexpr const char* kSuperesp[] = {"agri",        "air",       "anomaly",  "forecast",
                                     "motion",      "occupancy", "os_telem", "power",
                                     "sound_scene", "voice",     "water",    "wearable"};

std::string superesp(const char* name) {
  return std::string("original-superesp/") + name + ".atomecl";
}

std::vector<std::string> all_legacy_files() {
  std::vector<std::string> files = {kLegacyToy, kLegacy944k};
  for (const char* name : kSuperesp) files.push_back(superesp(name));
  return files;
}

#define REQUIRE_ALL_LEGACY() \
  for (const std::string& f : all_legacy_files()) ATOME_REQUIRE_FIXTURE(reference_path(f))

HostModel read_guessed(const Bytes& file) {
  ModelDims dims;
  if (!guess_legacy_dims(file, &dims)) throw FormatError("dimensions not recognised");
  return read_legacy(file, dims);
}

TEST(LegacyFormat, ReadWriteIsByteExactOnEveryPublishedFile) {
  REQUIRE_ALL_LEGACY();
  for (const std::string& f : all_legacy_files()) {
    const Bytes original = read_file(reference_path(f));
    ModelDims dims;
    ASSERT_TRUE(guess_legacy_dims(original, &dims)) << f;
    const HostModel m = read_legacy(original, dims);
    EXPECT_EQ(m.tensors.size(), format::tensor_count(m.config)) << f;
    EXPECT_EQ(format::validate_config(m.config), ATOME_OK) << f;
    const bool classifier = is_legacy_classifier(original);
    EXPECT_EQ(classifier, m.config.n_classes > 0) << f;
    EXPECT_EQ(legacy_file_bytes(dims, m.config.n_classes), original.size()) << f;
    const Bytes written = write_legacy(m);
    ASSERT_EQ(written.size(), original.size()) << f;
    EXPECT_TRUE(written == original) << f << ": write_legacy(read_legacy(x)) != x";
  }
}

TEST(LegacyFormat, PublishedDimensions) {
  REQUIRE_ALL_LEGACY();
  ModelDims d;
  ASSERT_TRUE(guess_legacy_dims(read_file(reference_path(kLegacyToy)), &d));
  EXPECT_EQ(d.d_model, 64u);
  EXPECT_EQ(d.n_layers, 4u);
  EXPECT_EQ(d.d_head, 16u);
  ASSERT_TRUE(guess_legacy_dims(read_file(reference_path(kLegacy944k)), &d));
  EXPECT_EQ(d.d_model, 256u);
  EXPECT_EQ(d.n_layers, 8u);
  EXPECT_EQ(d.d_head, 64u);
  for (const char* name : kSuperesp) {
    ASSERT_TRUE(guess_legacy_dims(read_file(reference_path(superesp(name))), &d)) << name;
    EXPECT_EQ(d.d_model, 32u) << name;
    EXPECT_EQ(d.n_layers, 2u) << name;
    EXPECT_EQ(d.d_head, 8u) << name;
  }
}

// Every prefix, each in a fresh exactly sized vector, with the full file's dimensions.
void check_every_truncation_throws(const std::string& relative) {
  const Bytes full = read_file(reference_path(relative));
  ModelDims dims;
  ASSERT_TRUE(guess_legacy_dims(full, &dims));
  size_t wrong = 0, coincidences = 0;
  for (size_t n = 0; n < full.size(); ++n) {
    const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      (void)read_legacy(prefix, dims);
      if (++wrong <= 10) ADD_FAILURE() << relative << " truncated to " << n << " bytes was read";
    } catch (const FormatError&) {
      // expected
    }
    // The legacy formats have no header or checksum: dimensions are guessed from the size alone,
    // so a prefix that happens to have the size of another published configuration is taken for
    // one (toy_60k cut to 6,583 bytes has the size of a d=32 LM). It must never be taken for the
    // original configuration, and reading it with the guessed one must not crash.
    ModelDims guessed;
    if (guess_legacy_dims(prefix, &guessed)) {
      ++coincidences;
      if (guessed.d_model == dims.d_model && guessed.n_layers == dims.n_layers && ++wrong <= 10) {
        ADD_FAILURE() << relative << " truncated to " << n << " bytes: original dims guessed";
      }
      try {
        (void)read_legacy(prefix, guessed);
      } catch (const FormatError&) {
      }
    }
  }
  EXPECT_EQ(wrong, 0u);
  std::printf(
      "[legacy-truncation] %s: %zu prefixes rejected; %zu had the size of another "
      "published configuration\n",
      relative.c_str(), full.size(), coincidences);
}

TEST(LegacyFormat, EveryTruncationOfToyThrows) {
  ATOME_REQUIRE_FIXTURE(reference_path(kLegacyToy));
  check_every_truncation_throws(kLegacyToy);
}

TEST(LegacyFormat, EveryTruncationOfAClassifierThrows) {
  ATOME_REQUIRE_FIXTURE(reference_path(superesp("motion")));
  check_every_truncation_throws(superesp("motion"));
}

// Byte offset of the first trit byte of the embedding (after the magic, [n_classes], alpha).
size_t first_embed_trit_byte(const Bytes& file) {
  return (is_legacy_classifier(file) ? 13 : 7) + 4;
}

TEST(LegacyFormat, InvalidTritCodeThrows) {
  ATOME_REQUIRE_FIXTURE(reference_path(kLegacyToy));
  ATOME_REQUIRE_FIXTURE(reference_path(superesp("voice")));
  const Bytes toy = read_file(reference_path(kLegacyToy));
  ModelDims dims;
  ASSERT_TRUE(guess_legacy_dims(toy, &dims));
  // 0b10 at each of the four positions of the first embedding byte.
  for (int slot = 0; slot < 4; ++slot) {
    Bytes bad = toy;
    uint8_t& b = bad[first_embed_trit_byte(bad)];
    b = static_cast<uint8_t>((b & ~(3u << (2 * slot))) | (2u << (2 * slot)));
    EXPECT_THROW((void)read_legacy(bad, dims), FormatError) << "slot " << slot;
  }
  // ... in the very last byte of the file (the last unembedding trits).
  {
    Bytes bad = toy;
    bad.back() = 0x80;
    EXPECT_THROW((void)read_legacy(bad, dims), FormatError);
  }
  // ... in the last byte of a classifier's head.
  {
    Bytes cl = read_file(reference_path(superesp("voice")));
    cl.back() = 0x22;
    EXPECT_THROW((void)read_guessed(cl), FormatError);
  }
  // A valid code change (0 -> +1 -> -1) reads fine.
  {
    Bytes ok = toy;
    ok[first_embed_trit_byte(ok)] = 0xFF;  // four trits of -1
    const HostModel m = read_legacy(ok, dims);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(m.tensors[0].trits[i], -1);
    EXPECT_TRUE(write_legacy(m) == ok);
  }
}

TEST(LegacyFormat, BadHeadersAndDimensionsThrow) {
  ATOME_REQUIRE_FIXTURE(reference_path(kLegacyToy));
  ATOME_REQUIRE_FIXTURE(reference_path(superesp("air")));
  const Bytes toy = read_file(reference_path(kLegacyToy));
  ModelDims dims;
  ASSERT_TRUE(guess_legacy_dims(toy, &dims));
  {
    Bytes bad = toy;
    bad[0] = 'X';
    EXPECT_THROW((void)read_legacy(bad, dims), FormatError);
    ModelDims g;
    EXPECT_FALSE(guess_legacy_dims(bad, &g));
  }
  {
    Bytes longer = toy;
    longer.push_back(0);
    EXPECT_THROW((void)read_legacy(longer, dims), FormatError);
  }
  {
    ModelDims wrong = dims;
    wrong.d_model = 32;
    EXPECT_THROW((void)read_legacy(toy, wrong), FormatError);
    wrong = dims;
    wrong.d_model = 0;
    EXPECT_THROW((void)read_legacy(toy, wrong), FormatError);
    wrong = dims;
    wrong.conv_kernel = 0;
    EXPECT_THROW((void)read_legacy(toy, wrong), FormatError);
    wrong = dims;
    wrong.n_layers = 0xFFFFFFFFu;
    EXPECT_THROW((void)read_legacy(toy, wrong), FormatError);
  }
  const Bytes air = read_file(reference_path(superesp("air")));
  for (int32_t n : {0, -1, 17, 0x7FFFFFFF}) {
    Bytes bad = air;
    std::memcpy(bad.data() + 9, &n, 4);
    EXPECT_THROW((void)read_guessed(bad), FormatError) << "n_classes " << n;
    ModelDims g;
    EXPECT_FALSE(guess_legacy_dims(bad, &g)) << "n_classes " << n;
  }
  EXPECT_THROW((void)read_legacy(Bytes{}, dims), FormatError);
  EXPECT_THROW((void)read_legacy(Bytes{'A', 'T', 'O', 'M', 'E', 'C', 'L', '0', '1'}, dims),
               FormatError);
}

TEST(LegacyFormat, NativeRoundTrip) {
  REQUIRE_ALL_LEGACY();
  for (const std::string& f : all_legacy_files()) {
    const Bytes legacy = read_file(reference_path(f));
    const HostModel m = read_guessed(legacy);
    const Bytes native = write_native(m);
    const HostModel back = read_native(native);
    EXPECT_TRUE(write_native(back) == native) << f << ": write_native(read_native(x)) != x";
    // The native model carries the same weights: writing it as legacy gives the original back.
    EXPECT_TRUE(write_legacy(back) == legacy) << f << ": legacy -> native -> legacy changed bytes";
    EXPECT_EQ(std::memcmp(&back.config, &m.config, sizeof m.config), 0) << f;
  }
}

TEST(LegacyFormat, ReadNativeRejectsDamage) {
  ATOME_REQUIRE_FIXTURE(reference_path(kLegacyToy));
  const Bytes native = write_native(read_guessed(read_file(reference_path(kLegacyToy))));
  Bytes bad = native;
  bad[bad.size() / 2] ^= 0x10;
  EXPECT_THROW((void)read_native(bad), FormatError);
  EXPECT_THROW((void)read_native(Bytes(native.begin(), native.begin() + 100)), FormatError);
  EXPECT_THROW((void)read_native(Bytes{}), FormatError);
}

}  // namespace
}  // namespace atome::test
