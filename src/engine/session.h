// A decoding session's memory: the state of one token stream, laid out inside the caller's
// buffer by session.cpp. The per-token forward passes live beside it: forward_f32.cpp (f32 and
// a8 models) and forward_q15.cpp (q15 models, integers only).
#ifndef ATOME_ENGINE_SESSION_H
#define ATOME_ENGINE_SESSION_H

#include <stdint.h>

#include "atome/atome.h"
#include "engine/build_config.h"

// A q15 vector of a compact model (FORMAT.md §18), read in place: value = v16[i] << shift, exact
// (the loader checked the range). The forward's vector readers are templates over this and the
// int32 pointer of a v1 model, so a v1 model runs the same code as before.
struct ShiftedI16 {
  const int16_t* v;
  uint32_t shift;
  int32_t operator[](uint32_t i) const {
    return static_cast<int32_t>(static_cast<uint32_t>(v[i]) << shift);  // defined for v < 0
  }
};

// Weights of one block: views into the model image (shapes in comments). A q15 model has the
// *_q views (int32 fixed point, FORMAT.md §16.4) where an f32 / a8 model has floats.
struct LayerWeights {
  const float* norm_gamma;      // (d)
  const float* norm_beta;       // (d)
  atome_trits conv;             // (d, K)
  const float* ssm_a;           // (d) raw; decay = tanh(a)
  const float* ssm_b;           // (d)
  const float* ssm_c;           // (d)
  atome_trits wq;               // (d_head, d)
  atome_trits wk;               // (d_head, d)
  atome_trits wv;               // (d, d)
  atome_trits router;           // (n_paths, d)
  const int32_t* norm_gamma_q;  // (d) Q16
  const int32_t* norm_beta_q;   // (d) Q16
  const int32_t* ssm_decay_q;   // (d) Q15, tanh(a) computed at export
  const int32_t* ssm_b_q;       // (d) Q16
  const int32_t* ssm_c_q;       // (d) Q16
  // A compact model's (then the *_q pointers are NULL).
  ShiftedI16 norm_gamma_c, norm_beta_c, ssm_decay_c, ssm_b_c, ssm_c_c;
};

// Float state (f32 and a8 models).
struct FloatState {
  float* conv_history;  // (L, K, d)  h of the last K positions, slot = conv_slot
  float* ssm_decay;     // (L, d)     tanh(a), computed once at init
  float* ssm_state;     // (L, d)
  float* key_cache;     // (L, W, d_head)  slot = cache_slot
  float* value_cache;   // (L, W, d)
  float* x;             // (d) residual stream
  float* h;             // (d) normed input of the current block / final-normed output
  float* local;         // (d) conv pathway
  float* ssm_out;       // (d) SSM pathway
  float* sparse;        // (d) attention pathway
  float* q;             // (d_head)
  float* scores;        // (W)
  float* top_score;     // (top_k)
  float h_absmax;       // a8: max |h| of the input last quantised into h8
};

// Fixed-point state (q15 models); formats in engine/fixed.h.
struct FixedState {
  int16_t* conv_history;     // (L, K, d) Q8
  int32_t* ssm_state;        // (L, d) Q16
  int8_t* key_cache;         // (L, W, d_head) int8, times 2^key_exp
  uint8_t* key_exp;          // (L, W)
  int8_t* value_cache;       // (L, W, d)
  uint8_t* value_exp;        // (L, W)
  int32_t* router;           // (L, n_paths) Q15 mixture of the last step
  int32_t* x;                // (d) Q16 residual stream
  int16_t* h;                // (d) Q8 normed input / final-normed output
  int32_t* local;            // (d) Q16
  int32_t* ssm_out;          // (d) Q16
  int32_t* sparse;           // (d) Q16
  int64_t* sparse_acc;       // (d)
  int32_t* q;                // (d_head) Q16
  int8_t* q8;                // (d_head)
  int64_t* scores;           // (W)
  int64_t* top_score;        // (top_k)
  int32_t* top_prob;         // (top_k)
  int32_t* logits;           // (vocab) Q16
  uint32_t h_deq;            // deq of the input last quantised into h8 (fixed::quantize_h)
  uint32_t inv_sqrt_d_head;  // floor(2^16 / sqrt(d_head))
};

struct atome_session {
  atome_model model;  // copy of the caller's (small, fixed-size) model view
  uint32_t window;    // attention context W
  uint64_t position;  // tokens fed since reset
  // Ring slots of the current position, position % K and position % W, advanced once per step:
  // no 64-bit division (a library call on cores without a divider) on the per-token path.
  uint32_t conv_slot;
  uint32_t cache_slot;
  float sqrt_d_head;                       // score divisor (f32 / a8)
  LayerWeights* layers;                    // (L)
  ShiftedI16 final_gamma_c, final_beta_c;  // a compact model's final norm
  uint32_t* top_index;                     // (top_k)
  float* router_probs;  // (L, n_paths) mixture of the last step, as floats (f32 / a8; q15 too
                        // in a build with the float path, for atome_session_router)
  float* logits;        // (vocab) float logits (f32 / a8; q15 converted, float builds only)
  // int8 inputs of the ternary linears (a8, q15) and their kernel's prepared form.
  int8_t* h8;  // (d)
  void* ternary_input_scratch;
  int32_t* acc;  // (max(vocab, d, n_classes)) int32 matvec sums
  FloatState f;
  FixedState q;
};

namespace atome {

// The conv ring buffer of one layer (K slots of d values): stores this position's h in slot
// `slot`, points lag_h[k] at the h of k tokens back (k = 0: this token), resolved once instead
// of per channel, and returns how many lags exist so far, min(position + 1, K).
template <typename T>
static inline uint32_t conv_push(T* history, const T* h, uint32_t d, uint32_t K, uint32_t slot,
                                 uint64_t position, const T** lag_h) {
  __builtin_memcpy(history + static_cast<uint64_t>(slot) * d, h, d * sizeof(T));
  const uint32_t taps = position + 1 < K ? static_cast<uint32_t>(position + 1) : K;
  for (uint32_t k = 0; k < taps; ++k) {
    lag_h[k] = history + static_cast<uint64_t>(slot) * d;
    slot = slot == 0 ? K - 1 : slot - 1;
  }
  return taps;
}

// One token through the model; want_logits false skips the unembedding.
void forward_f32(atome_session* s, uint32_t token, bool want_logits);
void forward_q15(atome_session* s, uint32_t token, bool want_logits);

// Head logits of the last token (the class head reads the final h8 / h; uses session scratch).
void class_logits_f32(atome_session* s, float* out);
void class_logits_q15(atome_session* s, int32_t* out);

}  // namespace atome

#endif  // ATOME_ENGINE_SESSION_H
