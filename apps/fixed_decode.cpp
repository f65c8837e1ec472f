// Decoding IEEE-754 bits into fixed point (apps/fixed_decode.h). Only integer operations: the
// q15 firmware runs it with no float instruction and no soft-float library call.
#include "apps/fixed_decode.h"

namespace atome::apps {
namespace {

// sign * m * 2^exp2 * 2^frac, rounded to nearest even, magnitude below 2^limit_bits.
bool scale_to_fixed(bool neg, uint64_t m, int exp2, int frac, int limit_bits, int64_t* out) {
  const int sh = exp2 + frac;
  uint64_t mag = 0;
  if (m != 0) {
    if (sh >= 0) {
      if (sh >= limit_bits || m >= (uint64_t(1) << (limit_bits - sh))) return false;
      mag = m << sh;
    } else if (-sh < 64) {
      const int r = -sh;
      const uint64_t rem = m & ((uint64_t(1) << r) - 1);
      const uint64_t half = uint64_t(1) << (r - 1);
      mag = m >> r;
      if (rem > half || (rem == half && (mag & 1u) != 0)) ++mag;
    }  // else |value| < 2^-11 of one unit: rounds to 0 (m < 2^53)
  }
  if (mag >= (uint64_t(1) << limit_bits)) return false;
  *out = neg ? -int64_t(mag) : int64_t(mag);
  return true;
}

}  // namespace

bool f64_bits_to_fixed(uint64_t bits, int frac, int limit_bits, int64_t* out) {
  const uint32_t e = uint32_t(bits >> 52) & 0x7FFu;
  uint64_t m = bits & ((uint64_t(1) << 52) - 1);
  if (e == 0x7FFu) return false;
  int exp2 = -1074;  // subnormal
  if (e != 0) {
    m |= uint64_t(1) << 52;
    exp2 = int(e) - 1075;
  }
  return scale_to_fixed((bits >> 63) != 0, m, exp2, frac, limit_bits, out);
}

bool f32_bits_to_fixed(uint32_t bits, int frac, int limit_bits, int64_t* out) {
  const uint32_t e = (bits >> 23) & 0xFFu;
  uint64_t m = bits & 0x7FFFFFu;
  if (e == 0xFFu) return false;
  int exp2 = -149;
  if (e != 0) {
    m |= uint64_t(1) << 23;
    exp2 = int(e) - 150;
  }
  return scale_to_fixed((bits >> 31) != 0, m, exp2, frac, limit_bits, out);
}

int f32_bits_magnitude_log2(uint32_t bits) {
  const uint32_t e = (bits >> 23) & 0xFFu;
  if (e == 0) return -126;
  return int(e) - 126;  // a normal value lies in [2^(e-127), 2^(e-126))
}

uint32_t read_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint64_t read_le64(const uint8_t* p) {
  return uint64_t(read_le32(p)) | uint64_t(read_le32(p + 4)) << 32;
}

}  // namespace atome::apps
