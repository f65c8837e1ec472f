// Dense float matrix products for the trainer, the only hot loops of a training step.
//
// Shapes follow the ops: n rows of activations (tokens), weights W of shape (m, k) = (out, in).
// Each product is split among OpenMP threads by the rows of its OUTPUT, so every output element
// is summed by one thread in one fixed order: results do not depend on the thread count.
// Every element is summed in increasing inner order with a separate multiply and add (no FMA),
// by every kernel variant: results do not depend on the CPU either.
#pragma once

#include <cstddef>
#include <cstdint>

namespace atome::train {

// out (n, m) = in (n, k) · W^T, given w_t = W^T (k, m). Overwrites out.
void matmul_forward(float* out, const float* in, const float* w_t, size_t n, uint32_t k,
                    uint32_t m);

// din (n, k) += dout (n, m) · W, with W (m, k).
void matmul_backward_input(float* din, const float* dout, const float* w, size_t n, uint32_t m,
                           uint32_t k);

// dw (m, k) += dout^T (m, n) · in (n, k): the sum over the n rows.
void matmul_backward_weight(float* dw, const float* dout, const float* in, size_t n, uint32_t m,
                            uint32_t k);

// The kernel variants, one per x86-64 level compiled in; the best the CPU runs is picked at load
// time. All give the same bits (tests run each one the CPU supports).
enum class GemmKernel { kBaseline, kAvx2, kAvx512 };
bool gemm_kernel_supported(GemmKernel kernel);
const char* gemm_kernel_name(GemmKernel kernel);  // "baseline", "avx2", "avx512"
GemmKernel gemm_kernel();                         // the one in use
// Uses `kernel` from now on (tests); std::invalid_argument if this CPU cannot run it.
void set_gemm_kernel(GemmKernel kernel);

// Threads the trainer uses (OpenMP), 1 without OpenMP.
int train_threads();
void set_train_threads(int threads);

}  // namespace atome::train
