// Window statistics in integers (docs/APPS.md §6). The input limits (|x| < 2^20, n <= 1024) keep
// every sum exact in 64 bits: sum x^2 < 2^50, n * sum x^2 < 2^60, n * sum t x < 2^60, so the
// variance and the slope are computed from exact integer moments, with one rounding at the end.
#include "apps/fixed_math.h"
#include "atome/apps.h"

extern "C" {

atome_apps_status atome_stats_window(const int32_t* x, size_t n, atome_window_stats* out) {
  using namespace atome::apps;
  if (x == nullptr || out == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n < 2 || n > ATOME_STATS_MAX_N) return ATOME_APPS_ERR_BAD_LENGTH;
  int64_t sx = 0, stx = 0;
  uint64_t sxx = 0;
  int32_t lo = x[0], hi = x[0];
  for (size_t t = 0; t < n; ++t) {
    const int32_t v = x[t];
    if (v <= -ATOME_STATS_MAX_ABS || v >= ATOME_STATS_MAX_ABS) return ATOME_APPS_ERR_RANGE;
    sx += v;
    stx += int64_t(t) * v;
    sxx += uint64_t(int64_t(v) * v);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const int64_t N = int64_t(n);
  const int frac = ATOME_STATS_FRAC;
  out->mean = saturate32(div_round_shifted(sx, N, frac));
  // n^2 var = n sum x^2 - (sum x)^2, exact; std = sqrt(that / n^2).
  const uint64_t v = uint64_t(N) * sxx - uint64_t(sx * sx);
  out->std = saturate32(sqrt_ratio_fixed(v, uint64_t(N * N), frac));
  out->rms = saturate32(sqrt_ratio_fixed(sxx, uint64_t(N), frac));
  // slope = (n sum t x - sum t sum x) / (n sum t^2 - (sum t)^2), the denominator n^2 (n^2-1) / 12.
  const int64_t st = N * (N - 1) / 2;
  const int64_t den = N * N * (N * N - 1) / 12;
  out->slope = saturate32(div_round_shifted(N * stx - st * sx, den, frac));
  out->min = lo;
  out->max = hi;
  out->last = x[n - 1];
  return ATOME_APPS_OK;
}

}  // extern "C"
