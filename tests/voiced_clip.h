// A synthetic microphone clip for the audio front-end tests (apps_runner_test.cpp,
// classify_wav_test.cpp): quiet LCG noise, and from sample `start` for half the clip a voiced
// sound (harmonics 1..7 of f0 Hz at 16 kHz under a half-sine envelope). Deterministic in seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace atome {

inline std::vector<int16_t> voiced_clip(size_t n, uint32_t seed, double f0, size_t start) {
  std::vector<int16_t> a(n);
  uint32_t s = seed;
  for (size_t i = 0; i < n; ++i) {
    s = s * 1103515245u + 12345u;
    double v = double(int32_t(s >> 16) % 300);
    if (i > start && i < start + n / 2) {
      const double t = double(i) / 16000, env = std::sin(M_PI * double(i - start) / double(n / 2));
      for (int h = 1; h < 8; ++h) v += 3000 * env * std::sin(2 * M_PI * f0 * h * t) / h;
    }
    a[i] = int16_t(std::lround(std::clamp(v, -32768.0, 32767.0)));
  }
  return a;
}

}  // namespace atome
