// The classifier head's ops (DESIGN §8: the block with a class head on the LAST position), llm.c
// style: each forward beside its backward, float32, the same argument order. The head itself is a
// ternary linear (token_ops.h); what is new is which rows it reads and the loss it feeds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "train/token_ops.h"

namespace atome::train {

// ---- last position of every sequence: out (B, d) = in rows b*T + T-1 of in (B*T, d).
// The backward adds dout into those rows of din and leaves the others alone: only the last
// position's hidden state reaches the head, so only it receives the head's gradient.
void last_token_forward(float* out, const float* in, size_t B, size_t T, uint32_t d);
void last_token_backward(float* din, const float* dout, size_t B, size_t T, uint32_t d);
// The same gather for a fake-quantised input (q, scale, deq), so that the head's matvec sees the
// row the engine's h8 holds.
void last_token_quant(QuantInput& out, const QuantInput& in, size_t B, size_t T, uint32_t d);

// ---- class-weighted cross-entropy over C classes, the weighted mean over the n rows:
//   loss = sum_i w[y_i] * CE_i / sum_i w[y_i]          (PyTorch's weighted "mean" reduction)
// so that a rare class counts as much as a common one in total. Returns the loss; row_loss (n),
// if given, gets each row's unweighted CE. probs (n, C) keeps the softmax for the backward.
// A batch whose weights sum to 0 has loss 0 (and no gradient).
// Label smoothing s (--label-smoothing, default 0): each row's target is (1 - s) onehot + s / C,
// so CE_i = (1 - s) (-log p_y) + s * mean_k (-log p_k); row_loss keeps the plain -log p_y (what
// validation and early stopping read).
double weighted_cross_entropy_forward(float* probs, const float* logits, const uint8_t* labels,
                                      const float* class_weight, size_t n, uint32_t C,
                                      double* row_loss, float smoothing = 0.0f);
// dlogits (n, C) = w[y_i] / sum w * (softmax - target), overwritten.
void weighted_cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* labels,
                                     const float* class_weight, size_t n, uint32_t C,
                                     float smoothing = 0.0f);

}  // namespace atome::train
