// Trainer ops, llm.c style: each op's forward and backward side by side with the same argument
// order, float32, over a batch of `rows` independent vectors. Forwards use the engine's own
// arithmetic (engine/ops.h, engine/ternary.h), so that a trained model's forward here and the
// engine's on the exported file agree bit for bit.
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
  uint32_t rows = 0, cols = 0;
  atome_trits view() const;
};

// Round half to even (as torch.round), no libm.
float round_half_even(float x);

void quantize_ternary(Ternary& q, const float* w, uint32_t rows, uint32_t cols);

// ---- ternary linear with the straight-through estimator
// out (n, rows_out) = alpha * trit(W) in; W is (out_dim, in_dim) float master weights.
void ternary_linear_forward(float* out, const float* in, const Ternary& w, size_t n);
// dW += dout^T in (straight through the quantiser), din += alpha * trit(W)^T dout.
void ternary_linear_backward(float* din, float* dw, const float* dout, const float* in,
                             const Ternary& w, size_t n);

// ---- LayerNorm over the last dimension d; saves mean and rstd per row for the backward.
void layernorm_forward(float* out, float* mean, float* rstd, const float* in, const float* gamma,
                       const float* beta, size_t n, uint32_t d, float eps);
void layernorm_backward(float* din, float* dgamma, float* dbeta, const float* dout, const float* in,
                        const float* gamma, const float* mean, const float* rstd, size_t n,
                        uint32_t d);

// ---- softmax cross-entropy over V classes; returns the summed loss (nats) over n rows,
// dlogits = (softmax - onehot) * scale.
double cross_entropy_forward(float* probs, const float* logits, const uint8_t* targets, size_t n,
                             uint32_t V);
void cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* targets, size_t n,
                            uint32_t V, float scale);

}  // namespace atome::train
