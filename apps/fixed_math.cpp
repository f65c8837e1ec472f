// Integer helpers of the window statistics (apps/fixed_math.h).
#include "apps/fixed_math.h"

namespace atome::apps {

uint32_t isqrt64(uint64_t v) {
  uint64_t r = 0, bit = uint64_t(1) << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= r + bit) {
      v -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return uint32_t(r);
}

uint32_t isqrt_round(uint64_t v) {
  const uint32_t r = isqrt64(v);
  return v - uint64_t(r) * r > r ? r + 1 : r;  // (r + 1/2)^2 = r^2 + r + 1/4
}

int64_t sqrt_ratio_fixed(uint64_t num, uint64_t den, int frac) {
  // sqrt(num / den) * 2^frac = sqrt(num * 2^(2 frac) / den). The quotient and the remainder are
  // scaled separately (R * 2^(2s) < den * 2^32 fits), by the largest s <= frac that keeps the
  // scaled quotient below 2^62; the lost factor 2^(frac - s) multiplies a root of at least 2^29,
  // so the relative error stays below 2^-29 when s < frac, and the rounding is exact when s = frac.
  const uint64_t q = num / den, r = num % den;
  int s = frac;
  while (s > 0 && (q >> (62 - 2 * s)) != 0) --s;
  const uint64_t y = (q << (2 * s)) + (r << (2 * s)) / den;
  return int64_t(isqrt_round(y)) << (frac - s);
}

int64_t div_round(int64_t num, int64_t den) {
  const int64_t q = num / den, r = num % den;  // truncating
  if (2 * (r < 0 ? -r : r) >= den) return num < 0 ? q - 1 : q + 1;
  return q;
}

int64_t div_round_shifted(int64_t num, int64_t den, int shift) {
  const int64_t q = num / den, r = num % den;  // |r| < den < 2^46: r * 2^16 fits
  return q * (int64_t(1) << shift) + div_round(r * (int64_t(1) << shift), den);
}

int32_t saturate32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : int32_t(v));
}

int64_t exp_q30(int64_t x) {
  constexpr int64_t one = int64_t(1) << 30;
  int halvings = 0;
  while (x > (one >> 2) || x < -(one >> 2)) {
    x = (x + 1) >> 1;  // rounds half up; the error is amplified 2^halvings <= 8 times below
    ++halvings;
  }
  // |term| <= 2^30 and |x| <= 2^28: each product < 2^58. The 14th term is below 2^-60.
  int64_t term = one, sum = one;
  for (int64_t i = 1; i <= 13; ++i) {
    term = div_round((term * x + (one >> 1)) >> 30, i);
    sum += term;
  }
  // before the last squaring sum <= e * 2^30 < 2^31.5: the square stays below 2^63
  for (int i = 0; i < halvings; ++i) sum = (sum * sum + (one >> 1)) >> 30;
  return sum;
}

}  // namespace atome::apps
