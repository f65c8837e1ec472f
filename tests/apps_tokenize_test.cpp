// The integer tokeniser (apps/tokenize.cpp, docs/APPS.md §4): the binary64 ranges decoded by
// integer code, exact ties, the agreement with the host's binary64 tokeniser on every head's
// generated data in all three quantisation modes (rate printed, bound asserted), and bad frames.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "apps/fixed_decode.h"
#include "apps_feature_data.h"
#include "atome/apps.h"
#include "host/aligned_buffer.h"
#include "host/class_spec.h"
#include "host/feature_tokenize.h"
#include "random_model.h"
#include "train/class_data.h"

namespace atome::test {
namespace {

const char* const kHeads[] = {"agri",      "voice",    "motion",   "sound_scene",
                              "anomaly",   "air",      "os_telem", "power",
                              "occupancy", "wearable", "water",    "forecast"};

// A loaded 1.3 classifier carrying `spec` (random weights: only the metadata matters here).
struct Classifier {
  AlignedBuffer buf;
  atome_model model{};
  atome_status status = ATOME_ERR_BAD_ARGUMENT;
  explicit Classifier(const ClassSpec& spec) {
    const auto cfg =
        small_config(16, 1, 4, 3, 2, ATOME_PATH_ALL, static_cast<uint32_t>(spec.classes.size()));
    const std::vector<uint8_t> image = write_native(with_class_spec(random_model(cfg, 5), spec));
    buf.resize(image.size());
    std::memcpy(buf.data(), image.data(), image.size());
    status = atome_model_load(&model, buf.data(), image.size());
  }
};

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// The fixed-point input of a physical value for channel c: round(x * 2^frac[c]).
std::vector<int32_t> to_fixed(const atome_tokenizer& tok, const std::vector<double>& row) {
  std::vector<int32_t> x(row.size());
  for (size_t i = 0; i < row.size(); ++i)
    x[i] = static_cast<int32_t>(std::llround(std::ldexp(row[i], tok.frac[i % tok.n_channels])));
  return x;
}

TEST(AppsTokenize, DecodesBinary64ByIntegerCode) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> mant(-1.0, 1.0);
  std::uniform_int_distribution<int> ex(-40, 30), fr(0, 40);
  int checked = 0;
  for (int k = 0; k < 200000; ++k) {
    const double v = std::ldexp(mant(rng), ex(rng));
    const int frac = fr(rng);
    const double want = std::nearbyint(std::ldexp(v, frac));  // exact: ties to even
    int64_t got = 0;
    const bool ok = apps::f64_bits_to_fixed(bits_of(v), frac, 62, &got);
    if (std::fabs(want) >= 0x1p62) {
      EXPECT_FALSE(ok) << v << " frac " << frac;
      continue;
    }
    ASSERT_TRUE(ok) << v << " frac " << frac;
    ASSERT_EQ(got, static_cast<int64_t>(want)) << v << " frac " << frac;
    ++checked;
  }
  EXPECT_GT(checked, 100000);
  int64_t out = 0;
  EXPECT_TRUE(apps::f64_bits_to_fixed(bits_of(2.5), 0, 62, &out));
  EXPECT_EQ(out, 2);  // tie to even
  EXPECT_TRUE(apps::f64_bits_to_fixed(bits_of(-3.5), 0, 62, &out));
  EXPECT_EQ(out, -4);
  EXPECT_TRUE(apps::f64_bits_to_fixed(bits_of(4.9e-324), 30, 62, &out));  // subnormal
  EXPECT_EQ(out, 0);
  EXPECT_FALSE(apps::f64_bits_to_fixed(bits_of(INFINITY), 0, 62, &out));
  EXPECT_FALSE(apps::f64_bits_to_fixed(bits_of(NAN), 0, 62, &out));
  EXPECT_FALSE(apps::f64_bits_to_fixed(bits_of(0x1p40), 22, 62, &out));
  uint32_t fb;
  const float f = -12.0f;
  std::memcpy(&fb, &f, 4);
  EXPECT_TRUE(apps::f32_bits_to_fixed(fb, 27, 31, &out));
  EXPECT_EQ(out, -12LL * (1LL << 27));
  EXPECT_EQ(apps::f32_bits_magnitude_log2(fb), 4);  // 12 < 2^4
}

ClassSpec simple_spec(uint32_t C, uint32_t T, uint32_t mode, double vmin, double vmax) {
  ClassSpec s;
  s.classes = {"a", "b"};
  for (uint32_t c = 0; c < C; ++c) s.channels.push_back({"ch" + std::to_string(c), "", 0.0f, 0.0f});
  s.window = T;
  s.quant_mode = mode;
  s.vmin.assign(C * T, vmin);
  s.vmax.assign(C * T, vmax);
  return s;
}

// Where the exact value is a tie, the integer tokeniser rounds it to even; the levels of a range
// 0..255 in global mode are the values themselves.
TEST(AppsTokenize, RoundsExactTiesToEven) {
  Classifier m(simple_spec(1, 1, ATOME_QUANT_GLOBAL, 0.0, 255.0));
  ASSERT_EQ(m.status, ATOME_OK);
  atome_tokenizer tok;
  ASSERT_EQ(atome_tok_prepare(&tok, &m.model), ATOME_APPS_OK);
  EXPECT_EQ(tok.frac[0], 16);  // no physical range recorded: Q16.16
  const struct {
    double x;
    uint8_t want;
  } cases[] = {{0.0, 0},     {2.5, 2},  {3.5, 4},     {3.5000153, 4}, {2.4999847, 2},
               {254.5, 254}, {-1.0, 0}, {300.0, 255}, {100.25, 100},  {100.75, 101}};
  for (const auto& c : cases) {
    const int32_t x = static_cast<int32_t>(std::llround(c.x * 65536.0));
    uint8_t t = 0;
    ASSERT_EQ(atome_tok_run(&tok, &x, 1, &t, nullptr), ATOME_APPS_OK);
    EXPECT_EQ(t, c.want) << c.x;
  }
}

// The product claim: on every head's generated data, in each mode, the integer tokens equal the
// binary64 tokeniser's (src/host/feature_tokenize.cpp) except where the fixed-point input sits
// within its rounding of a level boundary.
TEST(AppsTokenize, MatchesHostTokeniserOnEveryHead) {
  ATOME_REQUIRE_GENERATED_DATA();
  uint64_t total = 0, equal = 0;
  for (const char* head : kHeads) {
    const train::ClassDataset data = train::read_class_dataset(generated_heads_dir() + "/" + head);
    std::vector<size_t> rows(data.features.size());
    for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
    for (uint32_t mode : {ATOME_QUANT_GLOBAL, ATOME_QUANT_BANDED, ATOME_QUANT_CHANNEL}) {
      ClassSpec spec = data.spec;
      train::fit_ranges(spec, data, rows, mode);
      Classifier m(spec);
      ASSERT_EQ(m.status, ATOME_OK) << head;
      atome_tokenizer tok;
      ASSERT_EQ(atome_tok_prepare(&tok, &m.model), ATOME_APPS_OK) << head;
      uint64_t n = 0, same = 0;
      std::vector<uint8_t> got(spec.n_features());
      for (const std::vector<double>& row : data.features) {
        const std::vector<uint32_t> want = tokenize_features(spec, row);
        const std::vector<int32_t> x = to_fixed(tok, row);
        const atome_apps_status s = atome_tok_run(&tok, x.data(), x.size(), got.data(), nullptr);
        ASSERT_TRUE(s == ATOME_APPS_OK || s == ATOME_APPS_INPUT_FLAGGED) << head;
        for (size_t i = 0; i < want.size(); ++i) same += got[i] == want[i];
        n += want.size();
      }
      uint32_t lo = 99, hi = 0;
      for (uint32_t c = 0; c < tok.n_channels; ++c) {
        lo = std::min<uint32_t>(lo, tok.frac[c]);
        hi = std::max<uint32_t>(hi, tok.frac[c]);
      }
      std::printf("[ tokenise ] %-11s %-7s Q%u..Q%u: %llu / %llu tokens equal (%.4f%%)\n", head,
                  quant_mode_name(mode), lo, hi, static_cast<unsigned long long>(same),
                  static_cast<unsigned long long>(n), 100.0 * same / n);
      EXPECT_GE(same, n - n / 500) << head << " " << quant_mode_name(mode);  // >= 99.8 %
      total += n;
      equal += same;
    }
  }
  std::printf("[ tokenise ] all heads, all modes: %.4f%% of %llu tokens equal\n",
              100.0 * equal / total, static_cast<unsigned long long>(total));
  EXPECT_GE(equal, total - total / 2000);  // >= 99.95 % overall
}

TEST(AppsTokenize, BadFramesGetDefinedStatuses) {
  // The quantisation range is wider than channel 0's physical one, so that a saturated value's
  // token differs from the clamped one's.
  ClassSpec s = simple_spec(2, 3, ATOME_QUANT_CHANNEL, -3.0, 3.0);
  s.channels[0].phys_min = -2.0f;
  s.channels[0].phys_max = 2.0f;
  Classifier m(s);
  ASSERT_EQ(m.status, ATOME_OK);
  atome_tokenizer tok;
  ASSERT_EQ(atome_tok_prepare(&tok, &m.model), ATOME_APPS_OK);
  EXPECT_EQ(tok.frac[0], 24);  // |v| <= 2 < 2^2 leaves 29 fraction bits, capped at 24
  EXPECT_EQ(tok.frac[1], 16);  // no physical range: Q16.16
  std::vector<int32_t> x = {0, 0, 1 << 23, 1 << 16, -(1 << 23), -(1 << 16)};
  std::vector<uint8_t> t(6, 0);
  atome_tok_report r;
  EXPECT_EQ(atome_tok_run(&tok, x.data(), 6, t.data(), &r), ATOME_APPS_OK);
  EXPECT_EQ(r.n_saturated, 0u);
  EXPECT_EQ(r.first_saturated, ATOME_TOK_NONE);
  // Channel 0 reads 3.0 (above its physical 2.0): saturated, flagged, tokens still written.
  x[2] = 3 << 24;
  EXPECT_EQ(atome_tok_run(&tok, x.data(), 6, t.data(), &r), ATOME_APPS_INPUT_FLAGGED);
  EXPECT_EQ(r.n_saturated, 1u);
  EXPECT_EQ(r.first_saturated, 2u);
  EXPECT_EQ(r.frozen, 0u);
  EXPECT_EQ(t[2], 106);  // saturated to 2.0: round((2 + 3) / 6 * 127), not the top level 127
  // A frozen window: every channel repeats its value at every timestep.
  std::vector<int32_t> frozen = {5, 7, 5, 7, 5, 7};
  EXPECT_EQ(atome_tok_run(&tok, frozen.data(), 6, t.data(), &r), ATOME_APPS_INPUT_FLAGGED);
  EXPECT_EQ(r.frozen, 1u);
  EXPECT_EQ(r.n_saturated, 0u);
  // Wrong length, NULLs, an uninitialised table: statuses, tokens untouched.
  std::vector<uint8_t> keep(6, 0xAB);
  EXPECT_EQ(atome_tok_run(&tok, x.data(), 5, keep.data(), &r), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(keep, std::vector<uint8_t>(6, 0xAB));
  EXPECT_EQ(atome_tok_run(&tok, nullptr, 6, keep.data(), &r), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_tok_run(nullptr, x.data(), 6, keep.data(), &r), ATOME_APPS_ERR_NULL_ARGUMENT);
  atome_tokenizer zero{};
  EXPECT_EQ(atome_tok_run(&zero, x.data(), 6, keep.data(), &r), ATOME_APPS_ERR_NOT_INITIALISED);
  EXPECT_EQ(atome_tok_prepare(nullptr, &m.model), ATOME_APPS_ERR_NULL_ARGUMENT);
}

TEST(AppsTokenize, PrepareRefusesWhatItCannotHold) {
  atome_tokenizer tok;
  Classifier big(simple_spec(1, 65, ATOME_QUANT_GLOBAL, 0.0, 1.0));  // 65 features
  ASSERT_EQ(big.status, ATOME_OK);
  EXPECT_EQ(atome_tok_prepare(&tok, &big.model), ATOME_APPS_ERR_TOO_BIG);
  Classifier far(simple_spec(1, 1, ATOME_QUANT_GLOBAL, -1e20, 1.0));  // does not fit Q16.16 + 16
  ASSERT_EQ(far.status, ATOME_OK);
  EXPECT_EQ(atome_tok_prepare(&tok, &far.model), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_tok_run(&tok, nullptr, 0, nullptr, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  // An LM has no input spec.
  AlignedBuffer buf;
  const std::vector<uint8_t> lm = write_native(random_model(small_config(16, 1, 4, 3, 2), 3));
  buf.resize(lm.size());
  std::memcpy(buf.data(), lm.data(), lm.size());
  atome_model model;
  ASSERT_EQ(atome_model_load(&model, buf.data(), lm.size()), ATOME_OK);
  EXPECT_EQ(atome_tok_prepare(&tok, &model), ATOME_APPS_ERR_NO_METADATA);
}

}  // namespace
}  // namespace atome::test
