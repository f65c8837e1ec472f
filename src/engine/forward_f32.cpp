// One token through an f32 or a8 model (the Atome v1 block, one position at a time):
//
//   x      = alpha_E * trit(E[token])
//   per block:  h = LayerNorm(x); r = softmax(router(h))
//               local  = depthwise causal conv over the last K h's       (ring buffer, O(1))
//               state  = s = tanh(a) * s + b * h;  y = c * s             (carried state, O(1))
//               sparse = softmax over the top-k of q.k_j / sqrt(d_head), sum of p * v_j
//                                                                         (K/V cache, O(window))
//               x += r0 * local + r1 * state + r2 * sparse
//   logits = unembed(LayerNorm(x))
//
// a8 differs in one place, the ternary linears (router, q, k, v, unembed, head): their input is
// quantised per token to int8 (absmax) and the matvec is an int32 sum (FORMAT.md §16.3).
#include "engine/build_config.h"

#if ATOME_FLOAT_PATH

#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/session.h"
#include "engine/ternary.h"
#include "engine/ternary_i8.h"
#include "engine/trit3.h"

namespace atome {
namespace {

// a8: h8 = RoundClip(h * (127 / max|h|), -127, 127), rounding half away from zero; remembers
// max|h| for the output scale. Prepares the int8 input for the kernel.
void quantize_input_a8(atome_session* s, const float* h, uint32_t n, TernaryInput* in) {
  float m = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    const float a = bits_float(float_bits(h[i]) & 0x7FFFFFFFu);
    m = a > m ? a : m;
  }
  s->f.h_absmax = m;
  const float inv = m > 0.0f ? 127.0f / m : 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    // Clamped before the conversion: a float model can overflow to inf (then v is +-inf or,
    // with m = inf, NaN: 0), and converting those to int is undefined.
    const float v = h[i] * inv;
    int32_t q = 0;
    if (v >= 127.0f)
      q = 127;
    else if (v <= -127.0f)
      q = -127;
    else if (v == v)
      q = static_cast<int32_t>(v + (v >= 0.0f ? 0.5f : -0.5f));
    s->h8[i] = static_cast<int8_t>(q);
  }
  ternary_input_prepare(in, s->h8, n, s->ternary_input_scratch);
}

// A ternary linear on the current block input: out = W h (f32), or, for a8,
// out[r] = float(acc[r]) * (alpha * (max|h| / 127)).
void linear(atome_session* s, float* out, const atome_trits& w, const TernaryInput& in) {
  if (s->model.config.numerics != ATOME_NUMERICS_A8) {
    ternary_matvec(out, w, s->f.h);
    return;
  }
  ternary_matvec_i8(s->acc, w, in);
  const float scale = w.scale * (s->f.h_absmax / 127.0f);
  for (uint32_t r = 0; r < w.rows; ++r) out[r] = static_cast<float>(s->acc[r]) * scale;
}

// local[c] = alpha * sum over lags k (0 = current) of trit(C[c, k]) * h_{t-k}[c], for t-k >= 0.
void conv_forward(atome_session* s, uint32_t layer) {
  const atome_config& c = s->model.config;
  const LayerWeights& lw = s->layers[layer];
  const uint32_t d = c.d_model, K = c.conv_kernel;
  float* history = s->f.conv_history + static_cast<uint64_t>(layer) * K * d;
  const float* lag_h[format::kMaxConvKernel];
  const uint32_t taps = conv_push(history, s->f.h, d, K, s->conv_slot, s->position, lag_h);
  conv_taps(s->f.local, lw.conv, lag_h, taps);
}

// s = tanh(a) * s + b * h;  y = c * s.
void ssm_forward(atome_session* s, uint32_t layer) {
  const uint32_t d = s->model.config.d_model;
  const LayerWeights& lw = s->layers[layer];
  const float* decay = s->f.ssm_decay + static_cast<uint64_t>(layer) * d;
  float* state = s->f.ssm_state + static_cast<uint64_t>(layer) * d;
  ssm_step(s->f.ssm_out, state, state, s->f.h, decay, lw.ssm_b, lw.ssm_c, d);
}

// Top-k attention over the cached keys of the last min(position + 1, W) tokens.
void attention_forward(atome_session* s, uint32_t layer, const TernaryInput& in) {
  const atome_config& c = s->model.config;
  const LayerWeights& lw = s->layers[layer];
  const uint32_t d = c.d_model, dh = c.d_head, W = s->window;
  float* keys = s->f.key_cache + static_cast<uint64_t>(layer) * W * dh;
  float* values = s->f.value_cache + static_cast<uint64_t>(layer) * W * d;
  const uint32_t slot = s->cache_slot;
  linear(s, s->f.q, lw.wq, in);
  linear(s, keys + static_cast<uint64_t>(slot) * dh, lw.wk, in);
  linear(s, values + static_cast<uint64_t>(slot) * d, lw.wv, in);

  // Scores oldest first, so that "earlier position wins ties" is "lower index wins". The kept
  // positions occupy slots [oldest, W) then [0, slot] once the ring has wrapped.
  const uint32_t n = s->position + 1 < W ? static_cast<uint32_t>(s->position + 1) : W;
  const uint32_t oldest = n < W ? 0 : (slot + 1 == W ? 0 : slot + 1);
  const uint32_t first_run = oldest + n <= W ? n : W - oldest;
  attention_scores(s->f.scores, s->f.q, keys + static_cast<uint64_t>(oldest) * dh, first_run, dh,
                   s->sqrt_d_head);
  if (first_run < n)
    attention_scores(s->f.scores + first_run, s->f.q, keys, n - first_run, dh, s->sqrt_d_head);
  const uint32_t kept = top_k_select(s->f.scores, n, c.top_k, s->top_index, s->f.top_score);
  softmax(s->f.top_score, kept);
  float* sparse = s->f.sparse;
  for (uint32_t ch = 0; ch < d; ++ch) sparse[ch] = 0.0f;
  for (uint32_t i = 0; i < kept; ++i) {
    uint32_t sl = oldest + s->top_index[i];
    if (sl >= W) sl -= W;
    const float p = s->f.top_score[i];
    const float* v = values + static_cast<uint64_t>(sl) * d;
    for (uint32_t ch = 0; ch < d; ++ch) sparse[ch] += p * v[ch];
  }
}

}  // namespace

void forward_f32(atome_session* s, uint32_t token, bool want_logits) {
  const atome_model& m = s->model;
  const atome_config& c = m.config;
  const uint32_t d = c.d_model;
  const bool a8 = c.numerics == ATOME_NUMERICS_A8;
  float* x = s->f.x;
  TernaryInput in{};

  // Embedding row: +-alpha or 0 per element (no multiply).
  const uint8_t* erow = m.embed.data + static_cast<uint64_t>(token) * m.embed.row_bytes;
  const float alpha = m.embed.scale;
  each_trit_code(erow, m.embed.packing, d,
                 [x, alpha](uint32_t i, uint32_t code) { x[i] = apply_trit(alpha, code); });

  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const LayerWeights& lw = s->layers[l];
    layer_norm(s->f.h, x, lw.norm_gamma, lw.norm_beta, d, c.norm_eps);
    if (a8) quantize_input_a8(s, s->f.h, d, &in);
    float* r = s->router_probs + static_cast<uint64_t>(l) * c.n_paths;
    linear(s, r, lw.router, in);
    softmax(r, c.n_paths);
    if (c.pathways & ATOME_PATH_CONV) conv_forward(s, l);
    if (c.pathways & ATOME_PATH_SSM) ssm_forward(s, l);
    if (c.pathways & ATOME_PATH_ATTN) attention_forward(s, l, in);
    // x += r0 * local + r1 * state + r2 * sparse, added left to right, present pathways only.
    uint32_t p = 0;
    if (c.pathways & ATOME_PATH_CONV) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + w * s->f.local[i];
    }
    if (c.pathways & ATOME_PATH_SSM) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + w * s->f.ssm_out[i];
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + w * s->f.sparse[i];
    }
  }
  layer_norm(s->f.h, x, m.final_gamma, m.final_beta, d, c.norm_eps);
  // a8 quantises the final h even without logits: the class head reads h8.
  if (a8) quantize_input_a8(s, s->f.h, d, &in);
  if (want_logits) linear(s, s->logits, m.unembed, in);
}

// Head logits of an f32 / a8 session's last token.
void class_logits_f32(atome_session* s, float* out) {
  TernaryInput in{};
  if (s->model.config.numerics == ATOME_NUMERICS_A8)
    ternary_input_prepare(&in, s->h8, s->model.config.d_model, s->ternary_input_scratch);
  linear(s, out, s->model.head, in);
}

}  // namespace atome

#endif  // ATOME_FLOAT_PATH
