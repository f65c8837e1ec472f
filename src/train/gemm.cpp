// Dense products (see gemm.h). Each kernel works on a range of output rows; the OpenMP wrappers
// hand out those ranges. The kernels are compiled for three x86 levels (AVX-512, AVX2+FMA,
// baseline) and the best one the CPU has is picked at load time, so one binary runs anywhere.
#include "train/gemm.h"

#include <algorithm>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define ATOME_TRAIN_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ATOME_TRAIN_CLONES
#endif

namespace atome::train {
namespace {

// Rows [begin, end) of out = in · w_t: each output row is a sum of rows of w_t weighted by the
// input row, so the inner loop runs along m and vectorises without reordering any sum.
ATOME_TRAIN_CLONES
void forward_rows(float* out, const float* in, const float* w_t, size_t begin, size_t end,
                  uint32_t k, uint32_t m) {
  for (size_t i = begin; i < end; ++i) {
    float* o = out + i * m;
    const float* x = in + i * k;
    for (uint32_t j = 0; j < m; ++j) o[j] = 0.0f;
    for (uint32_t c = 0; c < k; ++c) {
      const float xc = x[c];
      const float* w = w_t + static_cast<size_t>(c) * m;
      for (uint32_t j = 0; j < m; ++j) o[j] += xc * w[j];
    }
  }
}

ATOME_TRAIN_CLONES
void backward_input_rows(float* din, const float* dout, const float* w, size_t begin, size_t end,
                         uint32_t m, uint32_t k) {
  for (size_t i = begin; i < end; ++i) {
    float* dx = din + i * k;
    const float* g = dout + i * m;
    for (uint32_t r = 0; r < m; ++r) {
      const float gr = g[r];
      const float* wr = w + static_cast<size_t>(r) * k;
      for (uint32_t c = 0; c < k; ++c) dx[c] += gr * wr[c];
    }
  }
}

// Rows [begin, end) of dw: dw[r] += sum over i of dout[i, r] * in[i]. dout is read down a column,
// so it is first copied into a contiguous block of columns (dout_t), a few rows of dw at a time.
ATOME_TRAIN_CLONES
void backward_weight_rows(float* dw, const float* dout_t, const float* in, size_t n, uint32_t begin,
                          uint32_t end, uint32_t k) {
  for (uint32_t r = begin; r < end; ++r) {
    float* dwr = dw + static_cast<size_t>(r) * k;
    const float* g = dout_t + static_cast<size_t>(r - begin) * n;
    for (size_t i = 0; i < n; ++i) {
      const float gi = g[i];
      const float* x = in + i * k;
      for (uint32_t c = 0; c < k; ++c) dwr[c] += gi * x[c];
    }
  }
}

int g_threads = 0;  // 0: OpenMP's default

int thread_count() {
#if defined(_OPENMP)
  return g_threads > 0 ? g_threads : omp_get_max_threads();
#else
  return 1;
#endif
}

// Splits [0, count) into `parts` contiguous chunks.
size_t chunk_begin(size_t count, int parts, int index) {
  return count * static_cast<size_t>(index) / static_cast<size_t>(parts);
}

}  // namespace

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
  const int parts = static_cast<int>(std::min<size_t>(n, static_cast<size_t>(thread_count())));
#pragma omp parallel for schedule(static) num_threads(parts) if (parts > 1)
  for (int p = 0; p < parts; ++p)
    forward_rows(out, in, w_t, chunk_begin(n, parts, p), chunk_begin(n, parts, p + 1), k, m);
}

void matmul_backward_input(float* din, const float* dout, const float* w, size_t n, uint32_t m,
                           uint32_t k) {
  const int parts = static_cast<int>(std::min<size_t>(n, static_cast<size_t>(thread_count())));
#pragma omp parallel for schedule(static) num_threads(parts) if (parts > 1)
  for (int p = 0; p < parts; ++p)
    backward_input_rows(din, dout, w, chunk_begin(n, parts, p), chunk_begin(n, parts, p + 1), m, k);
}

void matmul_backward_weight(float* dw, const float* dout, const float* in, size_t n, uint32_t m,
                            uint32_t k) {
  // Rows of dw in blocks of 8: each block transposes its 8 columns of dout once.
  constexpr uint32_t kBlock = 8;
  const uint32_t blocks = (m + kBlock - 1) / kBlock;
  const int parts = static_cast<int>(std::min<uint32_t>(blocks, thread_count()));
#pragma omp parallel num_threads(parts) if (parts > 1)
  {
    std::vector<float> dout_t(static_cast<size_t>(kBlock) * n);
#pragma omp for schedule(static)
    for (uint32_t b = 0; b < blocks; ++b) {
      const uint32_t begin = b * kBlock, end = std::min(m, begin + kBlock);
      for (uint32_t r = begin; r < end; ++r)
        for (size_t i = 0; i < n; ++i) dout_t[(r - begin) * n + i] = dout[i * m + r];
      backward_weight_rows(dw, dout_t.data(), in, n, begin, end, k);
    }
  }
}

}  // namespace atome::train
