// Portable integer ternary kernel: branch-free trit decode, one int32 accumulator per row.
#include "engine/ternary_i8.h"

namespace atome {

size_t ternary_input_scratch_bytes(uint32_t) {
  return 0;
}

void ternary_input_prepare(TernaryInput* in, const int8_t* x, uint32_t n, void*) {
  in->x = x;
  in->n = n;
  in->prepared = nullptr;
}

void ternary_matvec_i8(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    int32_t sum = 0;
    for (uint32_t i = 0; i < w.cols; ++i) {
      const uint32_t code = (static_cast<uint32_t>(row[i >> 2]) >> ((i & 3u) * 2u)) & 3u;
      const int32_t keep = -static_cast<int32_t>(code & 1u);  // all ones for a non-zero trit
      const int32_t neg = -static_cast<int32_t>(code >> 1);   // all ones for -1
      sum += ((in.x[i] & keep) ^ neg) - neg;
    }
    acc[r] = sum;
  }
}

const char* ternary_i8_kernel_name() {
  return "portable";
}

}  // namespace atome
