// x86-64 AVX2 ternary kernel: the portable kernel's exact arithmetic, eight lanes in one ymm
// register. Four rows at a time share each load of x. Compiled with -mavx2 only in this file.
#include <immintrin.h>

#include "engine/numerics.h"
#include "engine/ternary.h"

namespace atome {

namespace {

// Eight trits (two bytes) -> the signed/masked eight floats of x, as in apply_trit().
inline __m256 trit_terms(uint32_t bits16, __m256 xv) {
  const __m256i shifts = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
  const __m256i codes = _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(bits16)), shifts);
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i keep = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_and_si256(codes, one));
  const __m256i sign = _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(codes, 1), one), 31);
  const __m256i xi = _mm256_castps_si256(xv);
  return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_and_si256(xi, keep), sign));
}

inline uint32_t load16(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8);
}

inline float finish_row(__m256 acc, const uint8_t* row, uint32_t start, uint32_t cols,
                        const float* x) {
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (uint32_t i = start; i < cols; ++i) {
    lane[i & 7u] += apply_trit(x[i], trit_code(row, i));
  }
  return reduce_lanes8(lane);
}

}  // namespace

void ternary_matvec_avx2(float* out, const atome_trits& w, const float* x) {
  const uint32_t blocks = w.cols / 8;  // whole groups of eight trits
  const uint32_t stride = w.row_bytes;
  uint32_t r = 0;
  for (; r + 4 <= w.rows; r += 4) {
    const uint8_t* r0 = w.data + static_cast<size_t>(r) * stride;
    const uint8_t* r1 = r0 + stride;
    const uint8_t* r2 = r1 + stride;
    const uint8_t* r3 = r2 + stride;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (uint32_t b = 0; b < blocks; ++b) {
      const __m256 xv = _mm256_loadu_ps(x + 8 * b);
      a0 = _mm256_add_ps(a0, trit_terms(load16(r0 + 2 * b), xv));
      a1 = _mm256_add_ps(a1, trit_terms(load16(r1 + 2 * b), xv));
      a2 = _mm256_add_ps(a2, trit_terms(load16(r2 + 2 * b), xv));
      a3 = _mm256_add_ps(a3, trit_terms(load16(r3 + 2 * b), xv));
    }
    out[r + 0] = w.scale * finish_row(a0, r0, 8 * blocks, w.cols, x);
    out[r + 1] = w.scale * finish_row(a1, r1, 8 * blocks, w.cols, x);
    out[r + 2] = w.scale * finish_row(a2, r2, 8 * blocks, w.cols, x);
    out[r + 3] = w.scale * finish_row(a3, r3, 8 * blocks, w.cols, x);
  }
  for (; r < w.rows; ++r) {
    const uint8_t* row = w.data + static_cast<size_t>(r) * stride;
    __m256 acc = _mm256_setzero_ps();
    for (uint32_t b = 0; b < blocks; ++b) {
      acc = _mm256_add_ps(acc, trit_terms(load16(row + 2 * b), _mm256_loadu_ps(x + 8 * b)));
    }
    out[r] = w.scale * finish_row(acc, row, 8 * blocks, w.cols, x);
  }
}

}  // namespace atome
