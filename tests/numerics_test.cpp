// The engine's own exp / tanh / sqrt against the host libm, and the CRC-32 check value.
#include "engine/numerics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "atome/atome.h"
#include "max_abs_diff.h"

namespace atome {
namespace {

// Distance in units in the last place between two finite floats of the same sign.
int64_t ulp_distance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (ia < 0) ia = INT32_MIN - ia;
  if (ib < 0) ib = INT32_MIN - ib;
  return std::llabs(static_cast<int64_t>(ia) - ib);
}

TEST(Numerics, SqrtIsCorrectlyRounded) {
  std::mt19937 rng(1);
  for (int i = 0; i < 2000000; ++i) {
    uint32_t bits = rng() & 0x7FFFFFFFu;
    float x;
    std::memcpy(&x, &bits, 4);
    if (std::isnan(x)) continue;
    const float want = std::sqrt(x);
    const float got = sqrt_f(x);
    ASSERT_EQ(float_bits(got), float_bits(want)) << "x = " << x;
  }
  EXPECT_EQ(sqrt_f(0.0f), 0.0f);
  EXPECT_TRUE(std::isnan(sqrt_f(-1.0f)));
  EXPECT_TRUE(std::isinf(sqrt_f(INFINITY)));
  EXPECT_EQ(sqrt_f(1e-45f), std::sqrt(1e-45f));  // smallest subnormal
}

TEST(Numerics, ExpWithinTwoUlp) {
  int64_t worst = 0;
  for (float x = -103.0f; x < 88.7f; x += 0.001953125f) {
    const float want = std::exp(x);
    if (want < 1.2e-38f) continue;  // subnormal results: checked by absolute error below
    worst = std::max(worst, ulp_distance(exp_f(x), want));
  }
  EXPECT_LE(worst, 2);
  EXPECT_EQ(exp_f(0.0f), 1.0f);
  EXPECT_TRUE(std::isinf(exp_f(89.0f)));
  EXPECT_EQ(exp_f(-104.0f), 0.0f);
  EXPECT_NEAR(exp_f(-100.0f), std::exp(-100.0f), 1e-45f);
  std::printf("[numerics] exp_f max error: %lld ulp\n", static_cast<long long>(worst));
}

TEST(Numerics, TanhAbsoluteErrorBelow2e7) {
  double worst = 0.0;
  for (float x = -12.0f; x < 12.0f; x += 0.0001f) {
    worst = test::nan_failing_max(worst, test::abs_diff(tanh_f(x), std::tanh(x)));  // NaN fails
  }
  EXPECT_LT(worst, 2e-7f);
  EXPECT_EQ(tanh_f(0.0f), 0.0f);
  EXPECT_EQ(tanh_f(20.0f), 1.0f);
  EXPECT_EQ(tanh_f(-20.0f), -1.0f);
  std::printf("[numerics] tanh_f max absolute error: %.3g\n", worst);
}

TEST(Numerics, Crc32CheckValue) {
  EXPECT_EQ(atome_crc32(0, "123456789", 9), 0xCBF43926u);
  // Incremental use equals one pass.
  EXPECT_EQ(atome_crc32(atome_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

}  // namespace
}  // namespace atome
