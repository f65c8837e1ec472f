// x86-64 AVX2 ternary kernel: the portable kernel's exact arithmetic (ternary.h), eight lanes in
// one ymm register. Four rows at a time share each load of x; each row's trits are read 16 at a
// time (one 32-bit load, one broadcast), and a lane's code bits are moved to the sign bit with a
// per-lane variable shift:
//   keep = (v << (31 - 2j)) >> 31 (arithmetic)   all ones when the trit is non-zero
//   sign = (v << (30 - 2j)) & 0x80000000          the trit's sign bit
//   term = (x & keep) ^ sign                      x, -x or +0.0
#include <immintrin.h>

#include "engine/numerics.h"
#include "engine/ternary.h"

namespace atome {

namespace {

struct Shifts {
  __m256i keep_lo, sign_lo, keep_hi, sign_hi;  // for trits 0-7 and 8-15 of a 32-bit word
};

inline Shifts make_shifts() {
  return {_mm256_setr_epi32(31, 29, 27, 25, 23, 21, 19, 17),
          _mm256_setr_epi32(30, 28, 26, 24, 22, 20, 18, 16),
          _mm256_setr_epi32(15, 13, 11, 9, 7, 5, 3, 1),
          _mm256_setr_epi32(14, 12, 10, 8, 6, 4, 2, 0)};
}

inline __m256 terms(__m256i word, __m256i keep_shift, __m256i sign_shift, __m256 xv,
                    __m256i sign_bit) {
  const __m256i keep = _mm256_srai_epi32(_mm256_sllv_epi32(word, keep_shift), 31);
  const __m256i sign = _mm256_and_si256(_mm256_sllv_epi32(word, sign_shift), sign_bit);
  return _mm256_castsi256_ps(
      _mm256_xor_si256(_mm256_and_si256(_mm256_castps_si256(xv), keep), sign));
}

// 16 packed trits as one native word: trit i at bits 2i only on a little-endian target (x86-64
// is; engine/bytes.h asserts it). memcpy, not a pointer cast: rows are not 4-byte aligned.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed trit words are little-endian");
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

inline uint32_t load16(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8);
}

// Lanes to memory, the tail (cols not a multiple of 16) added in scalar code, then the fixed
// reduction — the same per-lane order as the portable kernel.
inline float finish_row(__m256 acc, const uint8_t* row, uint32_t start, uint32_t cols,
                        const float* x) {
  alignas(32) float lane[8];
  _mm256_store_ps(lane, acc);
  for (uint32_t i = start; i < cols; ++i) lane[i & 7u] += apply_trit(x[i], trit_code(row, i));
  return reduce_lanes8(lane);
}

// Accumulates columns [0, 16 * blocks16) of `rows` (1..4) rows.
template <int kRows>
inline void accumulate(__m256 acc[kRows], const uint8_t* const row[kRows], uint32_t blocks16,
                       const float* x, const Shifts& sh) {
  const __m256i sign_bit = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  for (uint32_t b = 0; b < blocks16; ++b) {
    const __m256 x_lo = _mm256_loadu_ps(x + 16 * b);
    const __m256 x_hi = _mm256_loadu_ps(x + 16 * b + 8);
    for (int r = 0; r < kRows; ++r) {
      const __m256i word = _mm256_set1_epi32(static_cast<int>(load32(row[r] + 4 * b)));
      acc[r] = _mm256_add_ps(acc[r], terms(word, sh.keep_lo, sh.sign_lo, x_lo, sign_bit));
      acc[r] = _mm256_add_ps(acc[r], terms(word, sh.keep_hi, sh.sign_hi, x_hi, sign_bit));
    }
  }
}

template <int kRows>
inline void rows_kernel(float* out, const atome_trits& w, uint32_t first_row, const float* x,
                        const Shifts& sh) {
  const uint8_t* row[kRows];
  __m256 acc[kRows];
  for (int r = 0; r < kRows; ++r) {
    row[r] = w.data + static_cast<size_t>(first_row + r) * w.row_bytes;
    acc[r] = _mm256_setzero_ps();
  }
  const uint32_t blocks16 = w.cols / 16;
  accumulate<kRows>(acc, row, blocks16, x, sh);
  uint32_t done = 16 * blocks16;
  if (w.cols - done >= 8) {  // one more group of eight
    const __m256 xv = _mm256_loadu_ps(x + done);
    const __m256i sign_bit = _mm256_set1_epi32(static_cast<int>(0x80000000u));
    for (int r = 0; r < kRows; ++r) {
      const __m256i word = _mm256_set1_epi32(static_cast<int>(load16(row[r] + done / 4)));
      acc[r] = _mm256_add_ps(acc[r], terms(word, sh.keep_lo, sh.sign_lo, xv, sign_bit));
    }
    done += 8;
  }
  for (int r = 0; r < kRows; ++r) {
    out[first_row + r] = w.scale * finish_row(acc[r], row[r], done, w.cols, x);
  }
}

}  // namespace

void scores_avx2(float* out, const float* q, const float* keys, uint32_t count, uint32_t n,
                 float divisor) {
  const uint32_t blocks = n / 8;
  for (uint32_t j = 0; j < count; ++j) {
    const float* k = keys + static_cast<size_t>(j) * n;
    __m256 acc = _mm256_setzero_ps();
    for (uint32_t b = 0; b < blocks; ++b) {
      acc =
          _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(q + 8 * b), _mm256_loadu_ps(k + 8 * b)));
    }
    alignas(32) float lane[8];
    _mm256_store_ps(lane, acc);
    for (uint32_t i = 8 * blocks; i < n; ++i) lane[i & 7u] += q[i] * k[i];
    out[j] = reduce_lanes8(lane) / divisor;
  }
}

// Eight channels at a time: their conv rows are 8 * row_bytes contiguous bytes, so one load and a
// zero-extension give each lane its own channel's code word; lag k's code is then at bits 2k.
void conv_taps_avx2(float* out, const atome_trits& w, const float* const* lag_h, uint32_t taps) {
  if (w.row_bytes > 2) {  // K > 8: rare; the portable loop
    conv_taps_portable(out, w, lag_h, taps);
    return;
  }
  const __m256i sign_bit = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const __m256 scale = _mm256_set1_ps(w.scale);
  uint32_t ch = 0;
  for (; ch + 8 <= w.rows; ch += 8) {
    const uint8_t* rows = w.data + static_cast<size_t>(ch) * w.row_bytes;
    // Unaligned vector loads (the intrinsics' pointer types may alias any bytes).
    const __m256i words =
        w.row_bytes == 2
            ? _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows)))
            : _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows)));
    __m256 acc = _mm256_setzero_ps();
    for (uint32_t k = 0; k < taps; ++k) {
      const __m128i keep_shift = _mm_cvtsi32_si128(static_cast<int>(31 - 2 * k));
      const __m128i sign_shift = _mm_cvtsi32_si128(static_cast<int>(30 - 2 * k));
      const __m256i keep = _mm256_srai_epi32(_mm256_sll_epi32(words, keep_shift), 31);
      const __m256i sign = _mm256_and_si256(_mm256_sll_epi32(words, sign_shift), sign_bit);
      const __m256i h = _mm256_castps_si256(_mm256_loadu_ps(lag_h[k] + ch));
      acc = _mm256_add_ps(acc,
                          _mm256_castsi256_ps(_mm256_xor_si256(_mm256_and_si256(h, keep), sign)));
    }
    _mm256_storeu_ps(out + ch, _mm256_mul_ps(scale, acc));
  }
  if (ch < w.rows) {  // the last channels (fewer than eight)
    const float* rest_h[64];
    for (uint32_t k = 0; k < taps; ++k) rest_h[k] = lag_h[k] + ch;
    const atome_trits rest{w.data + static_cast<size_t>(ch) * w.row_bytes,
                           w.rows - ch,
                           w.cols,
                           w.row_bytes,
                           w.scale,
                           w.scale_q24,
                           w.packing};
    conv_taps_portable(out + ch, rest, rest_h, taps);
  }
}

void ternary_matvec_avx2(float* out, const atome_trits& w, const float* x) {
  const Shifts sh = make_shifts();
  uint32_t r = 0;
  for (; r + 4 <= w.rows; r += 4) rows_kernel<4>(out, w, r, x, sh);
  for (; r < w.rows; ++r) rows_kernel<1>(out, w, r, x, sh);
}

}  // namespace atome
