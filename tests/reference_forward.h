// A second, independent way to run the Atome block: the original's algorithm. It recomputes the
// whole sequence layer by layer (every position's h, a plain scan for the SSM, conv straight from
// the h array, attention over the last `window` positions from scratch), with no ring buffers,
// caches or carried state. It shares only the arithmetic primitives with the engine, so the
// incremental engine must reproduce its logits bit for bit.
#pragma once

#include <cstring>
#include <vector>

#include "atome/atome.h"
#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/ternary.h"

namespace atome::test {

struct TensorViews {
  const atome_model& m;
  atome_trits trits(uint32_t i) const { return format::tensor_trits(m, i); }
  const float* floats(uint32_t i) const { return format::tensor_floats(m, i); }
};

// Logits (T x vocab) for every position of `tokens`, attention limited to the last `window`.
inline std::vector<float> reference_forward(const atome_model& m,
                                            const std::vector<uint32_t>& tokens, uint32_t window) {
  const atome_config& c = m.config;
  const uint32_t T = static_cast<uint32_t>(tokens.size()), d = c.d_model, V = c.vocab_size;
  const TensorViews tv{m};
  std::vector<float> X(static_cast<size_t>(T) * d), H(X.size()), out(X.size());
  for (uint32_t t = 0; t < T; ++t) {
    const uint8_t* row = m.embed.data + tokens[t] * m.embed.row_bytes;
    for (uint32_t i = 0; i < d; ++i) X[t * d + i] = apply_trit(m.embed.scale, trit_code(row, i));
  }
  const uint32_t per_block = format::tensors_per_block(c.pathways);
  for (uint32_t l = 0; l < c.n_layers; ++l) {
    uint32_t idx = 1 + l * per_block;
    const float* gamma = tv.floats(idx++);
    const float* beta = tv.floats(idx++);
    for (uint32_t t = 0; t < T; ++t) layer_norm(&H[t * d], &X[t * d], gamma, beta, d, c.norm_eps);
    std::vector<float> local(X.size()), state_out(X.size()), sparse(X.size());
    if (c.pathways & ATOME_PATH_CONV) {
      const atome_trits conv = tv.trits(idx++);
      for (uint32_t t = 0; t < T; ++t) {
        for (uint32_t ch = 0; ch < d; ++ch) {
          float acc = 0.0f;
          for (uint32_t k = 0; k < c.conv_kernel && k <= t; ++k)
            acc += apply_trit(H[(t - k) * d + ch], trit_code(conv.data + ch * conv.row_bytes, k));
          local[t * d + ch] = conv.scale * acc;
        }
      }
    }
    if (c.pathways & ATOME_PATH_SSM) {
      const float* a = tv.floats(idx++);
      const float* b = tv.floats(idx++);
      const float* cc = tv.floats(idx++);
      for (uint32_t ch = 0; ch < d; ++ch) {
        const float decay = tanh_f(a[ch]);
        float s = 0.0f;
        for (uint32_t t = 0; t < T; ++t) {
          s = decay * s + b[ch] * H[t * d + ch];
          state_out[t * d + ch] = cc[ch] * s;
        }
      }
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      const atome_trits wq = tv.trits(idx++), wk = tv.trits(idx++), wv = tv.trits(idx++);
      const uint32_t dh = c.d_head;
      std::vector<float> Q(static_cast<size_t>(T) * dh), K(Q.size()), Vv(X.size());
      for (uint32_t t = 0; t < T; ++t) {
        ternary_matvec_portable(&Q[t * dh], wq, &H[t * d]);
        ternary_matvec_portable(&K[t * dh], wk, &H[t * d]);
        ternary_matvec_portable(&Vv[t * d], wv, &H[t * d]);
      }
      const float scale = sqrt_f(static_cast<float>(dh));
      std::vector<float> scores(T), best_score(c.top_k);
      std::vector<uint32_t> best(c.top_k);
      for (uint32_t t = 0; t < T; ++t) {
        const uint32_t first = t + 1 > window ? t + 1 - window : 0;
        const uint32_t n = t + 1 - first;
        for (uint32_t j = 0; j < n; ++j)
          scores[j] = dot(&Q[t * dh], &K[(first + j) * dh], dh) / scale;
        const uint32_t kept =
            top_k_select(scores.data(), n, c.top_k, best.data(), best_score.data());
        softmax(best_score.data(), kept);
        for (uint32_t ch = 0; ch < d; ++ch) sparse[t * d + ch] = 0.0f;
        for (uint32_t i = 0; i < kept; ++i)
          for (uint32_t ch = 0; ch < d; ++ch)
            sparse[t * d + ch] += best_score[i] * Vv[(first + best[i]) * d + ch];
      }
    }
    const atome_trits router = tv.trits(idx++);
    std::vector<float> r(c.n_paths);
    for (uint32_t t = 0; t < T; ++t) {
      ternary_matvec_portable(r.data(), router, &H[t * d]);
      softmax(r.data(), c.n_paths);
      uint32_t p = 0;
      float* x = &X[t * d];
      if (c.pathways & ATOME_PATH_CONV) {
        for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + r[p] * local[t * d + i];
        ++p;
      }
      if (c.pathways & ATOME_PATH_SSM) {
        for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + r[p] * state_out[t * d + i];
        ++p;
      }
      if (c.pathways & ATOME_PATH_ATTN) {
        for (uint32_t i = 0; i < d; ++i) x[i] = x[i] + r[p] * sparse[t * d + i];
        ++p;
      }
    }
  }
  std::vector<float> logits(static_cast<size_t>(T) * V), h(d);
  for (uint32_t t = 0; t < T; ++t) {
    layer_norm(h.data(), &X[t * d], m.final_gamma, m.final_beta, d, c.norm_eps);
    ternary_matvec_portable(&logits[t * V], m.unembed, h.data());
  }
  return logits;
}

}  // namespace atome::test
