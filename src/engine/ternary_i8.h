// Integer ternary matrix-vector product (DESIGN §3, integer activations A8):
//   acc[r] = sum_i trit(W[r, i]) * x[i],   x[i] int8 in [-127, 127], acc int32.
//
// An exact integer sum (adds only; at most 127 * cols in magnitude), so every kernel gives the
// same result whatever order it adds in: tests compare each variant with the portable one for
// equality. Weights are today's packing (atome_trits, ternary.h): element i at bits 2*(i%4) of
// byte i/4 of its row, 00 = 0, 01 = +1, 11 = -1, rows start on a byte. Code bits of a row's last
// byte beyond `cols` are never used (the kernels either skip them or multiply them by zero).
//
// An input vector is prepared once for every matrix that reads it (router, q, k, v share one):
// kernels that use a lookup table build it in caller-provided scratch. Kernels:
//   portable  plain C++, branch-free trit decode (the reference)
//   lut       lookup table for cores without SIMD (T-MAC / BitNet TL style): prepare builds, per
//             group of kAtomeI8LutGroup activations, the signed sum for every code pattern of the
//             group; the matvec does one lookup and one add per group per row
//   dsp       ARMv7E-M DSP extension (M4/M7): a constant 256-entry table (flash) maps a packed byte
//             to its four trits as two int16x2 words; the input is prepared as int16 pairs; two
//             SMLAD per byte
//   avx2, avx512   x86-64 hosts (AVX-512 VNNI vpdpbusd where the compiler and CPU have it)
// The build selects one at configure time (ATOME_I8_KERNEL -> ATOME_USE_I8_*); every variant this
// build can run is also exposed under its own name so that tests can compare them.
//
// Every function defined in this header is `static inline` (see ternary.h: the AVX kernels
// include it, and a plain inline function emitted there could be picked for every caller).
#ifndef ATOME_ENGINE_TERNARY_I8_H
#define ATOME_ENGINE_TERNARY_I8_H

#include <stddef.h>
#include <stdint.h>

#include "atome/atome.h"

namespace atome {

struct TernaryInput {
  const int8_t* x;       // n values in [-127, 127]
  uint32_t n;            // = the cols of every matrix it is used with
  const void* prepared;  // the kernel's prepared form (in the scratch given to prepare), or null
};

// ---- the variants, each under its own name -------------------------------------------------

// portable: needs no preparation (prepared stays null); reads in.x.
void ternary_input_prepare_portable(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8_portable(int32_t* acc, const atome_trits& w, const TernaryInput& in);

// lut: group size 2 (a nibble = 2 trits, a 16-entry int16 table per pair of activations) or 4 (a
// byte = 4 trits, a 256-entry table per group of four). Chosen by measurement (RESULTS: the
// kernel report, scripts/kernel_report.py: 4); ATOME_I8_LUT_GROUP overrides it at compile time (the
// M0 firmware uses 2: 8x less scratch).
#if !defined(ATOME_I8_LUT_GROUP)
#define ATOME_I8_LUT_GROUP 4
#endif
constexpr uint32_t kAtomeI8LutGroup = ATOME_I8_LUT_GROUP;
static_assert(kAtomeI8LutGroup == 2 || kAtomeI8LutGroup == 4, "lut group size is 2 or 4");
size_t ternary_input_scratch_bytes_lut(uint32_t n);
void ternary_input_prepare_lut(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8_lut(int32_t* acc, const atome_trits& w, const TernaryInput& in);
// Both group sizes, for the measurement and the tests (the lut kernel is one of them).
size_t ternary_input_scratch_bytes_lut2(uint32_t n);
void ternary_input_prepare_lut2(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8_lut2(int32_t* acc, const atome_trits& w, const TernaryInput& in);
size_t ternary_input_scratch_bytes_lut4(uint32_t n);
void ternary_input_prepare_lut4(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8_lut4(int32_t* acc, const atome_trits& w, const TernaryInput& in);

#if defined(__ARM_FEATURE_DSP)
#define ATOME_HAVE_I8_DSP 1
size_t ternary_input_scratch_bytes_dsp(uint32_t n);
void ternary_input_prepare_dsp(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch);
void ternary_matvec_i8_dsp(int32_t* acc, const atome_trits& w, const TernaryInput& in);
#endif

#if defined(ATOME_HAVE_AVX2)
// Needs no preparation (ternary_input_prepare_portable).
void ternary_matvec_i8_avx2(int32_t* acc, const atome_trits& w, const TernaryInput& in);
#endif
#if defined(ATOME_HAVE_I8_AVX512)
// Needs no preparation (ternary_input_prepare_portable). VNNI where ATOME_HAVE_I8_AVX512_VNNI.
void ternary_matvec_i8_avx512(int32_t* acc, const atome_trits& w, const TernaryInput& in);
#endif

// ---- the selected kernel -------------------------------------------------------------------

#if defined(ATOME_USE_I8_DSP) && !defined(ATOME_HAVE_I8_DSP)
#error "ATOME_USE_I8_DSP needs the ARMv7E-M DSP extension (-mcpu=cortex-m4/m7)"
#endif

// Bytes of scratch ternary_input_prepare needs for an input of n values (0 allowed).
static inline size_t ternary_input_scratch_bytes(uint32_t n) {
#if defined(ATOME_USE_I8_LUT)
  return ternary_input_scratch_bytes_lut(n);
#elif defined(ATOME_USE_I8_DSP)
  return ternary_input_scratch_bytes_dsp(n);
#else
  (void)n;
  return 0;
#endif
}

// Prepares x (n values) for every matrix that reads it; scratch: ternary_input_scratch_bytes(n)
// bytes, 16-byte aligned, alive while `in` is used.
static inline void ternary_input_prepare(TernaryInput* in, const int8_t* x, uint32_t n,
                                         void* scratch) {
#if defined(ATOME_USE_I8_LUT)
  ternary_input_prepare_lut(in, x, n, scratch);
#elif defined(ATOME_USE_I8_DSP)
  ternary_input_prepare_dsp(in, x, n, scratch);
#else
  ternary_input_prepare_portable(in, x, n, scratch);
#endif
}

// The trit3 half of the dispatcher (engine/trit3.h): decode, then the selected kernel.
void ternary_matvec_i8_trit3(int32_t* acc, const atome_trits& w, const TernaryInput& in);

// acc[r] = sum_i trit(W[r, i]) * x[i] for r < w.rows (w.cols == in.n), either packing.
static inline void ternary_matvec_i8(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  if (w.packing == ATOME_PACKING_TRIT3) {
    ternary_matvec_i8_trit3(acc, w, in);
    return;
  }
#if defined(ATOME_USE_I8_AVX512)
  ternary_matvec_i8_avx512(acc, w, in);
#elif defined(ATOME_USE_I8_AVX2)
  ternary_matvec_i8_avx2(acc, w, in);
#elif defined(ATOME_USE_I8_LUT)
  ternary_matvec_i8_lut(acc, w, in);
#elif defined(ATOME_USE_I8_DSP)
  ternary_matvec_i8_dsp(acc, w, in);
#else
  ternary_matvec_i8_portable(acc, w, in);
#endif
}

// Name of the selected integer kernel, for reports ("lut" reports its group: "lut4").
const char* ternary_i8_kernel_name();

// ---- shared helpers ------------------------------------------------------------------------

// x if the 2-bit code is 01, -x if 11, 0 if 00 (and 0 for the invalid 10) — branch-free, no
// multiply: mask by the non-zero bit, then negate by (v ^ -1) + 1 when the sign bit is set.
static inline int32_t apply_trit_i32(int32_t x, uint32_t code) {
  const int32_t keep = -static_cast<int32_t>(code & 1u);        // all ones when non-zero
  const int32_t neg = -static_cast<int32_t>((code >> 1) & 1u);  // all ones when negative
  const int32_t v = x & keep;
  return (v ^ neg) - neg;
}

}  // namespace atome

#endif  // ATOME_ENGINE_TERNARY_I8_H
