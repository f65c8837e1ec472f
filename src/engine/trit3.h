// Base-3 trit packing (dtype trit3, FORMAT.md §5.3): 5 trits a byte, byte = sum_k (t_k + 1) * 3^k
// for k = 0..4, element i of a row at digit i % 5 of byte i / 5, rows starting on a byte, padding
// digits 1 (trit 0). Bytes 243..255 are invalid (the loader rejects them).
//
// The kernels read trit3 through one decode: a 243-entry constant table maps a byte to its five
// trits as five 2-bit codes (trit2's codes, digit k at bits 2k), so a decoded row is the trit2 row
// of the same weights and every kernel computes the same bits on either packing (ternary.h's
// summation order is per element index, which the decode keeps). Dispatch: ternary_matvec,
// conv_taps and ternary_matvec_i8 (ternary.h, ternary_i8.h) send a trit3 matrix to the
// *_trit3 functions below, which decode chunks of rows into a stack buffer and run the selected
// 2-bit kernel on them.
#ifndef ATOME_ENGINE_TRIT3_H
#define ATOME_ENGINE_TRIT3_H

#include <stdint.h>

#include "atome/atome.h"

// Bytes of the stack buffer a trit3 row is decoded into: a trit3 row may hold at most
// 4 * ATOME_TRIT3_DECODE_BYTES columns in this build (the loader rejects a longer one with
// ATOME_ERR_UNSUPPORTED). 2048 (any d_model the format allows) on hosts, 256 (1024 columns) on
// the small cores, whose stacks are measured in kilobytes.
#ifndef ATOME_TRIT3_DECODE_BYTES
#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define ATOME_TRIT3_DECODE_BYTES 2048
#else
#define ATOME_TRIT3_DECODE_BYTES 256
#endif
#endif

namespace atome {

constexpr uint32_t kTrit3DecodeBytes = ATOME_TRIT3_DECODE_BYTES;
constexpr uint32_t kTrit3MaxCols = 4u * kTrit3DecodeBytes;
constexpr uint32_t kTrit3ByteLimit = 243;  // valid bytes are 0..242

// codes[b]: the five trits of byte b (< 243) as 2-bit codes, digit k at bits 2k (flash: 486 B).
struct Trit3Table {
  uint16_t codes[243];
  constexpr Trit3Table() : codes() {
    for (uint32_t b = 0; b < 243; ++b) {
      uint32_t v = b, c = 0;
      for (uint32_t k = 0; k < 5; ++k, v /= 3) {
        const uint32_t digit = v % 3;  // trit = digit - 1: code 11 (-1), 00 (0), 01 (+1)
        c |= (digit == 0 ? 3u : digit == 1 ? 0u : 1u) << (2 * k);
      }
      codes[b] = static_cast<uint16_t>(c);
    }
  }
};
extern const Trit3Table kTrit3Table;

// Decodes one trit3 row of `cols` trits into its trit2 form: ceil(cols / 4) bytes at dst, plus
// up to 3 bytes of zero codes after them (dst needs (cols + 3) / 4 + 3 bytes; the most, over every
// cols, of 2 * floor(10 * ceil(cols / 5) / 16) + 2 - ceil(cols / 4) — found by ASan with 2).
void trit3_decode_row(uint8_t* dst, const uint8_t* src, uint32_t cols);

// Calls f(i, code) for i = 0 .. n-1 with the 2-bit code of element i of a row of either packing.
template <class F>
static inline void each_trit_code(const uint8_t* row, uint32_t packing, uint32_t n, F f) {
  if (packing == ATOME_PACKING_TRIT3) {
    uint32_t i = 0;
    for (const uint8_t* p = row; i < n; ++p) {
      uint32_t codes = kTrit3Table.codes[*p];
      for (uint32_t k = 0; k < 5 && i < n; ++k, ++i, codes >>= 2) f(i, codes & 3u);
    }
  } else {
    for (uint32_t i = 0; i < n; ++i)
      f(i, (static_cast<uint32_t>(row[i >> 2]) >> ((i & 3u) * 2u)) & 3u);
  }
}

// ternary_matvec_i8_trit3 with a given 2-bit kernel (the firmware kernel bench measures each).
struct TernaryInput;
using MatvecI8Kernel = void (*)(int32_t* acc, const atome_trits& w, const TernaryInput& in);
void ternary_matvec_i8_trit3_via(int32_t* acc, const atome_trits& w, const TernaryInput& in,
                                 MatvecI8Kernel kernel);

}  // namespace atome

#endif  // ATOME_ENGINE_TRIT3_H
