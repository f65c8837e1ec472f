// The vanilla GPT's own ops (the baseline of docs/RESULTS.md §8), forward and backward side by
// side like ops.h: exact GELU, and dense causal multi-head attention. Activations are (B
// sequences, T positions, width) row-major. Work is split over rows or over (sequence, head)
// pairs, each output written by one thread in a fixed order: bits do not depend on threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace atome::train {

// out = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as PyTorch's nn.GELU() (not the tanh form).
void gelu_forward(float* out, const float* in, size_t n);
// din += dout * (Phi(x) + x * phi(x)).
void gelu_backward(float* din, const float* dout, const float* in, size_t n);

// Causal softmax attention with H heads of width d / H. qkv (B*T, 3d) holds q | k | v, head h
// in columns h*dh .. h*dh+dh-1 of each third. probs (B, H, T, T) keeps the softmax of
// q_t . k_j / sqrt(dh) over j <= t for the backward (entries j > t unused); out is (B*T, d).
void causal_attention_forward(float* out, float* probs, const float* qkv, size_t B, size_t T,
                              uint32_t d, uint32_t heads);
// dqkv (B*T, 3d) += the gradient through scores, softmax and the weighted sum of v.
void causal_attention_backward(float* dqkv, const float* dout, const float* probs, const float* qkv,
                               size_t B, size_t T, uint32_t d, uint32_t heads);

}  // namespace atome::train
