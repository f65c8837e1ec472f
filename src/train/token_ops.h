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
  // trit (cols, rows) transposed, unscaled: the integer matvec of a fake-quantised input is then
  // an exact float sum (|sum| <= 127 * cols < 2^24), scaled once per row as the engine does.
  // The identity quantiser: its float weights (alpha 1).
  std::vector<float> unit_t;
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

// ---- activation fake quantisation (quantisation-aware training for a8 / q15 files)
//
// The input of a ternary linear, quantised per row (token) as the engine quantises it, kept in
// three forms: q (integer values in [-127, 127], as floats), scale (per row: the real value of one
// unit, so that q * scale is the quantised input) and deq = q * scale (what the backward uses).
//   a8  (forward_f32.cpp): m = max|x|; q = RoundClip(x * (127 / m)) half away from zero;
//       scale = m / 127. The engine's output is float(W~ q) * (alpha * scale): the same here.
//   q15 (fixed::quantize_h): x is already on the Q8 grid (round_to_q8); the engine's integer
//       absmax with its rounding; scale = deq / 2^24.
// The backward is the straight-through estimator: d deq / dx is taken as 1 everywhere (BitNet's
// x + (quant(x) - x).detach()). The scale is held constant (no gradient through max|x|), and the
// clamp never binds (|x| <= m gives |q| <= 127 before rounding), so nothing is cut off.
struct QuantInput {
  std::vector<float> q, scale, deq;
};
void fake_quant_a8(QuantInput& out, const float* in, size_t n, uint32_t cols);
void fake_quant_q15(QuantInput& out, const float* in, size_t n, uint32_t cols);
// out (n, rows) = (W~ q) * (alpha * scale) per row, the matvec exact. The backward is
// ternary_linear_backward with in = deq (weight gradient at the quantised point; input gradient
// straight through).
void ternary_linear_forward_q(float* out, const QuantInput& in, const Ternary& w, size_t n);

// q15's h: LayerNorm's output in Q8 (int16): x -> floor(x * 256 + 1/2) / 256, saturated to
// [-128, 32767 / 256]. In place; straight through in the backward.
void round_to_q8(float* x, size_t count);
// q15's attention q, k, v: each row (width values) to Q16 (rounded half up, saturated to
// +-2048), then the engine's power-of-two int8 quantisation (fixed::quantize_pow2); the row
// becomes q8 * 2^e / 2^16. In place; straight through in the backward.
void fake_quant_pow2(float* x, size_t n, uint32_t width);
// q15's SSM decay: tanh(a) (the engine's tanh_f) as the converter stores it, round(2^15 tanh(a))
// clamped to +-32767, over 2^15.
float decay_q15(float a);

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
