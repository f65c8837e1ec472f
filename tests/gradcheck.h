// Gradient checking helpers shared by the trainer tests: random vectors, a probe objective and a
// central-difference comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <vector>

namespace atome::train {

inline std::vector<float> randn(size_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

// Scalar objective L = sum(out * probe), so that dL/dout = probe.
inline double dot_probe(const std::vector<float>& out, const std::vector<float>& probe) {
  double s = 0.0;
  for (size_t i = 0; i < out.size(); ++i) s += static_cast<double>(out[i]) * probe[i];
  return s;
}

// Checks an analytic gradient against central differences of `loss` with respect to `x`.
inline void expect_gradient(std::vector<float>& x, const std::vector<float>& analytic,
                            const std::function<double()>& loss, float h, double tolerance) {
  ASSERT_EQ(x.size(), analytic.size());
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + h;
    const double up = loss();
    x[i] = saved - h;
    const double down = loss();
    x[i] = saved;
    const double numeric = (up - down) / (2.0 * h);
    const double err = std::fabs(numeric - analytic[i]) / std::fmax(1.0, std::fabs(numeric));
    worst = std::fmax(worst, err);
    EXPECT_LE(err, tolerance) << "element " << i << ": numeric " << numeric << " analytic "
                              << analytic[i];
  }
  std::printf("[gradcheck] worst relative error %.2e over %zu elements\n", worst, x.size());
}

}  // namespace atome::train
