// A decoding session: the state of one token stream, laid out inside the caller's buffer, and
// the Atome v1 block run one position at a time.
//
//   x      = alpha_E * trit(E[token])
//   per block:  h = LayerNorm(x); r = softmax(router(h))
//               local  = depthwise causal conv over the last K h's       (ring buffer, O(1))
//               state  = s = tanh(a) * s + b * h;  y = c * s             (carried state, O(1))
//               sparse = softmax over the top-k of q.k_j / sqrt(d_head), sum of p * v_j
//                                                                         (K/V cache, O(window))
//               x += r0 * local + r1 * state + r2 * sparse
//   logits = unembed(LayerNorm(x))
#include "atome/atome.h"
#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/ternary.h"

// Weights of one block: views into the model image (shapes in comments).
struct LayerWeights {
  const float* norm_gamma;  // (d)
  const float* norm_beta;   // (d)
  atome_trits conv;         // (d, K)
  const float* ssm_a;       // (d) raw; decay = tanh(a)
  const float* ssm_b;       // (d)
  const float* ssm_c;       // (d)
  atome_trits wq;           // (d_head, d)
  atome_trits wk;           // (d_head, d)
  atome_trits wv;           // (d, d)
  atome_trits router;       // (n_paths, d)
};

struct atome_session {
  atome_model model;  // copy of the caller's (small, fixed-size) model view
  uint32_t window;    // attention context W
  uint64_t position;  // tokens fed since reset
  // Ring slots of the current position, position % K and position % W, advanced once per step:
  // no 64-bit division (a library call on cores without a divider) on the per-token path.
  uint32_t conv_slot;
  uint32_t cache_slot;
  float sqrt_d_head;     // score divisor
  LayerWeights* layers;  // (L)
  // Carried state, per layer.
  float* conv_history;  // (L, K, d)  h of the last K positions, slot = position % K
  float* ssm_decay;     // (L, d)     tanh(a), computed once at init
  float* ssm_state;     // (L, d)
  float* key_cache;     // (L, W, d_head)  slot = position % W
  float* value_cache;   // (L, W, d)
  float* router_probs;  // (L, n_paths)  mixture of the last step
  // Scratch for one position.
  float* x;             // (d) residual stream
  float* h;             // (d) normed input of the current block / final-normed output
  float* local;         // (d) conv pathway
  float* ssm_out;       // (d) SSM pathway
  float* sparse;        // (d) attention pathway
  float* q;             // (d_head)
  float* scores;        // (W)
  float* top_score;     // (top_k)
  uint32_t* top_index;  // (top_k)
  float* logits;        // (vocab)
};

namespace {

using namespace atome;

// Bump allocator over the caller's buffer (or a size count when base is null).
struct Carver {
  uint8_t* base;
  uint64_t used;
  template <typename T>
  T* take(uint64_t count) {
    used = (used + ATOME_STATE_ALIGN - 1) & ~static_cast<uint64_t>(ATOME_STATE_ALIGN - 1);
    T* p = base ? reinterpret_cast<T*>(base + used) : nullptr;
    used += count * sizeof(T);
    return p;
  }
};

// Lays out every array of the session after the session struct itself and returns the bytes
// needed. With base == nullptr it only counts: the pointers then go to a scratch struct.
uint64_t layout(const atome_config& c, uint32_t window, uint8_t* base) {
  Carver carve{base, 0};
  atome_session* head = carve.take<atome_session>(1);
  atome_session sizing_only;
  atome_session* out = base != nullptr ? head : &sizing_only;
  const uint64_t d = c.d_model, L = c.n_layers, W = window;
  const bool conv = c.pathways & ATOME_PATH_CONV;
  const bool ssm = c.pathways & ATOME_PATH_SSM;
  const bool attn = c.pathways & ATOME_PATH_ATTN;
  out->layers = carve.take<LayerWeights>(L);
  out->conv_history = carve.take<float>(conv ? L * c.conv_kernel * d : 0);
  out->ssm_decay = carve.take<float>(ssm ? L * d : 0);
  out->ssm_state = carve.take<float>(ssm ? L * d : 0);
  out->key_cache = carve.take<float>(attn ? L * W * c.d_head : 0);
  out->value_cache = carve.take<float>(attn ? L * W * d : 0);
  out->router_probs = carve.take<float>(L * c.n_paths);
  out->x = carve.take<float>(d);
  out->h = carve.take<float>(d);
  out->local = carve.take<float>(d);
  out->ssm_out = carve.take<float>(d);
  out->sparse = carve.take<float>(d);
  out->q = carve.take<float>(attn ? c.d_head : 0);
  out->scores = carve.take<float>(attn ? W : 0);
  out->top_score = carve.take<float>(attn ? c.top_k : 0);
  out->top_index = carve.take<uint32_t>(attn ? c.top_k : 0);
  out->logits = carve.take<float>(c.vocab_size);
  return carve.used;
}

void bind_layers(atome_session* s) {
  using namespace atome::format;
  const atome_model& m = s->model;
  const atome_config& c = m.config;
  const uint32_t per_block = tensors_per_block(c.pathways);
  auto floats = [&](uint32_t index) { return tensor_floats(m, index); };
  auto trits = [&](uint32_t index) { return tensor_trits(m, index); };
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    LayerWeights& lw = s->layers[l];
    __builtin_memset(&lw, 0, sizeof lw);
    uint32_t t = 1u + l * per_block;
    lw.norm_gamma = floats(t++);
    lw.norm_beta = floats(t++);
    if (c.pathways & ATOME_PATH_CONV) lw.conv = trits(t++);
    if (c.pathways & ATOME_PATH_SSM) {
      lw.ssm_a = floats(t++);
      lw.ssm_b = floats(t++);
      lw.ssm_c = floats(t++);
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      lw.wq = trits(t++);
      lw.wk = trits(t++);
      lw.wv = trits(t++);
    }
    lw.router = trits(t++);
  }
}

// ---- the three pathways ----------------------------------------------------------------------

// local[c] = alpha * sum over lags k (0 = current) of trit(C[c, k]) * h_{t-k}[c], for t-k >= 0.
void conv_forward(atome_session* s, uint32_t layer) {
  const atome_config& c = s->model.config;
  const LayerWeights& lw = s->layers[layer];
  const uint32_t d = c.d_model, K = c.conv_kernel;
  float* history = s->conv_history + static_cast<uint64_t>(layer) * K * d;
  const uint32_t slot = s->conv_slot;
  __builtin_memcpy(history + static_cast<uint64_t>(slot) * d, s->h, d * sizeof(float));
  const uint32_t taps = s->position + 1 < K ? static_cast<uint32_t>(s->position + 1) : K;
  // Where each lag's h lives (k = 0: the current token), resolved once instead of per channel.
  const float* lag_h[format::kMaxConvKernel];
  uint32_t lag_slot = slot;
  for (uint32_t k = 0; k < taps; ++k) {
    lag_h[k] = history + static_cast<uint64_t>(lag_slot) * d;
    lag_slot = lag_slot == 0 ? K - 1 : lag_slot - 1;
  }
  conv_taps(s->local, lw.conv, lag_h, taps);
}

// s = tanh(a) * s + b * h;  y = c * s.
void ssm_forward(atome_session* s, uint32_t layer) {
  const uint32_t d = s->model.config.d_model;
  const LayerWeights& lw = s->layers[layer];
  const float* decay = s->ssm_decay + static_cast<uint64_t>(layer) * d;
  float* state = s->ssm_state + static_cast<uint64_t>(layer) * d;
  ssm_step(s->ssm_out, state, state, s->h, decay, lw.ssm_b, lw.ssm_c, d);
}

// Top-k attention over the cached keys of the last min(position + 1, W) tokens.
void attention_forward(atome_session* s, uint32_t layer) {
  const atome_config& c = s->model.config;
  const LayerWeights& lw = s->layers[layer];
  const uint32_t d = c.d_model, dh = c.d_head, W = s->window;
  float* keys = s->key_cache + static_cast<uint64_t>(layer) * W * dh;
  float* values = s->value_cache + static_cast<uint64_t>(layer) * W * d;
  const uint32_t slot = s->cache_slot;
  ternary_matvec(s->q, lw.wq, s->h);
  ternary_matvec(keys + static_cast<uint64_t>(slot) * dh, lw.wk, s->h);
  ternary_matvec(values + static_cast<uint64_t>(slot) * d, lw.wv, s->h);

  // Scores oldest first, so that "earlier position wins ties" is "lower index wins". The kept
  // positions occupy slots [oldest, W) then [0, slot] once the ring has wrapped.
  const uint32_t n = s->position + 1 < W ? static_cast<uint32_t>(s->position + 1) : W;
  const uint32_t oldest = n < W ? 0 : (slot + 1 == W ? 0 : slot + 1);
  const uint32_t first_run = oldest + n <= W ? n : W - oldest;
  attention_scores(s->scores, s->q, keys + static_cast<uint64_t>(oldest) * dh, first_run, dh,
                   s->sqrt_d_head);
  if (first_run < n)
    attention_scores(s->scores + first_run, s->q, keys, n - first_run, dh, s->sqrt_d_head);
  const uint32_t kept = top_k_select(s->scores, n, c.top_k, s->top_index, s->top_score);
  softmax(s->top_score, kept);
  for (uint32_t ch = 0; ch < d; ++ch) s->sparse[ch] = 0.0f;
  for (uint32_t i = 0; i < kept; ++i) {
    uint32_t sl = oldest + s->top_index[i];
    if (sl >= W) sl -= W;
    const float p = s->top_score[i];
    const float* v = values + static_cast<uint64_t>(sl) * d;
    for (uint32_t ch = 0; ch < d; ++ch) s->sparse[ch] += p * v[ch];
  }
}

void step(atome_session* s, uint32_t token, bool want_logits) {
  const atome_model& m = s->model;
  const atome_config& c = m.config;
  const uint32_t d = c.d_model;

  // Embedding row: +-alpha or 0 per element (no multiply).
  const uint8_t* erow = m.embed.data + static_cast<uint64_t>(token) * m.embed.row_bytes;
  for (uint32_t i = 0; i < d; ++i) s->x[i] = apply_trit(m.embed.scale, trit_code(erow, i));

  for (uint32_t l = 0; l < c.n_layers; ++l) {
    const LayerWeights& lw = s->layers[l];
    layer_norm(s->h, s->x, lw.norm_gamma, lw.norm_beta, d, c.norm_eps);
    float* r = s->router_probs + static_cast<uint64_t>(l) * c.n_paths;
    ternary_matvec(r, lw.router, s->h);
    softmax(r, c.n_paths);
    if (c.pathways & ATOME_PATH_CONV) conv_forward(s, l);
    if (c.pathways & ATOME_PATH_SSM) ssm_forward(s, l);
    if (c.pathways & ATOME_PATH_ATTN) attention_forward(s, l);
    // x += r0 * local + r1 * state + r2 * sparse, added left to right, present pathways only.
    uint32_t p = 0;
    if (c.pathways & ATOME_PATH_CONV) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) s->x[i] = s->x[i] + w * s->local[i];
    }
    if (c.pathways & ATOME_PATH_SSM) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) s->x[i] = s->x[i] + w * s->ssm_out[i];
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      const float w = r[p++];
      for (uint32_t i = 0; i < d; ++i) s->x[i] = s->x[i] + w * s->sparse[i];
    }
  }
  layer_norm(s->h, s->x, m.final_gamma, m.final_beta, d, c.norm_eps);
  if (want_logits) ternary_matvec(s->logits, m.unembed, s->h);
  s->position += 1;
  if (c.pathways & ATOME_PATH_CONV)
    s->conv_slot = s->conv_slot + 1 == c.conv_kernel ? 0 : s->conv_slot + 1;
  s->cache_slot = s->cache_slot + 1 == s->window ? 0 : s->cache_slot + 1;
}

}  // namespace

extern "C" {

size_t atome_state_bytes(const atome_model* model, uint32_t window) {
  if (model == nullptr || model->image == nullptr) return 0;
  if (window == 0 || window > ATOME_MAX_WINDOW) return 0;
  const uint64_t bytes = layout(model->config, window, nullptr);
  if (bytes > static_cast<uint64_t>(static_cast<size_t>(-1))) return 0;
  return static_cast<size_t>(bytes);
}

atome_status atome_session_init(atome_session** session, const atome_model* model, uint32_t window,
                                void* buffer, size_t buffer_bytes) {
  if (session == nullptr || model == nullptr || buffer == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  *session = nullptr;
  if (model->image == nullptr) return ATOME_ERR_BAD_ARGUMENT;
  if (window == 0 || window > ATOME_MAX_WINDOW) return ATOME_ERR_BAD_WINDOW;
  if ((reinterpret_cast<uintptr_t>(buffer) & (ATOME_STATE_ALIGN - 1)) != 0)
    return ATOME_ERR_MISALIGNED;
  // The window is valid, so 0 here means the state's size does not fit in size_t.
  const size_t need = atome_state_bytes(model, window);
  if (need == 0) return ATOME_ERR_STATE_TOO_LARGE;
  if (buffer_bytes < need) return ATOME_ERR_BUFFER_TOO_SMALL;
  uint8_t* base = static_cast<uint8_t*>(buffer);
  atome_session* s = reinterpret_cast<atome_session*>(base);
  layout(model->config, window, base);
  s->model = *model;
  s->window = window;
  const atome_config& c = model->config;
  s->sqrt_d_head = (c.pathways & ATOME_PATH_ATTN) ? sqrt_f(static_cast<float>(c.d_head)) : 1.0f;
  bind_layers(s);
  if (c.pathways & ATOME_PATH_SSM) {
    for (uint32_t l = 0; l < c.n_layers; ++l) {
      for (uint32_t i = 0; i < c.d_model; ++i) {
        s->ssm_decay[static_cast<uint64_t>(l) * c.d_model + i] = tanh_f(s->layers[l].ssm_a[i]);
      }
    }
  }
  atome_session_reset(s);
  *session = s;
  return ATOME_OK;
}

void atome_session_reset(atome_session* s) {
  if (s == nullptr) return;
  const atome_config& c = s->model.config;
  // Every size below fits size_t: atome_session_init checked the whole layout does.
  const size_t d = c.d_model, L = c.n_layers, W = s->window, f = sizeof(float);
  s->position = 0;
  s->conv_slot = 0;
  s->cache_slot = 0;
  if (c.pathways & ATOME_PATH_CONV) __builtin_memset(s->conv_history, 0, L * c.conv_kernel * d * f);
  if (c.pathways & ATOME_PATH_SSM) __builtin_memset(s->ssm_state, 0, L * d * f);
  if (c.pathways & ATOME_PATH_ATTN) {
    __builtin_memset(s->key_cache, 0, L * W * c.d_head * f);
    __builtin_memset(s->value_cache, 0, L * W * d * f);
  }
  __builtin_memset(s->router_probs, 0, L * c.n_paths * f);
  __builtin_memset(s->h, 0, d * f);
}

atome_status atome_step(atome_session* s, uint32_t token, const float** logits) {
  if (s == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (token >= s->model.config.vocab_size) return ATOME_ERR_BAD_TOKEN;
  step(s, token, true);
  if (logits != nullptr) *logits = s->logits;
  return ATOME_OK;
}

atome_status atome_step_no_logits(atome_session* s, uint32_t token) {
  if (s == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (token >= s->model.config.vocab_size) return ATOME_ERR_BAD_TOKEN;
  step(s, token, false);
  return ATOME_OK;
}

uint64_t atome_session_position(const atome_session* s) {
  return s ? s->position : 0;
}

const float* atome_session_router(const atome_session* s, uint32_t layer) {
  if (s == nullptr || s->position == 0 || layer >= s->model.config.n_layers) return nullptr;
  return s->router_probs + static_cast<uint64_t>(layer) * s->model.config.n_paths;
}

atome_status atome_session_class_logits(const atome_session* s, float* out, uint32_t out_len) {
  if (s == nullptr || out == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (s->model.config.n_classes == 0) return ATOME_ERR_NOT_CLASSIFIER;
  if (s->position == 0) return ATOME_ERR_NO_TOKENS;
  if (out_len < s->model.config.n_classes) return ATOME_ERR_BUFFER_TOO_SMALL;
  ternary_matvec(out, s->model.head, s->h);
  return ATOME_OK;
}

}  // extern "C"
