// A decoding session: the state of one token stream, laid out inside the caller's buffer
// (engine/session.h), and the C API over it. The forward passes are forward_f32.cpp (f32, a8)
// and forward_q15.cpp (q15).
#include "engine/session.h"

#include "atome/atome.h"
#include "engine/build_config.h"
#include "engine/fixed.h"
#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/ternary_i8.h"

// Integer-only build on a hard-float Arm core: keep GCC off the FPU's registers, which it would
// otherwise use to move and spill 64-bit integers (vldr/vpush d8), so that q15 firmware runs no
// VFP instruction. After the includes, so that numerics.h's float helpers are compiled as usual.
#if !ATOME_FLOAT_PATH && defined(__ARM_FP) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("general-regs-only")
#endif

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
  const bool q15 = c.numerics == ATOME_NUMERICS_Q15;
  const bool int8_inputs = c.numerics != ATOME_NUMERICS_F32;
  out->layers = carve.take<LayerWeights>(L);
  out->top_index = carve.take<uint32_t>(attn ? c.top_k : 0);
  // Float router and logits: always for f32 / a8; for q15 only where the float API exists.
  const bool floats = !q15 || ATOME_FLOAT_PATH;
  out->router_probs = carve.take<float>(floats ? L * c.n_paths : 0);
  out->logits = carve.take<float>(floats ? c.vocab_size : 0);
  out->h8 = carve.take<int8_t>(int8_inputs ? d : 0);
  out->ternary_input_scratch =
      carve.take<uint8_t>(int8_inputs ? ternary_input_scratch_bytes(c.d_model) : 0);
  uint64_t rows = c.vocab_size > d ? c.vocab_size : d;
  rows = c.n_classes > rows ? c.n_classes : rows;
  out->acc = carve.take<int32_t>(int8_inputs ? rows : 0);
  __builtin_memset(&out->f, 0, sizeof out->f);
  __builtin_memset(&out->q, 0, sizeof out->q);
  if (!q15) {
    FloatState& f = out->f;
    f.conv_history = carve.take<float>(conv ? L * c.conv_kernel * d : 0);
    f.ssm_decay = carve.take<float>(ssm ? L * d : 0);
    f.ssm_state = carve.take<float>(ssm ? L * d : 0);
    f.key_cache = carve.take<float>(attn ? L * W * c.d_head : 0);
    f.value_cache = carve.take<float>(attn ? L * W * d : 0);
    f.x = carve.take<float>(d);
    f.h = carve.take<float>(d);
    f.local = carve.take<float>(d);
    f.ssm_out = carve.take<float>(d);
    f.sparse = carve.take<float>(d);
    f.q = carve.take<float>(attn ? c.d_head : 0);
    f.scores = carve.take<float>(attn ? W : 0);
    f.top_score = carve.take<float>(attn ? c.top_k : 0);
  } else {
    FixedState& q = out->q;
    q.conv_history = carve.take<int16_t>(conv ? L * c.conv_kernel * d : 0);
    q.ssm_state = carve.take<int32_t>(ssm ? L * d : 0);
    q.key_cache = carve.take<int8_t>(attn ? L * W * c.d_head : 0);
    q.key_exp = carve.take<uint8_t>(attn ? L * W : 0);
    q.value_cache = carve.take<int8_t>(attn ? L * W * d : 0);
    q.value_exp = carve.take<uint8_t>(attn ? L * W : 0);
    q.router = carve.take<int32_t>(L * c.n_paths);
    q.x = carve.take<int32_t>(d);
    q.h = carve.take<int16_t>(d);
    q.local = carve.take<int32_t>(d);
    q.ssm_out = carve.take<int32_t>(d);
    q.sparse = carve.take<int32_t>(d);
    q.sparse_acc = carve.take<int64_t>(attn ? d : 0);
    q.q = carve.take<int32_t>(attn ? c.d_head : 0);
    q.q8 = carve.take<int8_t>(attn ? c.d_head : 0);
    q.scores = carve.take<int64_t>(attn ? W : 0);
    q.top_score = carve.take<int64_t>(attn ? c.top_k : 0);
    q.top_prob = carve.take<int32_t>(attn ? c.top_k : 0);
    q.logits = carve.take<int32_t>(c.vocab_size);
  }
  return carve.used;
}

void bind_layers(atome_session* s) {
  using namespace atome::format;
  const atome_model& m = s->model;
  const atome_config& c = m.config;
  const bool q15 = c.numerics == ATOME_NUMERICS_Q15;
  const uint32_t per_block = tensors_per_block(c.pathways);
  auto floats = [&](uint32_t index) { return q15 ? nullptr : tensor_floats(m, index); };
  const bool compact = is_compact(m);
  auto ints = [&](uint32_t index) { return q15 && !compact ? tensor_ints(m, index) : nullptr; };
  auto shifted = [&](uint32_t index) {
    ShiftedI16 v{nullptr, 0};
#if ATOME_WITH_COMPACT
    if (compact) v.v = tensor_i16(m, index, &v.shift);
#else
    (void)index;
#endif
    return v;
  };
  auto trits = [&](uint32_t index) { return tensor_trits(m, index); };
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    LayerWeights& lw = s->layers[l];
    __builtin_memset(&lw, 0, sizeof lw);
    uint32_t t = 1u + l * per_block;
    lw.norm_gamma = floats(t);
    lw.norm_gamma_c = shifted(t);
    lw.norm_gamma_q = ints(t++);
    lw.norm_beta = floats(t);
    lw.norm_beta_c = shifted(t);
    lw.norm_beta_q = ints(t++);
    if (c.pathways & ATOME_PATH_CONV) lw.conv = trits(t++);
    if (c.pathways & ATOME_PATH_SSM) {
      lw.ssm_a = floats(t);
      lw.ssm_decay_c = shifted(t);
      lw.ssm_decay_q = ints(t++);
      lw.ssm_b = floats(t);
      lw.ssm_b_c = shifted(t);
      lw.ssm_b_q = ints(t++);
      lw.ssm_c = floats(t);
      lw.ssm_c_c = shifted(t);
      lw.ssm_c_q = ints(t++);
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      lw.wq = trits(t++);
      lw.wk = trits(t++);
      lw.wv = trits(t++);
    }
    lw.router = trits(t++);
  }
  const uint32_t after_blocks = 1u + c.n_layers * per_block;
  s->final_gamma_c = shifted(after_blocks);
  s->final_beta_c = shifted(after_blocks + 1);
}

// One token through the model, then the position and ring slots advance.
void step(atome_session* s, uint32_t token, bool want_logits) {
  const atome_config& c = s->model.config;
  if (c.numerics == ATOME_NUMERICS_Q15) {
    forward_q15(s, token, want_logits);
#if ATOME_FLOAT_PATH
    // The float view of the router, for atome_session_router (host tools); the float logits
    // are atome_step's alone, so atome_step_q16 does not pay for them.
    for (uint32_t i = 0; i < c.n_layers * c.n_paths; ++i)
      s->router_probs[i] = static_cast<float>(s->q.router[i]) / 32768.0f;
#endif
  } else {
#if ATOME_FLOAT_PATH
    forward_f32(s, token, want_logits);
#endif
  }
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
  bind_layers(s);
  if (c.numerics == ATOME_NUMERICS_Q15) {
    // floor(2^16 / sqrt(d_head)) = floor(sqrt(floor(2^32 / d_head))), exactly.
    if (c.pathways & ATOME_PATH_ATTN)
      s->q.inv_sqrt_d_head = fixed::isqrt64((uint64_t{1} << 32) / c.d_head);
  } else {
#if ATOME_FLOAT_PATH
    s->sqrt_d_head = (c.pathways & ATOME_PATH_ATTN) ? sqrt_f(static_cast<float>(c.d_head)) : 1.0f;
    if (c.pathways & ATOME_PATH_SSM) {
      for (uint32_t l = 0; l < c.n_layers; ++l) {
        for (uint32_t i = 0; i < c.d_model; ++i) {
          s->f.ssm_decay[static_cast<uint64_t>(l) * c.d_model + i] = tanh_f(s->layers[l].ssm_a[i]);
        }
      }
    }
#else
    return ATOME_ERR_UNSUPPORTED;  // the loader refuses these already; a hand-built model too
#endif
  }
  atome_session_reset(s);
  *session = s;
  return ATOME_OK;
}

void atome_session_reset(atome_session* s) {
  if (s == nullptr) return;
  const atome_config& c = s->model.config;
  // Every size below fits size_t: atome_session_init checked the whole layout does.
  const size_t d = c.d_model, L = c.n_layers, W = s->window, K = c.conv_kernel, dh = c.d_head;
  const bool conv = c.pathways & ATOME_PATH_CONV;
  const bool ssm = c.pathways & ATOME_PATH_SSM;
  const bool attn = c.pathways & ATOME_PATH_ATTN;
  s->position = 0;
  s->conv_slot = 0;
  s->cache_slot = 0;
  if (c.numerics == ATOME_NUMERICS_Q15) {
    FixedState& q = s->q;
    if (conv) __builtin_memset(q.conv_history, 0, L * K * d * sizeof(int16_t));
    if (ssm) __builtin_memset(q.ssm_state, 0, L * d * sizeof(int32_t));
    if (attn) {
      __builtin_memset(q.key_cache, 0, L * W * dh);
      __builtin_memset(q.key_exp, 0, L * W);
      __builtin_memset(q.value_cache, 0, L * W * d);
      __builtin_memset(q.value_exp, 0, L * W);
    }
    __builtin_memset(q.router, 0, L * c.n_paths * sizeof(int32_t));
    __builtin_memset(q.h, 0, d * sizeof(int16_t));
  } else {
    FloatState& f = s->f;
    if (conv) __builtin_memset(f.conv_history, 0, L * K * d * sizeof(float));
    if (ssm) __builtin_memset(f.ssm_state, 0, L * d * sizeof(float));
    if (attn) {
      __builtin_memset(f.key_cache, 0, L * W * dh * sizeof(float));
      __builtin_memset(f.value_cache, 0, L * W * d * sizeof(float));
    }
    __builtin_memset(f.h, 0, d * sizeof(float));
  }
  // (Arrays of a size 0 still have an address: test the config, not the pointer.)
  if (c.numerics != ATOME_NUMERICS_Q15 || ATOME_FLOAT_PATH)
    __builtin_memset(s->router_probs, 0, L * c.n_paths * sizeof(float));
  if (c.numerics != ATOME_NUMERICS_F32) __builtin_memset(s->h8, 0, d);
}

atome_status atome_step(atome_session* s, uint32_t token, const float** logits) {
  if (s == nullptr) return ATOME_ERR_NULL_ARGUMENT;
#if !ATOME_FLOAT_PATH
  (void)token;
  (void)logits;
  return ATOME_ERR_UNSUPPORTED;  // integer-only build: atome_step_q16
#else
  const atome_config& c = s->model.config;
  if (token >= c.vocab_size) return ATOME_ERR_BAD_TOKEN;
  if (c.no_unembed) return ATOME_ERR_NO_UNEMBED;
  step(s, token, true);
  if (c.numerics == ATOME_NUMERICS_Q15) {  // the float view of the Q16 logits
    for (uint32_t i = 0; i < c.vocab_size; ++i)
      s->logits[i] = static_cast<float>(s->q.logits[i]) / 65536.0f;
  }
  if (logits != nullptr) *logits = s->logits;
  return ATOME_OK;
#endif
}

atome_status atome_step_q16(atome_session* s, uint32_t token, const int32_t** logits) {
  if (s == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (s->model.config.numerics != ATOME_NUMERICS_Q15) return ATOME_ERR_WRONG_NUMERICS;
  if (token >= s->model.config.vocab_size) return ATOME_ERR_BAD_TOKEN;
  if (s->model.config.no_unembed) return ATOME_ERR_NO_UNEMBED;
  step(s, token, true);
  if (logits != nullptr) *logits = s->q.logits;
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
  if (s->model.config.numerics == ATOME_NUMERICS_Q15 && !ATOME_FLOAT_PATH) return nullptr;
  return s->router_probs + static_cast<uint64_t>(layer) * s->model.config.n_paths;
}

const int32_t* atome_session_router_q15(const atome_session* s, uint32_t layer) {
  if (s == nullptr || s->position == 0 || layer >= s->model.config.n_layers) return nullptr;
  if (s->model.config.numerics != ATOME_NUMERICS_Q15) return nullptr;
  return s->q.router + static_cast<uint64_t>(layer) * s->model.config.n_paths;
}

atome_status atome_session_class_logits(const atome_session* s, float* out, uint32_t out_len) {
  if (s == nullptr || out == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (s->model.config.n_classes == 0) return ATOME_ERR_NOT_CLASSIFIER;
  if (s->position == 0) return ATOME_ERR_NO_TOKENS;
  if (out_len < s->model.config.n_classes) return ATOME_ERR_BUFFER_TOO_SMALL;
#if ATOME_FLOAT_PATH
  // The head's matvec uses the session's scratch (int8 input, accumulators): the caller's
  // buffer, so casting the const away writes nothing the caller declared read-only.
  atome_session* scratch = const_cast<atome_session*>(s);
  if (s->model.config.numerics == ATOME_NUMERICS_Q15) {
    class_logits_q15(scratch, scratch->acc);  // acc holds >= n_classes values
    const int32_t* q = scratch->acc;
    // class_logits_q15 requantises in place: acc[r] is already the Q16 logit.
    for (uint32_t r = 0; r < s->model.config.n_classes; ++r)
      out[r] = static_cast<float>(q[r]) / 65536.0f;
  } else {
    class_logits_f32(scratch, out);
  }
  return ATOME_OK;
#else
  return ATOME_ERR_UNSUPPORTED;
#endif
}

atome_status atome_session_class_logits_q16(const atome_session* s, int32_t* out,
                                            uint32_t out_len) {
  if (s == nullptr || out == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  if (s->model.config.n_classes == 0) return ATOME_ERR_NOT_CLASSIFIER;
  if (s->model.config.numerics != ATOME_NUMERICS_Q15) return ATOME_ERR_WRONG_NUMERICS;
  if (s->position == 0) return ATOME_ERR_NO_TOKENS;
  if (out_len < s->model.config.n_classes) return ATOME_ERR_BUFFER_TOO_SMALL;
  class_logits_q15(const_cast<atome_session*>(s), out);
  return ATOME_OK;
}

}  // extern "C"
