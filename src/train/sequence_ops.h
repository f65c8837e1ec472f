// Trainer ops along the time axis: the depthwise causal conv, the diagonal SSM scan and top-k
// sparse attention, forward and backward side by side. Activations are (B sequences, T
// positions, width) row-major, i.e. row b * T + t. Sequences are independent, so OpenMP splits
// the batch; gradients of the shared weights are summed per sequence and then added in sequence
// order, so the bits do not depend on the thread count.
//
// The forwards call the engine's own per-position functions (conv_taps in engine/ternary.h,
// ssm_step, attention_scores, top_k_select and softmax in engine/ops.h), so that the only
// difference between a trained model's forward here and the engine's on the exported file is in
// the dense products (gemm.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "train/token_ops.h"

namespace atome::train {

// out[t, c] = alpha * sum over k < K with t - k >= 0 (k = 0 first) of trit(C[c, k]) * h[t-k, c].
void conv_forward(float* out, const float* h, const Ternary& conv, size_t B, size_t T, uint32_t d);
// dh += d out / d h; dconv (d, K) += sum over positions of dout[t, c] * h[t-k, c] (straight
// through the quantiser).
void conv_backward(float* dh, float* dconv, const float* dout, const float* h, const Ternary& conv,
                   size_t B, size_t T, uint32_t d);

// s_t = decay * s_{t-1} + b * h_t (s_{-1} = 0), y_t = c * s_t per channel; decay = tanh(a) is
// computed by the caller (the engine's tanh_f). state (B*T, d) is saved for the backward.
void ssm_forward(float* y, float* state, const float* h, const float* decay, const float* b,
                 const float* c, size_t B, size_t T, uint32_t d);
// Reverse scan. Adds to dh, db, dc and to ddecay (the caller turns it into da = ddecay *
// (1 - decay^2)).
void ssm_backward(float* dh, float* ddecay, float* db, float* dc, const float* dy,
                  const float* state, const float* h, const float* decay, const float* b,
                  const float* c, size_t B, size_t T, uint32_t d);

// Top-k causal attention. q, k (B*T, dh), v (B*T, d). For each position t the scores
// q_t . k_j / sqrt(dh), j <= t, are ranked (ties: the earlier j), the best top_k kept and
// softmaxed: out_t = sum p_i v_{j_i}. Saves the kept positions and their probabilities
// (B*T, top_k) for the backward; a position with fewer than top_k candidates keeps t + 1.
struct AttentionSaved {
  std::vector<uint32_t> index;  // (B*T, top_k) kept j, best first
  std::vector<float> prob;      // (B*T, top_k)
};
void attention_forward(float* out, AttentionSaved& saved, const float* q, const float* k,
                       const float* v, size_t B, size_t T, uint32_t dh, uint32_t d, uint32_t top_k);
// The gradient flows through the kept scores only (the selection itself is piecewise constant).
void attention_backward(float* dq, float* dk, float* dv, const float* dout,
                        const AttentionSaved& saved, const float* q, const float* k, const float* v,
                        size_t B, size_t T, uint32_t dh, uint32_t d, uint32_t top_k);

}  // namespace atome::train
