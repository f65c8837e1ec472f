// trit3 (base-3, 5 trits a byte) for every kernel: the decode table, the row decode, and the
// trit3 halves of the dispatchers (engine/trit3.h): chunks of rows are decoded into their trit2
// form in a stack buffer and the build's selected 2-bit kernel runs on them, so both packings
// give the same bits by construction.
#include "engine/build_config.h"
#include "engine/format.h"
#include "engine/ternary.h"
#include "engine/ternary_i8.h"
#include "engine/trit3.h"

namespace atome {

namespace {

// The stack buffer a chunk of rows is decoded into, with room for trit3_decode_row's zero tail
// and for kernels that read a whole word at the end of a row.
constexpr uint32_t kSlack = 16;

// Rows [r0, r0 + n) of w decoded into buf, as a trit2 view.
atome_trits decode_rows(const atome_trits& w, uint32_t r0, uint32_t n, uint8_t* buf) {
  const uint32_t rb2 = (w.cols + 3u) / 4u;
  const uint8_t* src = w.data + static_cast<size_t>(r0) * w.row_bytes;
  for (uint32_t i = 0; i < n; ++i, src += w.row_bytes) trit3_decode_row(buf + i * rb2, src, w.cols);
  atome_trits v = w;
  v.data = buf;
  v.rows = n;
  v.row_bytes = rb2;
  v.packing = ATOME_PACKING_TRIT2;
  return v;
}

// Rows per chunk: as many as the buffer holds (the loader guarantees one does), a multiple of 8
// where that is possible (the AVX kernels take rows and channels by 4 and 8).
uint32_t chunk_rows(uint32_t cols) {
  const uint32_t fit = kTrit3DecodeBytes / ((cols + 3u) / 4u);
  return fit >= 8 ? fit & ~7u : fit;
}

}  // namespace

constexpr Trit3Table kTrit3Table;

void trit3_decode_row(uint8_t* dst, const uint8_t* src, uint32_t cols) {
  const uint8_t* end = src + (cols + 4u) / 5u;
  uint32_t bits = 0, nb = 0;  // pending code bits (fewer than 16 between bytes)
  for (; src != end; ++src) {
    bits |= static_cast<uint32_t>(kTrit3Table.codes[*src]) << nb;
    nb += 10;
    if (nb >= 16) {
      dst[0] = static_cast<uint8_t>(bits);
      dst[1] = static_cast<uint8_t>(bits >> 8);
      dst += 2;
      bits >>= 16;
      nb -= 16;
    }
  }
  dst[0] = static_cast<uint8_t>(bits);
  dst[1] = static_cast<uint8_t>(bits >> 8);
}

#if ATOME_FLOAT_PATH
void ternary_matvec_trit3(float* out, const atome_trits& w, const float* x) {
  alignas(16) uint8_t buf[kTrit3DecodeBytes + kSlack];
  const uint32_t per = chunk_rows(w.cols);
  for (uint32_t r0 = 0; r0 < w.rows; r0 += per) {
    const uint32_t n = w.rows - r0 < per ? w.rows - r0 : per;
    ternary_matvec(out + r0, decode_rows(w, r0, n, buf), x);
  }
}

void conv_taps_trit3(float* out, const atome_trits& w, const float* const* lag_h, uint32_t taps) {
  alignas(16) uint8_t buf[kTrit3DecodeBytes + kSlack];
  const float* lag[format::kMaxConvKernel];
  const uint32_t per = chunk_rows(w.cols);
  for (uint32_t c0 = 0; c0 < w.rows; c0 += per) {
    const uint32_t n = w.rows - c0 < per ? w.rows - c0 : per;
    for (uint32_t k = 0; k < taps; ++k) lag[k] = lag_h[k] + c0;
    conv_taps(out + c0, decode_rows(w, c0, n, buf), lag, taps);
  }
}
#endif

void ternary_matvec_i8_trit3_via(int32_t* acc, const atome_trits& w, const TernaryInput& in,
                                 MatvecI8Kernel kernel) {
  alignas(16) uint8_t buf[kTrit3DecodeBytes + kSlack];
  const uint32_t per = chunk_rows(w.cols);
  for (uint32_t r0 = 0; r0 < w.rows; r0 += per) {
    const uint32_t n = w.rows - r0 < per ? w.rows - r0 : per;
    kernel(acc + r0, decode_rows(w, r0, n, buf), in);
  }
}

namespace {
// The selected kernel (ternary_i8.h's dispatcher, on a trit2 view).
void selected_i8(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  ternary_matvec_i8(acc, w, in);
}
}  // namespace

void ternary_matvec_i8_trit3(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  ternary_matvec_i8_trit3_via(acc, w, in, selected_i8);
}

}  // namespace atome
