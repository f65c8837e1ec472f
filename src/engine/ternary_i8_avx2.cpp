// x86-64 AVX2 integer ternary kernel (ternary_i8.h): 32 columns (8 packed bytes) per step. The
// bytes are spread so that lane i holds byte i/4; lane i's trit is selected by the per-lane masks
// 1 << 2(i%4) (non-zero) and 2 << 2(i%4) (negative); the term is (x & nz) negated where negative,
// exact in int8 because |x| <= 127. Pairs of terms are summed to int16 (vpmaddubsw by 1), int16
// lanes to int32 (vpmaddwd by 1) before they could overflow. Columns beyond the last multiple of
// 32 are added in scalar code. Needs no preparation of the input.
#include <immintrin.h>

#include "engine/ternary_i8.h"

namespace atome {

namespace {

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

inline int32_t tail(const uint8_t* row, const int8_t* x, uint32_t start, uint32_t cols) {
  int32_t s = 0;
  for (uint32_t i = start; i < cols; ++i)
    s += apply_trit_i32(x[i], static_cast<uint32_t>(row[i >> 2]) >> (2 * (i & 3u)));
  return s;
}

inline int32_t hsum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

}  // namespace

void ternary_matvec_i8_avx2(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const int8_t* x = in.x;
  const uint32_t blocks = w.cols / 32;
  const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,  //
                                          4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
  const __m256i nz_bit = _mm256_set1_epi32(static_cast<int>(0x40100401u));
  const __m256i neg_bit = _mm256_set1_epi32(static_cast<int>(0x80200802u));
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    __m256i acc32 = _mm256_setzero_si256();
    for (uint32_t b0 = 0; b0 < blocks; b0 += 64) {  // int16 lanes: at most 64 * 2 * 254 in each
      const uint32_t b1 = blocks - b0 < 64 ? blocks : b0 + 64;
      __m256i acc16 = _mm256_setzero_si256();
      for (uint32_t b = b0; b < b1; ++b) {
        const __m256i bytes = _mm256_shuffle_epi8(
            _mm256_set1_epi64x(static_cast<long long>(load64(row + 8 * b))), spread);
        const __m256i nz = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, nz_bit), nz_bit);
        const __m256i neg = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, neg_bit), neg_bit);
        const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 32 * b));
        const __m256i term = _mm256_sub_epi8(_mm256_xor_si256(_mm256_and_si256(xv, nz), neg), neg);
        acc16 = _mm256_add_epi16(acc16, _mm256_maddubs_epi16(ones8, term));
      }
      acc32 = _mm256_add_epi32(acc32, _mm256_madd_epi16(acc16, ones16));
    }
    acc[r] = hsum(acc32) + tail(row, x, 32 * blocks, w.cols);
  }
}

}  // namespace atome
