// Trainer ops that work token by token, llm.c style: each op's forward and backward side by side
// with the same argument order, float32, over n independent rows. LayerNorm and softmax use the
// engine's own arithmetic (engine/ops.h); the linear layers are dense float products (gemm.h) of
// the dequantised weights, which agree with the engine's multiply-free kernels to float rounding.
// Ops along the time axis (conv, SSM, attention) are in sequence_ops.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atome/atome.h"

namespace atome::train {

// ---- ternary quantisation (DESIGN §3): alpha = max(mean |W|, 1e-5), trit = clamp(round(W /
// alpha))

struct Ternary {
  float alpha = 0.0f;
  std::vector<int8_t> trits;    // (rows, cols), row-major
  std::vector<uint8_t> packed;  // engine layout: 2-bit codes, each row starting on a byte
  std::vector<float> dense;     // alpha * trit, (rows, cols): what the forward multiplies by
  std::vector<float> dense_t;   // the same, transposed (cols, rows), for matmul_forward
  uint32_t rows = 0, cols = 0;
  atome_trits view() const;
};

// Round half to even (as torch.round), no libm.
float round_half_even(float x);

void quantize_ternary(Ternary& q, const float* w, uint32_t rows, uint32_t cols);
// The quantiser replaced by the identity (alpha 1, dense = w, no trits): the model becomes a
// smooth function of its weights, which is what the gradient checks need. Tests only.
void identity_ternary(Ternary& q, const float* w, uint32_t rows, uint32_t cols);

// ---- ternary linear with the straight-through estimator
// out (n, rows) = in (n, cols) · (alpha * trit(W))^T; W is (rows, cols) = (out, in).
void ternary_linear_forward(float* out, const float* in, const Ternary& w, size_t n);
// dW += dout^T in (straight through the quantiser: d quantised / dW taken as 1),
// din += dout · alpha * trit(W).
void ternary_linear_backward(float* din, float* dw, const float* dout, const float* in,
                             const Ternary& w, size_t n);

// ---- LayerNorm over the last dimension d; saves mean and rstd per row for the backward.
void layernorm_forward(float* out, float* mean, float* rstd, const float* in, const float* gamma,
                       const float* beta, size_t n, uint32_t d, float eps);
void layernorm_backward(float* din, float* dgamma, float* dbeta, const float* dout, const float* in,
                        const float* gamma, const float* mean, const float* rstd, size_t n,
                        uint32_t d);

// ---- softmax cross-entropy over V classes; returns the summed loss (nats) over n rows and, if
// row_loss is given, each row's loss; dlogits += (softmax - onehot) * scale.
double cross_entropy_forward(float* probs, const float* logits, const uint8_t* targets, size_t n,
                             uint32_t V, double* row_loss = nullptr);
void cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* targets, size_t n,
                            uint32_t V, float scale);

// ---- the training loss of every model: the mean cross-entropy over the n positions (0 without
// targets), and its gradient, written (not added) into dlogits, resized to n x V.
double mean_loss_forward(float* probs, const float* logits, const uint8_t* targets, size_t n,
                         uint32_t V, double* row_loss);
void mean_loss_backward(std::vector<float>& dlogits, const float* probs, const uint8_t* targets,
                        size_t n, uint32_t V);

// ---- ternary embedding: out[i] = alpha * trit(E[token[i]]) (a row copy); backward adds dout
// into the rows of dE that were used (straight through).
void embedding_forward(float* out, const uint8_t* tokens, const Ternary& e, size_t n);
void embedding_backward(float* de, const float* dout, const uint8_t* tokens, size_t n, uint32_t d);

// ---- router and mix (DESIGN §2): r = softmax(router logits) per token, then
// x_out = x_in + r0 * path0 + r1 * path1 + ... added left to right, as the engine does.
// probs arrives holding the router logits (n, P) and leaves holding the softmax.
void router_mix_forward(float* x_out, float* probs, const float* x_in, const float* const* paths,
                        uint32_t n_paths, size_t n, uint32_t d);
// dlogits (n, P) = softmax backward of dr, where dr_p = dot(dx_out, path_p);
// dpaths[p] = r_p * dx_out (overwritten); dx_in is dx_out (the residual) and is not touched here.
void router_mix_backward(float* dlogits, float* const* dpaths, const float* dx_out,
                         const float* probs, const float* const* paths, uint32_t n_paths, size_t n,
                         uint32_t d);

}  // namespace atome::train
