// The parity helper (max_abs_diff.h): a NaN on either side fails a tolerance check, where the
// std::fmax it replaces would have dropped it.
#include "max_abs_diff.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace atome::test {
namespace {

TEST(MaxAbsDiff, FiniteValues) {
  const std::vector<float> a = {1.0f, -2.0f, 3.0f}, b = {1.0f, -2.5f, 3.25f};
  EXPECT_EQ(max_abs_diff(a, b), 0.5);
  EXPECT_EQ(max_abs_diff(a, a), 0.0);
  EXPECT_EQ(max_abs_diff(a.data(), b.data(), 0), 0.0);
}

TEST(MaxAbsDiff, ANanOnEitherSideFailsAToleranceCheck) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> ref = {1.0f, 2.0f, 3.0f, 4.0f};
  for (size_t i = 0; i < ref.size(); ++i) {
    std::vector<float> bad = ref;
    bad[i] = nan;
    // What the old checks did: fmax drops the NaN, so the check passed.
    double fmax_worst = 0.0;
    for (size_t k = 0; k < ref.size(); ++k)
      fmax_worst = std::fmax(fmax_worst, std::fabs(static_cast<double>(bad[k]) - ref[k]));
    EXPECT_LE(fmax_worst, 1e-4) << "fmax no longer drops NaN?";
    EXPECT_FALSE(max_abs_diff(bad, ref) <= 1e-4) << "NaN in the first operand at " << i;
    EXPECT_FALSE(max_abs_diff(ref, bad) <= 1e-4) << "NaN in the second operand at " << i;
    EXPECT_TRUE(std::isinf(max_abs_diff(bad, ref)));
  }
  std::vector<float> all_nan(4, nan);
  EXPECT_FALSE(max_abs_diff(all_nan, all_nan) <= 1e-4);
  // inf - inf is NaN: fails too; equal infinities on one side only is an infinite difference.
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(max_abs_diff(std::vector<float>{inf}, std::vector<float>{inf}) <= 1e-4);
  EXPECT_FALSE(max_abs_diff(std::vector<float>{inf}, std::vector<float>{0.0f}) <= 1e-4);
  // Size mismatch.
  EXPECT_FALSE(max_abs_diff(std::vector<float>{1.0f}, std::vector<float>{1.0f, 1.0f}) <= 1e-4);
}

TEST(MaxAbsDiff, NanFailingMaxIsSticky) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double worst = 0.0;
  worst = nan_failing_max(worst, 1e-6);
  EXPECT_EQ(worst, 1e-6);
  worst = nan_failing_max(worst, nan);
  worst = nan_failing_max(worst, 0.0);
  EXPECT_FALSE(worst <= 1e-4);
  EXPECT_FALSE(nan_failing_max(nan, 0.0) <= 1e-4);
}

}  // namespace
}  // namespace atome::test
