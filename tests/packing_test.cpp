// Base-3 trit packing (dtype trit3, FORMAT.md §5.3): the byte layout, the loader's checks, the
// kernels (the same bits as trit2 on every shape), and whole models in f32, a8 and q15 giving the
// same logits bit for bit in either packing.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "engine/format.h"
#include "engine/ternary.h"
#include "engine/ternary_i8.h"
#include "engine/trit3.h"
#include "fixtures.h"
#include "host/byte_io.h"
#include "host/model_data.h"
#include "host/numerics_convert.h"
#include "host/owned_session.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

using namespace format;

std::vector<int8_t> random_trits(std::mt19937_64& rng, size_t n) {
  std::uniform_int_distribution<int> trit(-1, 1);
  std::vector<int8_t> t(n);
  for (auto& v : t) v = static_cast<int8_t>(trit(rng));
  return t;
}

TEST(Trit3, ByteLayout) {
  // Element i is digit i % 5 of byte i / 5, digit = trit + 1; padding digits are 1 (trit 0).
  const int8_t t[7] = {1, -1, 0, 0, 1, -1, 1};
  uint8_t b[2] = {0, 0};
  pack_trits3(t, 7, b);
  EXPECT_EQ(b[0], 2 + 0 * 3 + 1 * 9 + 1 * 27 + 2 * 81);
  EXPECT_EQ(b[1], 0 + 2 * 3 + 1 * 9 + 1 * 27 + 1 * 81);
  int8_t back[7];
  ASSERT_TRUE(unpack_trits3(b, 7, back));
  EXPECT_EQ(std::memcmp(back, t, 7), 0);
  const uint8_t bad = 243;
  EXPECT_FALSE(unpack_trits3(&bad, 1, back));
  // All trits 0 is the byte 121 (all digits 1).
  const int8_t zeros[5] = {0, 0, 0, 0, 0};
  pack_trits3(zeros, 5, b);
  EXPECT_EQ(b[0], 121);
}

TEST(Trit3, DecodeRowEqualsTrit2Packing) {
  std::mt19937_64 rng(7);
  for (uint32_t cols = 1; cols <= 130; ++cols) {
    const std::vector<int8_t> t = random_trits(rng, cols);
    std::vector<uint8_t> three((cols + 4) / 5), two((cols + 3) / 4, 0);
    pack_trits3(t.data(), cols, three.data());
    pack_trits(t.data(), cols, two.data());
    std::vector<uint8_t> decoded(two.size() + 3, 0xAA);
    trit3_decode_row(decoded.data(), three.data(), cols);
    ASSERT_EQ(std::memcmp(decoded.data(), two.data(), two.size()), 0) << "cols " << cols;
  }
}

// The same random matrix in both packings.
struct TwoPackings {
  std::vector<uint8_t> two, three;
  atome_trits w2{}, w3{};
};

TwoPackings pack_both(std::mt19937_64& rng, uint32_t rows, uint32_t cols, float scale) {
  TwoPackings p;
  const std::vector<int8_t> t = random_trits(rng, static_cast<size_t>(rows) * cols);
  const uint32_t rb2 = (cols + 3) / 4, rb3 = (cols + 4) / 5;
  p.two.assign(static_cast<size_t>(rows) * rb2 + 16, 0);
  p.three.assign(static_cast<size_t>(rows) * rb3 + 16, 0);
  for (uint32_t r = 0; r < rows; ++r) {
    pack_trits(t.data() + static_cast<size_t>(r) * cols, cols, p.two.data() + r * rb2);
    pack_trits3(t.data() + static_cast<size_t>(r) * cols, cols, p.three.data() + r * rb3);
  }
  p.w2 = {p.two.data(), rows, cols, rb2, scale, 12345, ATOME_PACKING_TRIT2};
  p.w3 = {p.three.data(), rows, cols, rb3, scale, 12345, ATOME_PACKING_TRIT3};
  return p;
}

// Shapes including ones whose rows need several decode chunks (cols * rows > the buffer).
const uint32_t kShapes[][2] = {{1, 1},    {3, 5},    {7, 13},     {16, 64},  {99, 64},
                               {256, 64}, {33, 257}, {300, 1000}, {5, 4095}, {9, 8192}};

TEST(Trit3, FloatKernelsBitIdentical) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const auto& s : kShapes) {
    const uint32_t rows = s[0], cols = s[1];
    if (cols > kTrit3MaxCols) continue;
    TwoPackings p = pack_both(rng, rows, cols, 0.037f);
    std::vector<float> x(cols);
    for (float& v : x) v = normal(rng);
    std::vector<float> a(rows), b(rows);
    ternary_matvec(a.data(), p.w2, x.data());
    ternary_matvec(b.data(), p.w3, x.data());
    ASSERT_EQ(std::memcmp(a.data(), b.data(), rows * sizeof(float)), 0) << rows << "x" << cols;
  }
  // conv: channels x taps, K up to 64; lag vectors per tap.
  for (uint32_t channels : {1u, 8u, 13u, 64u, 700u}) {
    for (uint32_t taps : {1u, 3u, 5u, 7u, 64u}) {
      TwoPackings p = pack_both(rng, channels, taps, 0.5f);
      std::vector<std::vector<float>> lag(taps, std::vector<float>(channels));
      const float* lag_h[kMaxConvKernel];
      for (uint32_t k = 0; k < taps; ++k) {
        for (float& v : lag[k]) v = normal(rng);
        lag_h[k] = lag[k].data();
      }
      std::vector<float> a(channels), b(channels);
      conv_taps(a.data(), p.w2, lag_h, taps);
      conv_taps(b.data(), p.w3, lag_h, taps);
      ASSERT_EQ(std::memcmp(a.data(), b.data(), channels * sizeof(float)), 0)
          << channels << " channels, " << taps << " taps";
    }
  }
}

TEST(Trit3, IntegerKernelsIdentical) {
  std::mt19937_64 rng(13);
  std::uniform_int_distribution<int> act(-127, 127);
  for (const auto& s : kShapes) {
    const uint32_t rows = s[0], cols = s[1];
    if (cols > kTrit3MaxCols) continue;
    TwoPackings p = pack_both(rng, rows, cols, 1.0f);
    std::vector<int8_t> x(cols);
    for (int8_t& v : x) v = static_cast<int8_t>(act(rng));
    alignas(16) static uint8_t scratch[1 << 22];
    ASSERT_LE(ternary_input_scratch_bytes(cols), sizeof scratch);
    TernaryInput in{};
    ternary_input_prepare(&in, x.data(), cols, scratch);
    std::vector<int32_t> a(rows), b(rows), ref(rows);
    ternary_matvec_i8(a.data(), p.w2, in);
    ternary_matvec_i8(b.data(), p.w3, in);
    TernaryInput pin{};
    ternary_input_prepare_portable(&pin, x.data(), cols, nullptr);
    ternary_matvec_i8_portable(ref.data(), p.w2, pin);
    ASSERT_EQ(a, ref) << rows << "x" << cols;
    ASSERT_EQ(b, ref) << rows << "x" << cols;
  }
}

// ---- the loader ------------------------------------------------------------------------------

std::vector<uint8_t> trit3_image(uint32_t d, uint32_t kernel, uint64_t seed) {
  return write_native(
      with_trit_dtype(random_model(small_config(d, 2, 5, kernel, 3), seed), kDtypeTrit3));
}

// Offset of tensor t's payload / its dtype byte in an image.
uint32_t payload_of(const std::vector<uint8_t>& img, uint32_t t) {
  return read_u32(img.data() + read_u32(img.data() + kOffTableOffset) + t * kTensorEntryBytes +
                  kTeOffset);
}
size_t entry_of(const std::vector<uint8_t>& img, uint32_t t) {
  return read_u32(img.data() + kOffTableOffset) + static_cast<size_t>(t) * kTensorEntryBytes;
}

TEST(Trit3, LoaderAcceptsAndChecksBytes) {
  // d = 12: a row is 3 bytes with 3 padding digits; the conv (K = 3) 1 byte with 2.
  const std::vector<uint8_t> img = trit3_image(12, 3, 5);
  ASSERT_EQ(load_with_fresh_crc(img), ATOME_OK);
  EXPECT_EQ(read_u16(img.data() + kOffVersionMinor), kVersionMinorTrit3);
  atome_model m;
  ASSERT_EQ(atome_model_load(&m, img.data(), img.size()), ATOME_OK);
  EXPECT_EQ(m.embed.packing, ATOME_PACKING_TRIT3);
  EXPECT_EQ(m.embed.row_bytes, 3u);
  // Invalid bytes 243..255 anywhere in a row.
  for (uint32_t v = 243; v <= 255; ++v) {
    std::vector<uint8_t> bad = img;
    bad[payload_of(img, 0) + 1] = static_cast<uint8_t>(v);  // embed row 0, byte 1
    EXPECT_EQ(load_with_fresh_crc(bad), ATOME_ERR_BAD_WEIGHTS) << v;
  }
  // Padding digits must be 1 (trit 0): embed row 0's last byte has digits 2, 3, 4 as padding
  // (d = 12: 2 full bytes + 2 trits), so it lies in [117, 126) (121: both data trits 0); a
  // padding digit 0 or 2 is invalid.
  const size_t last = payload_of(img, 0) + 2;
  for (int v : {121, 117, 125, 120, 124}) {
    std::vector<uint8_t> ok = img;
    ok[last] = static_cast<uint8_t>(v);
    EXPECT_EQ(load_with_fresh_crc(ok), ATOME_OK) << v;
  }
  for (int v : {116, 126, 121 - 9, 121 + 9, 121 - 27, 121 + 27, 121 + 81, 121 - 81, 0, 242}) {
    std::vector<uint8_t> bad = img;
    bad[last] = static_cast<uint8_t>(v);
    EXPECT_EQ(load_with_fresh_crc(bad), ATOME_ERR_BAD_WEIGHTS) << v;
  }
}

TEST(Trit3, LoaderRejectsMixedPackings) {
  const std::vector<uint8_t> img = trit3_image(12, 3, 6);
  const atome_config c = small_config(12, 2, 5, 3, 3);
  // A trit2 tensor of the same byte count cannot exist here (ceil(12/4) = 3 = ceil(12/5)), so a
  // dtype flip alone is a well-sized mixed file: it must fail on its dtype.
  for (uint32_t t = 1; t < tensor_count(c); ++t) {
    if (!is_trit_dtype(canonical_tensor(c, t).dtype)) continue;
    std::vector<uint8_t> bad = img;
    bad[entry_of(img, t) + kTeDtype] = kDtypeTrit2;
    EXPECT_EQ(load_with_fresh_crc(bad), ATOME_ERR_BAD_TENSOR) << "tensor " << t;
  }
  // And the other way: a trit2 file with one trit3 tensor.
  const std::vector<uint8_t> two = write_native(random_model(c, 6));
  for (uint32_t t = 0; t < tensor_count(c); ++t) {
    if (!is_trit_dtype(canonical_tensor(c, t).dtype)) continue;
    std::vector<uint8_t> bad = two;
    bad[entry_of(two, t) + kTeDtype] = kDtypeTrit3;
    // Tensor 0 flipped makes the file trit3: its own bytes may then fail first (BAD_WEIGHTS).
    if (t == 0)
      EXPECT_NE(load_with_fresh_crc(bad), ATOME_OK);
    else
      EXPECT_EQ(load_with_fresh_crc(bad), ATOME_ERR_BAD_TENSOR) << "tensor " << t;
  }
  // The host writer refuses a mixed model.
  HostModel mixed = with_trit_dtype(random_model(c, 6), kDtypeTrit3);
  mixed.tensors.back().dtype = kDtypeTrit2;
  EXPECT_THROW(write_native(mixed), FormatError);
}

// ---- whole models --------------------------------------------------------------------------

// Logits of `tokens` fed one at a time, as raw bytes (float or Q16 int32 logits).
std::vector<uint8_t> run_logits(const std::vector<uint8_t>& image, size_t steps) {
  LoadedModel m = load_native_image(image);
  OwnedSession s(m.model, 64, kNoStateLimit);
  EXPECT_NE(s.get(), nullptr);
  const uint32_t V = m.model.config.vocab_size;
  const bool q15 = m.model.config.numerics == ATOME_NUMERICS_Q15;
  std::vector<uint8_t> out;
  const char* text = "Once upon a time, a small robot found a red ball. ";
  for (size_t t = 0; t < steps; ++t) {
    const uint32_t token = static_cast<uint8_t>(text[t % std::strlen(text)]);
    if (q15) {
      const int32_t* logits = nullptr;
      EXPECT_EQ(atome_step_q16(s.get(), token, &logits), ATOME_OK);
      if (logits == nullptr) return out;
      append_bytes(out, logits, V * sizeof(int32_t));
    } else {
      const float* logits = nullptr;
      EXPECT_EQ(atome_step(s.get(), token, &logits), ATOME_OK);
      if (logits == nullptr) return out;
      append_bytes(out, logits, V * sizeof(float));
    }
  }
  return out;
}

void expect_same_logits_both_packings(const HostModel& model, const char* what) {
  const std::vector<uint8_t> two = write_native(with_trit_dtype(model, kDtypeTrit2));
  const std::vector<uint8_t> three = write_native(with_trit_dtype(model, kDtypeTrit3));
  EXPECT_LE(three.size(), two.size()) << what;  // equal where ceil(cols / 5) = ceil(cols / 4)
  // Round trip through the reader: trit3 -> trit2 is the same file byte for byte.
  EXPECT_EQ(write_native(with_trit_dtype(read_native(three), kDtypeTrit2)), two) << what;
  EXPECT_EQ(repack_native(two, "trit3"), three) << what;
  const std::vector<uint8_t> a = run_logits(two, 40), b = run_logits(three, 40);
  ASSERT_FALSE(a.empty()) << what;
  EXPECT_TRUE(a == b) << what << ": logits differ between trit2 and trit3";
}

TEST(Trit3, Toy60kSameLogitsInEveryNumericsMode) {
  const std::string path = reference_path("original-models/toy_60k.atome01");
  ATOME_REQUIRE_FIXTURE(path);
  const HostModel f32 = read_native(load_legacy_as_native(path).image);
  expect_same_logits_both_packings(f32, "toy_60k f32");
  expect_same_logits_both_packings(convert_numerics(f32, ATOME_NUMERICS_A8), "toy_60k a8");
  expect_same_logits_both_packings(convert_numerics(f32, ATOME_NUMERICS_Q15), "toy_60k q15");
}

TEST(Trit3, OddShapesAndAblationsSameLogits) {
  struct Shape {
    uint32_t d, layers, d_head, kernel, top_k, pathways, classes;
  };
  const Shape shapes[] = {
      {12, 2, 5, 3, 2, ATOME_PATH_ALL, 0},
      {21, 1, 7, 1, 9, ATOME_PATH_ALL, 0},
      {16, 2, 8, 6, 3, ATOME_PATH_CONV | ATOME_PATH_SSM, 0},
      {16, 1, 8, 5, 4, ATOME_PATH_ATTN, 3},
      {33, 1, 9, 7, 2, ATOME_PATH_ALL, 5},
  };
  uint64_t seed = 100;
  for (const Shape& s : shapes) {
    const HostModel m = random_model(
        small_config(s.d, s.layers, s.d_head, s.kernel, s.top_k, s.pathways, s.classes), seed++);
    if (s.classes != 0) continue;  // classifiers: checked by the loader and kernels above
    expect_same_logits_both_packings(m, "random f32");
    expect_same_logits_both_packings(convert_numerics(m, ATOME_NUMERICS_A8), "random a8");
    expect_same_logits_both_packings(convert_numerics(m, ATOME_NUMERICS_Q15), "random q15");
  }
}

TEST(Trit3, RepackAutoKeepsTrit2UnlessOnlyTrit3Fits) {
  const HostModel m = random_model(small_config(64, 2, 16, 5, 4), 3);
  const std::vector<uint8_t> two = write_native(m);
  const std::vector<uint8_t> three = write_native(with_trit_dtype(m, kDtypeTrit3));
  EXPECT_EQ(repack_native(three, "auto"), two);
  EXPECT_EQ(repack_native(three, "auto", two.size()), two);
  EXPECT_EQ(repack_native(two, "auto", two.size() - 1), three);
  EXPECT_EQ(repack_native(two, "auto", three.size()), three);
  EXPECT_THROW(repack_native(two, "auto", three.size() - 1), FormatError);
  EXPECT_THROW(repack_native(two, "trit4"), FormatError);
}

}  // namespace
}  // namespace atome::test
