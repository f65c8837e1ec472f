// x86-64 AVX-512 ternary kernel: the portable kernel's exact arithmetic (ternary.h) for two rows
// at once — lanes 0-7 hold row A's eight lane accumulators, lanes 8-15 row B's. Per eight
// columns, one 32-bit word holds both rows' sixteen trit codes; vptestmd turns their non-zero
// and sign bits straight into mask registers:
//   signed = sign ? -x : x                 (masked move)
//   acc    = non-zero ? acc + signed : acc (masked add)
// Skipping the add for a zero trit equals adding +0.0, because an accumulator that starts at +0
// can never become -0 under round-to-nearest (x + y is -0 only when both are -0), and
// acc + (+0) == acc for every acc that is not -0 (NaN and inf included).
#include <immintrin.h>

#include "engine/numerics.h"
#include "engine/ternary.h"

namespace atome {

namespace {

// Eight floats into both halves of a zmm register.
inline __m512 load8_twice(const float* p) {
  const __m256 v = _mm256_loadu_ps(p);
  return _mm512_insertf32x8(_mm512_castps256_ps512(v), v, 1);
}

// 16 packed trits as one native word: trit i at bits 2i only on a little-endian target (x86-64
// is; engine/bytes.h asserts it). memcpy, not a pointer cast: rows are not 4-byte aligned.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed trit words are little-endian");
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

inline float finish_row(const float* lanes, const uint8_t* row, uint32_t start, uint32_t cols,
                        const float* x) {
  float lane[8];
  __builtin_memcpy(lane, lanes, sizeof lane);
  for (uint32_t i = start; i < cols; ++i) lane[i & 7u] += apply_trit(x[i], trit_code(row, i));
  return reduce_lanes8(lane);
}

// Eight columns of a row pair: `codes` = row A's 16 code bits | row B's 16 code bits << 16.
inline __m512 step8(__m512 acc, uint32_t codes, __m512 xv, __m512 neg_xv, __m512i nonzero_bits,
                    __m512i sign_bits) {
  const __m512i word = _mm512_set1_epi32(static_cast<int>(codes));
  const __m512 signed_x = _mm512_mask_mov_ps(xv, _mm512_test_epi32_mask(word, sign_bits), neg_xv);
  return _mm512_mask_add_ps(acc, _mm512_test_epi32_mask(word, nonzero_bits), acc, signed_x);
}

}  // namespace

void ternary_matvec_avx512(float* out, const atome_trits& w, const float* x) {
  // Lane j tests bit 2j (non-zero) / 2j + 1 (sign) of row A's half-word; lane 8 + j, row B's.
  const __m512i nonzero_bits =
      _mm512_setr_epi32(1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14, 1 << 16,
                        1 << 18, 1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28, 1 << 30);
  const __m512i sign_bits = _mm512_slli_epi32(nonzero_bits, 1);
  const __m512 sign_bit = _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(0x80000000u)));
  const uint32_t blocks16 = w.cols / 16;
  const uint32_t done = 16 * blocks16;
  uint32_t r = 0;
  for (; r + 4 <= w.rows; r += 4) {
    const uint8_t* ra = w.data + static_cast<size_t>(r) * w.row_bytes;
    const uint8_t* rb = ra + w.row_bytes;
    const uint8_t* rc = rb + w.row_bytes;
    const uint8_t* rd = rc + w.row_bytes;
    __m512 acc_ab = _mm512_setzero_ps(), acc_cd = _mm512_setzero_ps();
    for (uint32_t b = 0; b < blocks16; ++b) {
      const __m512 x_lo = load8_twice(x + 16 * b);
      const __m512 x_hi = load8_twice(x + 16 * b + 8);
      const __m512 nx_lo = _mm512_xor_ps(x_lo, sign_bit), nx_hi = _mm512_xor_ps(x_hi, sign_bit);
      const uint32_t a = load32(ra + 4 * b), bb = load32(rb + 4 * b);
      const uint32_t c = load32(rc + 4 * b), d = load32(rd + 4 * b);
      acc_ab = step8(acc_ab, (a & 0xFFFFu) | (bb << 16), x_lo, nx_lo, nonzero_bits, sign_bits);
      acc_cd = step8(acc_cd, (c & 0xFFFFu) | (d << 16), x_lo, nx_lo, nonzero_bits, sign_bits);
      acc_ab = step8(acc_ab, (a >> 16) | (bb & 0xFFFF0000u), x_hi, nx_hi, nonzero_bits, sign_bits);
      acc_cd = step8(acc_cd, (c >> 16) | (d & 0xFFFF0000u), x_hi, nx_hi, nonzero_bits, sign_bits);
    }
    alignas(64) float lanes_ab[16], lanes_cd[16];
    _mm512_store_ps(lanes_ab, acc_ab);
    _mm512_store_ps(lanes_cd, acc_cd);
    out[r + 0] = w.scale * finish_row(lanes_ab, ra, done, w.cols, x);
    out[r + 1] = w.scale * finish_row(lanes_ab + 8, rb, done, w.cols, x);
    out[r + 2] = w.scale * finish_row(lanes_cd, rc, done, w.cols, x);
    out[r + 3] = w.scale * finish_row(lanes_cd + 8, rd, done, w.cols, x);
  }
  if (r < w.rows) {  // the last rows (fewer than four): the AVX2 kernel, same arithmetic
    const atome_trits rest{w.data + static_cast<size_t>(r) * w.row_bytes,
                           w.rows - r,
                           w.cols,
                           w.row_bytes,
                           w.scale,
                           w.scale_q24,
                           w.packing};
    ternary_matvec_avx2(out + r, rest, x);
  }
}

}  // namespace atome
