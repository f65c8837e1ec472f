// Portable ternary kernel: whole bytes (4 trits) at a time, branch-free, eight lane accumulators
// in the contract's order (see ternary.h).
#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/ternary.h"

namespace atome {

namespace {

inline float dot_row(const uint8_t* row, uint32_t cols, const float* x) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const uint32_t full_bytes = cols / 4;
  uint32_t i = 0;
  // Two bytes = eight trits = one pass over the eight lanes.
  for (uint32_t b = 0; b + 1 < full_bytes; b += 2, i += 8) {
    const uint32_t bits = static_cast<uint32_t>(row[b]) | (static_cast<uint32_t>(row[b + 1]) << 8);
    lane[0] += apply_trit(x[i + 0], bits);
    lane[1] += apply_trit(x[i + 1], bits >> 2);
    lane[2] += apply_trit(x[i + 2], bits >> 4);
    lane[3] += apply_trit(x[i + 3], bits >> 6);
    lane[4] += apply_trit(x[i + 4], bits >> 8);
    lane[5] += apply_trit(x[i + 5], bits >> 10);
    lane[6] += apply_trit(x[i + 6], bits >> 12);
    lane[7] += apply_trit(x[i + 7], bits >> 14);
  }
  // Tail (fewer than eight trits): same lanes, same order.
  for (; i < cols; ++i) {
    lane[i & 7u] += apply_trit(x[i], trit_code(row, i));
  }
  return reduce_lanes8(lane);
}

}  // namespace

void ternary_matvec_portable(float* out, const atome_trits& w, const float* x) {
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    out[r] = w.scale * dot_row(row, w.cols, x);
  }
}

void conv_taps_portable(float* out, const atome_trits& w, const float* const* lag_h,
                        uint32_t taps) {
  const uint8_t* row = w.data;
  for (uint32_t ch = 0; ch < w.rows; ++ch, row += w.row_bytes) {
    float acc = 0.0f;
    for (uint32_t k = 0; k < taps; ++k) acc += apply_trit(lag_h[k][ch], trit_code(row, k));
    out[ch] = w.scale * acc;
  }
}

float dot_portable(const float* a, const float* b, uint32_t n) {
  return dot(a, b, n);
}

void scores_portable(float* out, const float* q, const float* keys, uint32_t count, uint32_t n,
                     float divisor) {
  for (uint32_t j = 0; j < count; ++j)
    out[j] = dot(q, keys + static_cast<size_t>(j) * n, n) / divisor;
}

}  // namespace atome

extern "C" const char* atome_kernel_name(void) {
  return atome::ternary_kernel_name();
}

extern "C" int atome_kernel_supported(void) {
#if defined(ATOME_USE_AVX512) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx2");
#elif defined(ATOME_USE_AVX2) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx2");
#else
  return 1;
#endif
}

namespace atome {

const char* ternary_kernel_name() {
#if defined(ATOME_USE_AVX512)
  return "avx512";
#elif defined(ATOME_USE_AVX2)
  return "avx2";
#else
  return "portable";
#endif
}

}  // namespace atome
