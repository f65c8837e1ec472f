// x86-64 AVX-512 integer ternary kernel (ternary_i8.h): 64 columns (16 packed bytes) per step.
// The bytes are spread so that lane i holds byte i/4; mask registers select lane i's trit
// (vptestmb with 1 << 2(i%4) for non-zero, 2 << 2(i%4) for negative); the term is x where
// non-zero, negated where negative (exact in int8: |x| <= 127). With AVX-512 VNNI
// (ATOME_HAVE_I8_AVX512_VNNI, this file then built with -mavx512vnni) vpdpbusd adds groups of
// four terms straight into int32 lanes; with AVX-512BW only, vpmaddubsw + vpmaddwd do it.
// Columns beyond the last multiple of 64 are added in scalar code. Needs no preparation.
#include <immintrin.h>

#include "engine/ternary_i8.h"

namespace atome {

namespace {

inline int32_t tail(const uint8_t* row, const int8_t* x, uint32_t start, uint32_t cols) {
  int32_t s = 0;
  for (uint32_t i = start; i < cols; ++i)
    s += apply_trit_i32(x[i], static_cast<uint32_t>(row[i >> 2]) >> (2 * (i & 3u)));
  return s;
}

// The masked forms, not _mm512_broadcast_i32x4 / _mm512_reduce_add_epi32: GCC 12 warns
// (-Wmaybe-uninitialized) inside those intrinsics' _mm512_undefined operands.
inline int32_t hsum(__m512i v) {
  const __m256i h = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xF, v, 0),
                                     _mm512_maskz_extracti64x4_epi64(0xF, v, 1));
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

}  // namespace

void ternary_matvec_i8_avx512(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const int8_t* x = in.x;
  const uint32_t blocks = w.cols / 64;
  // Lane 16k + j of the broadcast 16 bytes takes byte 4k + j/4.
  const __m512i spread = _mm512_set_epi32(0x0F0F0F0F, 0x0E0E0E0E, 0x0D0D0D0D, 0x0C0C0C0C,  //
                                          0x0B0B0B0B, 0x0A0A0A0A, 0x09090909, 0x08080808,  //
                                          0x07070707, 0x06060606, 0x05050505, 0x04040404,  //
                                          0x03030303, 0x02020202, 0x01010101, 0x00000000);
  const __m512i nz_bit = _mm512_set1_epi32(static_cast<int>(0x40100401u));
  const __m512i neg_bit = _mm512_set1_epi32(static_cast<int>(0x80200802u));
  const __m512i zero = _mm512_setzero_si512();
  const __m512i ones8 = _mm512_set1_epi8(1);
#if !defined(ATOME_HAVE_I8_AVX512_VNNI)
  const __m512i ones16 = _mm512_set1_epi16(1);
#endif
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    __m512i acc32 = zero;
    for (uint32_t b = 0; b < blocks; ++b) {
      const __m512i bytes = _mm512_shuffle_epi8(
          _mm512_maskz_broadcast_i32x4(
              0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 16 * b))),
          spread);
      const __mmask64 nz = _mm512_test_epi8_mask(bytes, nz_bit);
      const __mmask64 neg = _mm512_test_epi8_mask(bytes, neg_bit);
      const __m512i xv = _mm512_maskz_loadu_epi8(nz, x + 64 * b);
      const __m512i term = _mm512_mask_sub_epi8(xv, neg, zero, xv);
#if defined(ATOME_HAVE_I8_AVX512_VNNI)
      acc32 = _mm512_dpbusd_epi32(acc32, ones8, term);
#else
      acc32 = _mm512_add_epi32(acc32, _mm512_madd_epi16(_mm512_maddubs_epi16(ones8, term), ones16));
#endif
    }
    acc[r] = hsum(acc32) + tail(row, x, 64 * blocks, w.cols);
  }
}

}  // namespace atome
