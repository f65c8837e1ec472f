// Integer ternary kernels on the device (ternary_i8.h): every kernel compiled for this core runs on
// fixed pseudo-random 256x64 and 64x64 matrices and int8 vectors, and on the 60K model's per-layer
// mix (one prepared input read by router + q + k + v: 3 + 32 + 32 + 32 = 99 rows x 64 cols); its
// result must equal the portable kernel's (an exact integer function). Prints one line per
// measured region, "region <kernel> <case> <weights> OK|FAIL", and "done OK" or "done FAIL";
// exits 1 on any FAIL. Each kernel also runs on the same weights packed base-3 (trit3: 5 trits a
// byte, decoded per chunk of rows by engine/trit3.h), as kernel "<name>/t3".
//
// Each measured region is bracketed by two calls to atome_bench_mark(); the QEMU plugin
// (firmware/tools/insn_count.c, argument mark=<address of atome_bench_mark>) prints the running
// instruction count each time that function is entered, so region i's count is mark[2i+1] -
// mark[2i] (scripts/kernel_report.py; the "empty" region measures the bracketing itself).
#include <stdint.h>

#include "../boot/semihost.h"
#include "engine/ternary_i8.h"
#include "engine/trit3.h"

using namespace atome;

extern "C" __attribute__((noinline, used)) void atome_bench_mark() {
  __asm volatile("" ::: "memory");
}

namespace {

constexpr uint32_t kCols = 64;
constexpr uint32_t kRowBytes = kCols / 4;
constexpr uint32_t kMaxRows = 256;
constexpr uint32_t kMixRows[4] = {3, 32, 32, 32};  // router, q, k, v

// Weights in flash: valid codes only (00, 01, 11), from a fixed xorshift32 stream.
struct Weights {
  uint8_t bytes[kMaxRows * kRowBytes + 99 * kRowBytes];
  constexpr Weights() : bytes() {
    uint32_t s = 0x9E3779B9u;
    for (uint32_t i = 0; i < sizeof bytes; ++i) {
      uint32_t b = 0;
      for (uint32_t j = 0; j < 4; ++j) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        const uint32_t t = (s >> 8) % 3u;
        b |= (t == 0 ? 0u : t == 1 ? 1u : 3u) << (2 * j);
      }
      bytes[i] = static_cast<uint8_t>(b);
    }
  }
};
constexpr Weights kWeights;

// The same trits packed base-3 (FORMAT.md §5.3): 13 bytes a row of 64, padding digits 1.
constexpr uint32_t kRowBytes3 = (kCols + 4) / 5;
constexpr uint32_t kAllRows = kMaxRows + 99;
struct Weights3 {
  uint8_t bytes[kAllRows * kRowBytes3];
  constexpr Weights3() : bytes() {
    for (uint32_t r = 0; r < kAllRows; ++r) {
      for (uint32_t b = 0; b < kRowBytes3; ++b) {
        uint32_t v = 0, place = 1;
        for (uint32_t k = 0; k < 5; ++k, place *= 3) {
          const uint32_t i = 5 * b + k;
          uint32_t digit = 1;
          if (i < kCols) {
            const uint32_t code = (kWeights.bytes[r * kRowBytes + i / 4] >> (2 * (i % 4))) & 3u;
            digit = code == 0 ? 1u : code == 1 ? 2u : 0u;
          }
          v += digit * place;
        }
        bytes[r * kRowBytes3 + b] = static_cast<uint8_t>(v);
      }
    }
  }
};
constexpr Weights3 kWeights3;

struct Input {
  int8_t x[kCols];
  constexpr Input() : x() {
    uint32_t s = 12345u;
    for (uint32_t i = 0; i < kCols; ++i) {
      s = s * 1664525u + 1013904223u;
      x[i] = static_cast<int8_t>(static_cast<int32_t>((s >> 16) % 255u) - 127);
    }
    x[0] = 127;  // the extremes appear too
    x[1] = -127;
  }
};
constexpr Input kInput;

bool g_trit3 = false;  // bench() on the trit3 copy of the weights

atome_trits matrix2(uint32_t first_row, uint32_t rows) {
  return {
      kWeights.bytes + first_row * kRowBytes, rows, kCols, kRowBytes, 1.0f, 0, ATOME_PACKING_TRIT2};
}

atome_trits matrix(uint32_t first_row, uint32_t rows) {
  if (!g_trit3) return matrix2(first_row, rows);
  return {kWeights3.bytes + first_row * kRowBytes3,
          rows,
          kCols,
          kRowBytes3,
          1.0f,
          0,
          ATOME_PACKING_TRIT3};
}

// The kernel under test on a trit3 matrix: decode, then it.
MatvecI8Kernel g_kernel = nullptr;
void via_trit3(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  ternary_matvec_i8_trit3_via(acc, w, in, g_kernel);
}

alignas(16) uint8_t g_scratch[16 * 512];  // the largest: lut4 at 64 columns
int32_t g_ref[kMaxRows];
int32_t g_out[kMaxRows];
bool g_ok = true;

using ScratchBytesFn = size_t (*)(uint32_t);
using PrepareFn = void (*)(TernaryInput*, const int8_t*, uint32_t, void*);
using MatvecI8Fn = void (*)(int32_t*, const atome_trits&, const TernaryInput&);

size_t no_scratch(uint32_t) {
  return 0;
}

struct Kernel {
  const char* name;
  ScratchBytesFn scratch_bytes;
  PrepareFn prepare;
  MatvecI8Fn matvec;
};

const Kernel kKernels[] = {
    {"portable", no_scratch, ternary_input_prepare_portable, ternary_matvec_i8_portable},
    {"lut2", ternary_input_scratch_bytes_lut2, ternary_input_prepare_lut2, ternary_matvec_i8_lut2},
    {"lut4", ternary_input_scratch_bytes_lut4, ternary_input_prepare_lut4, ternary_matvec_i8_lut4},
#if defined(ATOME_HAVE_I8_DSP)
    {"dsp", ternary_input_scratch_bytes_dsp, ternary_input_prepare_dsp, ternary_matvec_i8_dsp},
#endif
};

void put(const char* s) {
  sh_write0(s);
}

void put_u32(uint32_t v) {
  char digits[11];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  char out[12];
  int at = 0;
  while (n > 0) out[at++] = digits[--n];
  out[at] = 0;
  put(out);
}

// One line per region, in the order of the regions (= pairs of marks).
void region_line(const char* kernel, const char* what, uint32_t weights, bool ok) {
  put("region ");
  put(kernel);
  put(" ");
  put(what);
  put(" ");
  put_u32(weights);
  put(ok ? " OK\n" : " FAIL\n");
  if (!ok) g_ok = false;
}

bool same(const int32_t* a, const int32_t* b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

void reference(int32_t* out, uint32_t first_row, uint32_t rows) {
  TernaryInput in;
  ternary_input_prepare_portable(&in, kInput.x, kCols, nullptr);
  ternary_matvec_i8_portable(out, matrix2(first_row, rows), in);
}

void bench(const Kernel& kernel) {
  Kernel k = kernel;
  char name[16];
  if (g_trit3) {
    g_kernel = kernel.matvec;
    k.matvec = via_trit3;
    uint32_t n = 0;
    for (const char* p = kernel.name; *p != 0 && n < 12; ++p) name[n++] = *p;
    name[n++] = '/';
    name[n++] = 't';
    name[n++] = '3';
    name[n] = 0;
    k.name = name;
  }
  if (k.scratch_bytes(kCols) > sizeof g_scratch) {
    region_line(k.name, "scratch", 0, false);
    return;
  }
  TernaryInput in;
  // prepare alone
  atome_bench_mark();
  k.prepare(&in, kInput.x, kCols, g_scratch);
  atome_bench_mark();
  region_line(k.name, "prepare", 0, true);
  // matvec 256x64 and 64x64 (input prepared above)
  const uint32_t shapes[2] = {kMaxRows, kCols};
  for (uint32_t rows : shapes) {
    const atome_trits w = matrix(0, rows);
    for (uint32_t r = 0; r < rows; ++r) g_out[r] = 0x5A5A5A5A;
    atome_bench_mark();
    k.matvec(g_out, w, in);
    atome_bench_mark();
    reference(g_ref, 0, rows);
    region_line(k.name, rows == kMaxRows ? "matvec256x64" : "matvec64x64", rows * kCols,
                same(g_out, g_ref, rows));
  }
  // the 60K model's per-layer mix: one prepare, four matrices, 99 rows
  const uint32_t first = kMaxRows;
  atome_trits mix[4];
  int32_t* outs[4];
  uint32_t row = first;
  for (uint32_t m = 0; m < 4; ++m) {
    mix[m] = matrix(row, kMixRows[m]);
    outs[m] = g_out + (row - first);
    row += kMixRows[m];
  }
  atome_bench_mark();
  k.prepare(&in, kInput.x, kCols, g_scratch);
  for (uint32_t m = 0; m < 4; ++m) k.matvec(outs[m], mix[m], in);
  atome_bench_mark();
  reference(g_ref, first, 99);
  region_line(k.name, "mix99x64", 99 * kCols, same(g_out, g_ref, 99));
}

// Shapes the benches above do not reach: a row length that is not a multiple of 4 bytes (the
// hand-written lut4 loop's byte tail) and of 4 columns (a partial last group), an odd row count.
// Each kernel against the portable one; not measured.
void odd_shapes(const Kernel& k) {
  const uint32_t cols_list[3] = {23, 55, 7};
  for (uint32_t cols : cols_list) {
    const uint32_t row_bytes = (cols + 3) / 4;
    const atome_trits w{kWeights.bytes, 7, cols, row_bytes, 1.0f, 0, ATOME_PACKING_TRIT2};
    TernaryInput in;
    ternary_input_prepare_portable(&in, kInput.x, cols, nullptr);
    ternary_matvec_i8_portable(g_ref, w, in);
    for (uint32_t r = 0; r < 7; ++r) g_out[r] = 0x5A5A5A5A;
    k.prepare(&in, kInput.x, cols, g_scratch);
    k.matvec(g_out, w, in);
    if (!same(g_out, g_ref, 7)) {
      put(k.name);
      put(": odd shape FAIL\n");
      g_ok = false;
    }
  }
}

}  // namespace

int main() {
  atome_bench_mark();
  atome_bench_mark();
  region_line("none", "empty", 0, true);
  // The hand-computed case: row 0 = {+1, -1, 0, +1, -1} on x = {3, 5, 7, -2, 127}:
  // 3 - 5 + 0 - 2 - 127 = -131 (and row 1 = {0, 0, 0, 0, -1}: -127).
  {
    const int8_t x[5] = {3, 5, 7, -2, 127};
    const uint8_t rows[4] = {0x01 | 0x0C | 0x00 | 0x40, 0x03, 0x00, 0x03};  // 2 bytes per row
    const atome_trits w{rows, 2, 5, 2, 1.0f, 0, ATOME_PACKING_TRIT2};
    for (const Kernel& k : kKernels) {
      TernaryInput in;
      int32_t out[2] = {0, 0};
      k.prepare(&in, x, 5, g_scratch);
      k.matvec(out, w, in);
      if (out[0] != -131 || out[1] != -127) {
        put(k.name);
        put(": hand-computed case FAIL\n");
        g_ok = false;
      }
    }
  }
  for (const Kernel& k : kKernels) odd_shapes(k);
  for (const Kernel& k : kKernels) bench(k);
  g_trit3 = true;
  for (const Kernel& k : kKernels) bench(k);
  put("selected ");
  put(ternary_i8_kernel_name());
  put(g_ok ? "\ndone OK\n" : "\ndone FAIL\n");
  return g_ok ? 0 : 1;
}
