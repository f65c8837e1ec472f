// Portable integer ternary kernel (the reference for every other one): whole bytes (4 trits) at a
// time, each trit applied branch-free (apply_trit_i32), one int32 accumulator per row.
#include "engine/ternary_i8.h"

namespace atome {

void ternary_input_prepare_portable(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  (void)scratch;
  in->x = x;
  in->n = n;
  in->prepared = nullptr;
}

void ternary_matvec_i8_portable(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const int8_t* x = in.x;
  const uint32_t full_bytes = w.cols / 4;
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    int32_t s = 0;
    uint32_t i = 0;
    for (uint32_t b = 0; b < full_bytes; ++b, i += 4) {
      const uint32_t bits = row[b];
      s += apply_trit_i32(x[i + 0], bits);
      s += apply_trit_i32(x[i + 1], bits >> 2);
      s += apply_trit_i32(x[i + 2], bits >> 4);
      s += apply_trit_i32(x[i + 3], bits >> 6);
    }
    for (; i < w.cols; ++i)
      s += apply_trit_i32(x[i], static_cast<uint32_t>(row[i >> 2]) >> (2 * (i & 3u)));
    acc[r] = s;
  }
}

const char* ternary_i8_kernel_name() {
#if defined(ATOME_USE_I8_AVX512)
#if defined(ATOME_HAVE_I8_AVX512_VNNI)
  return "avx512-vnni";
#else
  return "avx512";
#endif
#elif defined(ATOME_USE_I8_AVX2)
  return "avx2";
#elif defined(ATOME_USE_I8_LUT)
  return kAtomeI8LutGroup == 4 ? "lut4" : "lut2";
#elif defined(ATOME_USE_I8_DSP)
  return "dsp";
#else
  return "portable";
#endif
}

}  // namespace atome
