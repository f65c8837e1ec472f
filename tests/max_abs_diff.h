// Parity checks: the largest |a[i] - b[i]|, where any NaN fails.
//
// std::fmax(worst, NaN) and std::max(worst, NaN) both return worst, so a parity check built on
// them passes when one side is all NaN. These return +infinity instead whenever a NaN appears on
// either side (or as a difference, e.g. inf - inf), so that `EXPECT_LE(diff, tolerance)` fails.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace atome::test {

// max(worst, value) where a NaN value (or a NaN worst) makes the result +infinity for good.
inline double nan_failing_max(double worst, double value) {
  if (std::isnan(worst) || std::isnan(value)) return std::numeric_limits<double>::infinity();
  return value > worst ? value : worst;
}

// |a - b| in double, +infinity when either is NaN.
inline double abs_diff(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::infinity();
  return nan_failing_max(0.0, std::fabs(a - b));
}

// max over i < n of |a[i] - b[i]| (0 for n == 0); +infinity if any a[i] or b[i] is NaN.
template <typename A, typename B>
double max_abs_diff(const A* a, const B* b, size_t n) {
  double worst = 0.0;
  for (size_t i = 0; i < n; ++i)
    worst = nan_failing_max(worst, abs_diff(static_cast<double>(a[i]), static_cast<double>(b[i])));
  return worst;
}

// Over two containers; +infinity when their sizes differ.
template <typename CA, typename CB>
double max_abs_diff(const CA& a, const CB& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  return max_abs_diff(a.data(), b.data(), a.size());
}

}  // namespace atome::test
