// Integer log2 in Q16.16 (docs/APPS.md §5): the integer part from the position of the top bit
// (CLZ), the fraction from a 65-point table of log2(1 + i/64) with linear interpolation. The
// interpolation error of log2 on a segment of width 1/64 is below (1/64)^2 / (8 ln 2) < 2^-14.
#include "apps/fft_tables.h"
#include "atome/apps.h"

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

}  // extern "C"
