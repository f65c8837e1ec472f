// Integer log2 in Q16.16 (docs/APPS.md §5): the integer part from the position of the top bit
// (CLZ), the fraction from a 65-point table of log2(1 + i/64) with linear interpolation. The
// interpolation error of log2 on a segment of width 1/64 is below (1/64)^2 / (8 ln 2) < 2^-14.
#include "apps/fft_tables.h"
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {

int32_t log2_to_log10_q16(int64_t log2_q16) {
  // log10(2) = 0.30102999566... in Q32 (1292913986.6 rounded); |log2| < 2^24 here, so the
  // product stays below 2^55. The constant's rounding adds < 2^-33 relative: below the table's.
  constexpr int64_t kLog10Of2Q32 = 1292913987;
  return int32_t((log2_q16 * kLog10Of2Q32 + (int64_t(1) << 31)) >> 32);  // floor(x + 1/2)
}

}  // namespace atome::apps

extern "C" {

int32_t atome_log2_q16(uint64_t v) {
  if (v == 0) return INT32_MIN;
  const int msb = 63 - __builtin_clzll(v);
  const uint64_t norm = v << (63 - msb);                 // bit 63 set: 1.xxx
  const uint32_t idx = uint32_t(norm >> 57) & 63u;       // the next 6 bits: the segment
  const uint32_t frac = uint32_t(norm >> 41) & 0xFFFFu;  // 16 bits inside the segment
  const int32_t lo = atome::apps::kLog2Q16[idx], hi = atome::apps::kLog2Q16[idx + 1];
  const int32_t interp = int32_t((int64_t(hi - lo) * frac + 0x8000) >> 16);
  return msb * 65536 + lo + interp;
}

int32_t atome_log10_q16(uint64_t v) {
  if (v == 0) return INT32_MIN;
  return atome::apps::log2_to_log10_q16(atome_log2_q16(v));
}

}  // extern "C"
