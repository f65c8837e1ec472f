// The bad-reading check's input features (pipeline reading_context, docs/APPS.md §6): integers
// only, the same definitions as data/generators/reading_context.py, so a device computes exactly
// the numbers the head was trained on. Every quantity is a count, a comparison, a bit length or a
// quarter-octave log of an exact integer: nothing rounds.
#include "atome/apps.h"

namespace {

constexpr int kWindow = ATOME_READING_WINDOW;
constexpr int64_t kOne = int64_t(1) << ATOME_READING_FRAC;

// floor(log2 x) + 1 for x > 0, 0 for 0 (Python's int.bit_length), without a libgcc call.
int bit_length(uint64_t x) {
  int b = 0;
  while (x != 0) {
    x >>= 1;
    ++b;
  }
  return b;
}

// The quarter-octave log: 0 for 0, else 4 floor(log2 x) + the two bits below the leading one + 1.
int32_t log4(uint64_t x) {
  if (x == 0) return 0;
  const int b = bit_length(x) - 1;
  const uint64_t f = b >= 2 ? (x >> (b - 2)) & 3u : (x << (2 - b)) & 3u;
  return int32_t(4 * b + int(f) + 1);
}

int32_t scaled(int32_t v, uint32_t frac) {
  const int64_t s = int64_t(v) * (int64_t(1) << frac);
  if (s > INT32_MAX) return INT32_MAX;
  if (s < INT32_MIN) return INT32_MIN;
  return int32_t(s);
}

}  // namespace

extern "C" {

atome_apps_status atome_reading_context(const int32_t* readings, size_t n, uint32_t in_frac,
                                        const uint8_t* out_frac, int32_t* out) {
  if (readings == nullptr || out == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n != size_t(kWindow)) return ATOME_APPS_ERR_BAD_LENGTH;
  if (in_frac > ATOME_READING_FRAC) return ATOME_APPS_ERR_RANGE;
  if (out_frac != nullptr) {
    for (int i = 0; i < ATOME_READING_FEATURES; ++i)
      if (out_frac[i] > ATOME_READING_FRAC) return ATOME_APPS_ERR_RANGE;
  }
  // Q24, saturated to the normaliser's -0.5..1.5 (the shift is exact: in_frac <= 24).
  int64_t q[kWindow];
  for (int i = 0; i < kWindow; ++i) {
    const int64_t v = int64_t(readings[i]) * (int64_t(1) << (ATOME_READING_FRAC - in_frac));
    q[i] = v < -kOne / 2 ? -kOne / 2 : (v > 3 * kOne / 2 ? 3 * kOne / 2 : v);
  }
  const int64_t last = q[kWindow - 1];
  // How far outside [0, 1]: a rail, an error code, a wrong scale.
  int64_t excess = last - kOne;
  if (-last > excess) excess = -last;
  if (excess < 0) excess = 0;
  // The trailing run of exactly equal readings (a frozen ADC repeats its code), and the longest
  // run before it (an ADC whose noise is below one code repeats legitimately).
  int tail = 1;
  while (tail < kWindow && q[kWindow - 1 - tail] == last) ++tail;
  int best = 0, run = 0;
  for (int i = 0; i < kWindow - tail; ++i) {
    run = (i > 0 && q[i] == q[i - 1]) ? run + 1 : 1;
    if (run > best) best = run;
  }
  // The last step, alone and against the context's mean step (14 d_15 vs d_1 + ... + d_14: the
  // ratio without a division): a spike is large against the noise, a slow process is not.
  uint64_t sum = 0;
  for (int i = 1; i < kWindow - 1; ++i) {
    const int64_t d = q[i] - q[i - 1];
    sum += uint64_t(d < 0 ? -d : d);
  }
  const int64_t dl = last - q[kWindow - 2];
  const uint64_t step = uint64_t(dl < 0 ? -dl : dl);
  const int32_t f[ATOME_READING_FEATURES] = {int32_t(bit_length(uint64_t(excess))), int32_t(tail),
                                             int32_t(best), log4(step),
                                             log4(uint64_t(kWindow - 2) * step) - log4(sum)};
  for (int i = 0; i < ATOME_READING_FEATURES; ++i)
    out[i] = scaled(f[i], out_frac != nullptr ? out_frac[i] : 0);
  return ATOME_APPS_OK;
}

}  // extern "C"
