// ARMv7E-M DSP-extension integer ternary kernel (Cortex-M4/M7): a constant 256-entry table in
// flash maps one packed byte to its four trits as two int16x2 words {t0, t1} and {t2, t3};
// ternary_input_prepare_dsp turns x into int16 pairs {x[2j], x[2j+1]} (zero-padded to a multiple
// of four); then each byte costs one table load pair, one input load pair and two SMLAD (dual
// 16x16 multiply-accumulate) — the products are by -1, 0 or +1, so the sum is exact.
// Compiled everywhere; the code exists only where the compiler targets the DSP extension.
#include "engine/ternary_i8.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>

namespace atome {

namespace {

struct DspTable {
  uint32_t word[256][2];
  constexpr DspTable() : word() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t half[4] = {0, 0, 0, 0};
      for (uint32_t j = 0; j < 4; ++j) {
        const uint32_t code = (b >> (2 * j)) & 3u;
        half[j] = code == 1 ? 0x0001u : code == 3 ? 0xFFFFu : 0u;  // int16 +1 / -1 / 0
      }
      word[b][0] = half[0] | (half[1] << 16);
      word[b][1] = half[2] | (half[3] << 16);
    }
  }
};

constexpr DspTable kTable;

inline uint32_t groups4(uint32_t n) {
  return (n + 3) / 4;
}

}  // namespace

size_t ternary_input_scratch_bytes_dsp(uint32_t n) {
  return static_cast<size_t>(groups4(n)) * 2 * sizeof(uint32_t);
}

void ternary_input_prepare_dsp(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  uint32_t* xp = static_cast<uint32_t*>(scratch);
  const uint32_t pairs = 2 * groups4(n);
  for (uint32_t j = 0; j < pairs; ++j) {
    const int32_t a = 2 * j < n ? x[2 * j] : 0;
    const int32_t b = 2 * j + 1 < n ? x[2 * j + 1] : 0;
    xp[j] = (static_cast<uint32_t>(a) & 0xFFFFu) | (static_cast<uint32_t>(b) << 16);
  }
  in->x = x;
  in->n = n;
  in->prepared = scratch;
}

void ternary_matvec_i8_dsp(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const uint32_t* xp = static_cast<const uint32_t*>(in.prepared);
  const uint32_t bytes = groups4(w.cols);
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    const uint32_t* xq = xp;
    const uint8_t* p = row;
    int32_t s = 0;
    for (uint32_t k = bytes / 2; k != 0; --k, p += 2, xq += 4) {
      const uint32_t* e0 = kTable.word[p[0]];
      const uint32_t* e1 = kTable.word[p[1]];
      s = __smlad(static_cast<int16x2_t>(e0[0]), static_cast<int16x2_t>(xq[0]), s);
      s = __smlad(static_cast<int16x2_t>(e0[1]), static_cast<int16x2_t>(xq[1]), s);
      s = __smlad(static_cast<int16x2_t>(e1[0]), static_cast<int16x2_t>(xq[2]), s);
      s = __smlad(static_cast<int16x2_t>(e1[1]), static_cast<int16x2_t>(xq[3]), s);
    }
    if (bytes & 1u) {
      const uint32_t* e0 = kTable.word[p[0]];
      s = __smlad(static_cast<int16x2_t>(e0[0]), static_cast<int16x2_t>(xq[0]), s);
      s = __smlad(static_cast<int16x2_t>(e0[1]), static_cast<int16x2_t>(xq[1]), s);
    }
    acc[r] = s;
  }
}

}  // namespace atome

#endif  // __ARM_FEATURE_DSP
