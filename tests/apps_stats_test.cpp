// Window statistics (apps/window_stats.cpp) against double on random windows, and the motion
// head's integer front end (apps/imu_features.cpp) against data/generators/motion.py's float
// features computed in double from the same int16 samples (errors printed, bounds asserted).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <vector>

#include "atome/apps.h"

namespace atome::test {
namespace {

TEST(AppsStats, WindowStatisticsMatchDouble) {
  std::mt19937 rng(21);
  const double q = 1.0 / (1 << ATOME_STATS_FRAC);
  double worst[4] = {0, 0, 0, 0};
  for (int k = 0; k < 3000; ++k) {
    const size_t n = 2 + rng() % (ATOME_STATS_MAX_N - 1);
    const int amp = std::min<int>((1 << 20) - 1, 1 << (rng() % 21));
    std::uniform_int_distribution<int> d(-amp, amp);
    const int trend = static_cast<int>(rng() % 5) - 2;
    std::vector<int32_t> x(n);
    for (size_t t = 0; t < n; ++t)
      x[t] = std::clamp<int32_t>(d(rng) / 4 + trend * int32_t(t) * (amp / 1024 + 1), 1 - (1 << 20),
                                 (1 << 20) - 1);
    atome_window_stats s;
    ASSERT_EQ(atome_stats_window(x.data(), n, &s), ATOME_APPS_OK);
    long double sx = 0, sxx = 0, stx = 0, st = 0, stt = 0;
    for (size_t t = 0; t < n; ++t) {
      sx += x[t];
      sxx += static_cast<long double>(x[t]) * x[t];
      stx += static_cast<long double>(t) * x[t];
      st += t;
      stt += static_cast<long double>(t) * t;
    }
    const long double mean = sx / n;
    const long double var = std::max<long double>(0, sxx / n - mean * mean);
    const long double slope = (n * stx - st * sx) / (n * stt - st * st);
    const double want[4] = {double(mean), double(std::sqrt(var)), double(std::sqrt(sxx / n)),
                            double(slope)};
    const int32_t got[4] = {s.mean, s.std, s.rms, s.slope};
    for (int i = 0; i < 4; ++i) worst[i] = std::max(worst[i], std::fabs(got[i] * q - want[i]));
    EXPECT_EQ(s.min, *std::min_element(x.begin(), x.end()));
    EXPECT_EQ(s.max, *std::max_element(x.begin(), x.end()));
    EXPECT_EQ(s.last, x.back());
  }
  std::printf("[ stats ] max |error| in units of 2^-%d: mean %.3f std %.3f rms %.3f slope %.3f\n",
              ATOME_STATS_FRAC, worst[0] / q, worst[1] / q, worst[2] / q, worst[3] / q);
  for (double w : worst) EXPECT_LE(w, 0.51 * q);  // the final rounding, plus the sqrt's floor
  std::vector<int32_t> x(8, 0);
  atome_window_stats s;
  EXPECT_EQ(atome_stats_window(x.data(), 1, &s), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_stats_window(x.data(), ATOME_STATS_MAX_N + 1, &s), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_stats_window(nullptr, 8, &s), ATOME_APPS_ERR_NULL_ARGUMENT);
  x[3] = ATOME_STATS_MAX_ABS;
  EXPECT_EQ(atome_stats_window(x.data(), 8, &s), ATOME_APPS_ERR_RANGE);
  x[3] = -ATOME_STATS_MAX_ABS;
  EXPECT_EQ(atome_stats_window(x.data(), 8, &s), ATOME_APPS_ERR_RANGE);
}

// motion.py's _features for one sub-window, in double, from int16 samples at 2048 LSB/g.
std::vector<double> float_imu(const std::vector<int16_t>& xyz) {
  const int n = 128;
  std::vector<double> mag(n), out(7, 0.0);
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int a = 0; a < 3; ++a) {
      const double g = xyz[3 * i + a] / 2048.0;
      out[a] += g / n;
      s += g * g;
    }
    mag[i] = std::sqrt(s);
  }
  double mean = 0, var = 0;
  for (double m : mag) mean += m / n;
  for (double m : mag) var += (m - mean) * (m - mean) / n;
  out[3] = std::sqrt(var);
  std::vector<double> p(n / 2 + 1);
  for (int k = 0; k <= n / 2; ++k) {
    std::complex<double> s = 0;
    for (int t = 0; t < n; ++t)
      s += (mag[t] - mean) * (0.5 - 0.5 * std::cos(2 * M_PI * t / (n - 1))) *
           std::polar(1.0, -2 * M_PI * k * t / n);
    p[k] = std::norm(s);
  }
  const int dom = static_cast<int>(std::max_element(p.begin() + 1, p.end()) - p.begin());
  out[4] = dom * 50.0 / n;
  double gait = 0, total = 0;
  for (int k = 1; k <= n / 2; ++k) {
    const double f = k * 50.0 / n;
    if (f >= 0.5 && f <= 3.0) gait += p[k];
    total += p[k];
  }
  out[5] = gait / (total + 1e-12);
  double j = 0;
  for (int i = 1; i < n; ++i) j += std::pow((mag[i] - mag[i - 1]) * 50.0, 2) / (n - 1);
  out[6] = std::sqrt(j);
  return out;
}

// Wrist-IMU-like sub-windows (motion.py): walking with an arm swing and heel strikes, or a static
// posture with tremor and noise, in a random watch orientation.
std::vector<int16_t> imu_like(std::mt19937& rng, bool walking) {
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> g(0, 1);
  const double fs = 1.6 + 0.4 * u(rng), swing = 0.15 + 0.3 * u(rng), vert = 0.1 + 0.2 * u(rng);
  const double ph = 6.28 * u(rng), tilt = 3.14 * u(rng);
  std::vector<int16_t> xyz(3 * 128);
  for (int i = 0; i < 128; ++i) {
    const double t = i / 50.0;
    double a[3];
    if (walking) {
      const double th = 2 * swing * std::sin(M_PI * fs * t + ph);
      const double v = vert * (std::sin(2 * M_PI * fs * t) + 0.3 * std::sin(4 * M_PI * fs * t + 1));
      a[0] = std::cos(th) + 0.8 * v;
      a[1] = 0.2 * v;
      a[2] = std::sin(th) + 0.4 * v;
    } else {
      a[0] = std::cos(tilt);
      a[1] = std::sin(tilt) * 0.6;
      a[2] = std::sin(tilt) * 0.8;
      for (double& c : a) c += 0.005 * std::sin(2 * M_PI * 10 * t);
    }
    for (int k = 0; k < 3; ++k)
      xyz[3 * i + k] = static_cast<int16_t>(
          std::clamp(std::lround((a[k] + 0.02 * g(rng)) * 2048.0), -32768L, 32767L));
  }
  return xyz;
}

TEST(AppsStats, ImuFeaturesMatchMotionPipeline) {
  std::mt19937 rng(4);
  atome_imu_work work;
  int32_t out[7];
  double worst[7] = {0, 0, 0, 0, 0, 0, 0};
  int dom_same = 0;
  const int n = 400;
  for (int k = 0; k < n; ++k) {
    const std::vector<int16_t> xyz = imu_like(rng, k % 2 == 0);
    ASSERT_EQ(atome_imu_features(xyz.data(), 128, &work, out), ATOME_APPS_OK);
    const std::vector<double> want = float_imu(xyz);
    for (int f = 0; f < 7; ++f)
      if (f != 4) worst[f] = std::max(worst[f], std::fabs(out[f] / 65536.0 - want[f]));
    dom_same += std::fabs(out[4] / 65536.0 - want[4]) < 1e-4;
  }
  std::printf(
      "[ imu ] max |error|: mean %.2g g, std|a| %.2g g, gait_frac %.2g, jerk %.2g g/s; "
      "dominant frequency bin equal in %d / %d windows\n",
      std::max({worst[0], worst[1], worst[2]}), worst[3], worst[5], worst[6], dom_same, n);
  for (int a = 0; a < 3; ++a) EXPECT_LE(worst[a], 1.0 / 65536);
  EXPECT_LE(worst[3], 2e-4);
  EXPECT_LE(worst[5], 0.01);
  EXPECT_LE(worst[6], 0.01);
  EXPECT_GE(dom_same, n * 97 / 100);
  std::vector<int16_t> xyz(3 * 128, 0);
  EXPECT_EQ(atome_imu_features(xyz.data(), 127, &work, out), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_imu_features(nullptr, 128, &work, out), ATOME_APPS_ERR_NULL_ARGUMENT);
  ASSERT_EQ(atome_imu_features(xyz.data(), 128, &work, out), ATOME_APPS_OK);  // free fall: zeros
  for (int f = 0; f < 7; ++f) EXPECT_EQ(out[f], f == 4 ? 25600 : 0) << f;  // bin 1 on a flat line
}

}  // namespace
}  // namespace atome::test
