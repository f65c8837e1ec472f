// Dense products (see gemm.h). Each kernel works on a range of output rows; the OpenMP wrappers
// hand out those ranges. The one kernel body is compiled for three x86 levels (AVX-512, AVX2,
// baseline) and the best one the CPU has is picked at load time, so one binary runs anywhere.
// All three add in the same order without fused multiply-add (the file is built with
// -ffp-contract=off like the rest, and vectors only run across independent output columns), so
// they produce the same bits: training does not depend on the CPU it runs on.
#include "train/gemm.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ATOME_TRAIN_X86_LEVELS 1
#else
#define ATOME_TRAIN_X86_LEVELS 0
#endif

namespace atome::train {
namespace {

// The one kernel: rows [begin, end) of out (rows, cols) = (or +=) a (rows, inner) · b (inner,
// cols). Register blocked: 4 rows by 32 columns of out stay in registers while the inner index
// runs, so each loaded row piece of b feeds 4 multiply-adds. Every element is summed over the
// inner index in increasing order; a row takes the same path whatever the thread split (splits
// fall on multiples of kRowBlock), so results never depend on the thread count.
constexpr size_t kRowBlock = 4;
constexpr uint32_t kColBlock = 32;

// Every element is a sequential sum: acc = acc + (a * b), one rounded multiply and one rounded add
// per inner index, whatever the vector width.
inline __attribute__((always_inline)) void multiply_rows_body(float* out, const float* a,
                                                              const float* b, size_t begin,
                                                              size_t end, uint32_t inner,
                                                              uint32_t cols, bool accumulate) {
  size_t i = begin;
  for (; i + kRowBlock <= end; i += kRowBlock) {
    uint32_t j = 0;
    for (; j + kColBlock <= cols; j += kColBlock) {
      float acc[kRowBlock][kColBlock];
      for (size_t r = 0; r < kRowBlock; ++r)
        for (uint32_t jj = 0; jj < kColBlock; ++jj)
          acc[r][jj] = accumulate ? out[(i + r) * cols + j + jj] : 0.0f;
      for (uint32_t c = 0; c < inner; ++c) {
        const float* brow = b + static_cast<size_t>(c) * cols + j;
        for (size_t r = 0; r < kRowBlock; ++r) {
          const float x = a[(i + r) * inner + c];
          for (uint32_t jj = 0; jj < kColBlock; ++jj) acc[r][jj] += x * brow[jj];
        }
      }
      for (size_t r = 0; r < kRowBlock; ++r)
        for (uint32_t jj = 0; jj < kColBlock; ++jj) out[(i + r) * cols + j + jj] = acc[r][jj];
    }
    // Column tail: one column at a time, same inner order.
    for (; j < cols; ++j) {
      for (size_t r = 0; r < kRowBlock; ++r) {
        float s = accumulate ? out[(i + r) * cols + j] : 0.0f;
        for (uint32_t c = 0; c < inner; ++c)
          s += a[(i + r) * inner + c] * b[static_cast<size_t>(c) * cols + j];
        out[(i + r) * cols + j] = s;
      }
    }
  }
  // Row tail (only at the end of the whole matrix): row by row, same inner order per element.
  for (; i < end; ++i) {
    float* o = out + i * cols;
    if (!accumulate)
      for (uint32_t jj = 0; jj < cols; ++jj) o[jj] = 0.0f;
    for (uint32_t c = 0; c < inner; ++c) {
      const float x = a[i * inner + c];
      const float* brow = b + static_cast<size_t>(c) * cols;
      for (uint32_t jj = 0; jj < cols; ++jj) o[jj] += x * brow[jj];
    }
  }
}

using RowsKernel = void (*)(float*, const float*, const float*, size_t, size_t, uint32_t, uint32_t,
                            bool);

void multiply_rows_baseline(float* out, const float* a, const float* b, size_t begin, size_t end,
                            uint32_t inner, uint32_t cols, bool accumulate) {
  multiply_rows_body(out, a, b, begin, end, inner, cols, accumulate);
}
#if ATOME_TRAIN_X86_LEVELS
__attribute__((target("arch=x86-64-v3"))) void multiply_rows_avx2(float* out, const float* a,
                                                                  const float* b, size_t begin,
                                                                  size_t end, uint32_t inner,
                                                                  uint32_t cols, bool accumulate) {
  multiply_rows_body(out, a, b, begin, end, inner, cols, accumulate);
}
__attribute__((target("arch=x86-64-v4"))) void multiply_rows_avx512(float* out, const float* a,
                                                                    const float* b, size_t begin,
                                                                    size_t end, uint32_t inner,
                                                                    uint32_t cols,
                                                                    bool accumulate) {
  multiply_rows_body(out, a, b, begin, end, inner, cols, accumulate);
}
#endif

RowsKernel kernel_function(GemmKernel kernel) {
#if ATOME_TRAIN_X86_LEVELS
  if (kernel == GemmKernel::kAvx512) return multiply_rows_avx512;
  if (kernel == GemmKernel::kAvx2) return multiply_rows_avx2;
#endif
  (void)kernel;
  return multiply_rows_baseline;
}

GemmKernel best_kernel() {
  for (GemmKernel k : {GemmKernel::kAvx512, GemmKernel::kAvx2})
    if (gemm_kernel_supported(k)) return k;
  return GemmKernel::kBaseline;
}

GemmKernel g_kernel = best_kernel();
RowsKernel g_multiply_rows = kernel_function(g_kernel);

int g_threads = 0;  // 0: OpenMP's default

int thread_count() {
#if defined(_OPENMP)
  return g_threads > 0 ? g_threads : omp_get_max_threads();
#else
  return 1;
#endif
}

// Splits rows [0, count) into `parts` contiguous chunks whose boundaries are multiples of
// kRowBlock (so no row changes kernel path with the thread count).
size_t chunk_begin(size_t count, int parts, int index) {
  if (index >= parts) return count;
  const size_t blocks = count / kRowBlock;
  return blocks * static_cast<size_t>(index) / static_cast<size_t>(parts) * kRowBlock;
}

// Runs out = (+=) a · b over all rows on the trainer's threads.
void multiply(float* out, const float* a, const float* b, size_t rows, uint32_t inner,
              uint32_t cols, bool accumulate) {
  const int parts = static_cast<int>(
      std::max<size_t>(1, std::min<size_t>(rows / kRowBlock, static_cast<size_t>(thread_count()))));
#pragma omp parallel for schedule(static) num_threads(parts) if (parts > 1)
  for (int p = 0; p < parts; ++p)
    g_multiply_rows(out, a, b, chunk_begin(rows, parts, p), chunk_begin(rows, parts, p + 1), inner,
                    cols, accumulate);
}

}  // namespace

bool gemm_kernel_supported(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::kBaseline:
      return true;
#if ATOME_TRAIN_X86_LEVELS
    case GemmKernel::kAvx2:
      __builtin_cpu_init();  // may run before the constructors (g_kernel's initialiser)
      return __builtin_cpu_supports("x86-64-v3");
    case GemmKernel::kAvx512:
      __builtin_cpu_init();
      return __builtin_cpu_supports("x86-64-v4");
#endif
    default:
      return false;
  }
}

const char* gemm_kernel_name(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::kAvx512:
      return "avx512";
    case GemmKernel::kAvx2:
      return "avx2";
    default:
      return "baseline";
  }
}

GemmKernel gemm_kernel() {
  return g_kernel;
}

void set_gemm_kernel(GemmKernel kernel) {
  if (!gemm_kernel_supported(kernel))
    throw std::invalid_argument(std::string("this CPU cannot run the ") + gemm_kernel_name(kernel) +
                                " kernel");
  g_kernel = kernel;
  g_multiply_rows = kernel_function(kernel);
}

int train_threads() {
  return thread_count();
}

void set_train_threads(int threads) {
  g_threads = threads;
#if defined(_OPENMP)
  if (threads > 0) omp_set_num_threads(threads);
#endif
}

void matmul_forward(float* out, const float* in, const float* w_t, size_t n, uint32_t k,
                    uint32_t m) {
  multiply(out, in, w_t, n, k, m, false);
}

void matmul_backward_input(float* din, const float* dout, const float* w, size_t n, uint32_t m,
                           uint32_t k) {
  multiply(din, dout, w, n, m, k, true);
}

void matmul_backward_weight(float* dw, const float* dout, const float* in, size_t n, uint32_t m,
                            uint32_t k) {
  // dw = dout^T · in: transpose dout once, then the same kernel (rows m, inner n, cols k).
  std::vector<float> dout_t(static_cast<size_t>(m) * n);
  for (size_t i = 0; i < n; ++i)
    for (uint32_t r = 0; r < m; ++r) dout_t[static_cast<size_t>(r) * n + i] = dout[i * m + r];
  multiply(dw, dout_t.data(), in, m, static_cast<uint32_t>(n), k, true);
}

}  // namespace atome::train
