// Conv, SSM and top-k attention along the time axis (see sequence_ops.h).
#include "train/sequence_ops.h"

#include <algorithm>

#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/ternary.h"

namespace atome::train {
namespace {

// Number of positions top-k attention keeps at position t.
uint32_t kept_at(size_t t, uint32_t top_k) {
  return t + 1 < top_k ? static_cast<uint32_t>(t + 1) : top_k;
}

}  // namespace

// ---- depthwise causal conv
// ------------------------------------------------------------------------

// Per lag k, the float weights (alpha * trit, or the identity quantiser's floats) of all channels
// as a contiguous row (K, d), so that the loops below run along channels (vectorised) while each
// channel still adds its lags in order k = 0, 1, ...
namespace {
std::vector<float> lag_major(const Ternary& conv) {
  const uint32_t d = conv.rows, K = conv.cols;
  std::vector<float> w(static_cast<size_t>(K) * d);
  for (uint32_t c = 0; c < d; ++c)
    for (uint32_t k = 0; k < K; ++k)
      w[static_cast<size_t>(k) * d + c] = conv.dense[static_cast<size_t>(c) * K + k];
  return w;
}
}  // namespace

void conv_forward(float* out, const float* h, const Ternary& conv, size_t B, size_t T, uint32_t d) {
  const uint32_t K = conv.cols;
  if (!conv.trits.empty()) {
    // Quantised: the engine's conv_taps (engine/ternary.h) on each position, its lags pointing
    // into this sequence's rows: the engine's arithmetic, not a copy of it.
    const atome_trits w = conv.view();
#pragma omp parallel for schedule(static)
    for (size_t row = 0; row < B * T; ++row) {
      const size_t t = row % T;
      const uint32_t taps = t + 1 < K ? static_cast<uint32_t>(t + 1) : K;
      const float* lag_h[format::kMaxConvKernel];
      for (uint32_t k = 0; k < taps; ++k) lag_h[k] = h + (row - k) * d;
      conv_taps(out + row * d, w, lag_h, taps);
    }
    return;
  }
  // The identity quantiser (gradient checks: no trits) has float weights, scale 1: the same sum
  // over lags k = 0, 1, ... with a multiply in place of the trit's sign.
  const std::vector<float> w = lag_major(conv);
#pragma omp parallel for schedule(static)
  for (size_t row = 0; row < B * T; ++row) {
    const size_t t = row % T;
    const uint32_t taps = t + 1 < K ? static_cast<uint32_t>(t + 1) : K;
    float* o = out + row * d;
    for (uint32_t c = 0; c < d; ++c) o[c] = 0.0f;
    for (uint32_t k = 0; k < taps; ++k) {
      const float* wk = w.data() + static_cast<size_t>(k) * d;
      const float* hk = h + (row - k) * d;
      for (uint32_t c = 0; c < d; ++c) o[c] += wk[c] * hk[c];
    }
  }
}

void conv_backward(float* dh, float* dconv, const float* dout, const float* h, const Ternary& conv,
                   size_t B, size_t T, uint32_t d) {
  const uint32_t K = conv.cols;
  const std::vector<float> w = lag_major(conv);
  std::vector<float> partial(B * K * d, 0.0f);  // per sequence, (K, d)
#pragma omp parallel for schedule(static)
  for (size_t b = 0; b < B; ++b) {
    float* dw = partial.data() + b * K * d;
    for (size_t t = 0; t < T; ++t) {
      const size_t row = b * T + t;
      const uint32_t taps = t + 1 < K ? static_cast<uint32_t>(t + 1) : K;
      const float* g = dout + row * d;
      for (uint32_t k = 0; k < taps; ++k) {
        const float* wk = w.data() + static_cast<size_t>(k) * d;
        const float* hk = h + (row - k) * d;
        float* dhk = dh + (row - k) * d;
        float* dwk = dw + static_cast<size_t>(k) * d;
        for (uint32_t c = 0; c < d; ++c) {
          dhk[c] += wk[c] * g[c];
          dwk[c] += g[c] * hk[c];
        }
      }
    }
  }
  for (size_t b = 0; b < B; ++b)  // sequence order, then back to the (d, K) layout
    for (uint32_t k = 0; k < K; ++k)
      for (uint32_t c = 0; c < d; ++c)
        dconv[static_cast<size_t>(c) * K + k] += partial[(b * K + k) * d + c];
}

// ---- diagonal SSM -------------------------------------------------------------------------------

void ssm_forward(float* y, float* state, const float* h, const float* decay, const float* b,
                 const float* c, size_t B, size_t T, uint32_t d) {
  // The engine's step (engine/ops.h) along each sequence, from a zero state.
#pragma omp parallel for schedule(static)
  for (size_t s = 0; s < B; ++s) {
    for (size_t t = 0; t < T; ++t) {
      const size_t row = (s * T + t) * d;
      ssm_step(y + row, state + row, t > 0 ? state + row - d : nullptr, h + row, decay, b, c, d);
    }
  }
}

void ssm_backward(float* dh, float* ddecay, float* db, float* dc, const float* dy,
                  const float* state, const float* h, const float* decay, const float* b,
                  const float* c, size_t B, size_t T, uint32_t d) {
  // Per sequence: ddecay, db, dc partials side by side (3 * d).
  std::vector<float> partial(B * 3 * d, 0.0f);
#pragma omp parallel for schedule(static)
  for (size_t s = 0; s < B; ++s) {
    float* p_decay = partial.data() + s * 3 * d;
    float* p_b = p_decay + d;
    float* p_c = p_b + d;
    std::vector<float> carry(d, 0.0f);  // d loss / d s_t arriving from position t + 1
    for (size_t t = T; t-- > 0;) {
      const size_t row = (s * T + t) * d;
      for (uint32_t ch = 0; ch < d; ++ch) {
        const float ds = dy[row + ch] * c[ch] + carry[ch];
        const float prev = t > 0 ? state[row - d + ch] : 0.0f;
        p_c[ch] += dy[row + ch] * state[row + ch];
        p_b[ch] += ds * h[row + ch];
        p_decay[ch] += ds * prev;
        dh[row + ch] += ds * b[ch];
        carry[ch] = decay[ch] * ds;
      }
    }
  }
  for (size_t s = 0; s < B; ++s) {
    for (uint32_t ch = 0; ch < d; ++ch) {
      ddecay[ch] += partial[s * 3 * d + ch];
      db[ch] += partial[s * 3 * d + d + ch];
      dc[ch] += partial[s * 3 * d + 2 * d + ch];
    }
  }
}

// ---- top-k sparse attention ------------------------------------------------------------------

void attention_forward(float* out, AttentionSaved& saved, const float* q, const float* k,
                       const float* v, size_t B, size_t T, uint32_t dh, uint32_t d,
                       uint32_t top_k) {
  saved.index.resize(B * T * top_k);
  saved.prob.resize(B * T * top_k);
  const float divisor = sqrt_f(static_cast<float>(dh));
  // Positions are independent in the forward (each reads only q_t and earlier k, v), so the
  // threads split positions, not sequences: one long sequence (validation) uses every core.
#pragma omp parallel
  {
    std::vector<float> scores(T);
#pragma omp for schedule(static)
    for (size_t row = 0; row < B * T; ++row) {
      const size_t t = row % T, base = row - t;
      const float* qt = q + row * dh;
      // The engine's score kernel (its SIMD version where built): q . k_j / sqrt(dh), j <= t.
      attention_scores(scores.data(), qt, k + base * dh, static_cast<uint32_t>(t + 1), dh, divisor);
      uint32_t* index = saved.index.data() + row * top_k;
      float* prob = saved.prob.data() + row * top_k;
      const uint32_t kept =
          top_k_select(scores.data(), static_cast<uint32_t>(t + 1), top_k, index, prob);
      softmax(prob, kept);
      float* o = out + row * d;
      for (uint32_t c = 0; c < d; ++c) o[c] = 0.0f;
      for (uint32_t i = 0; i < kept; ++i) {
        const float* vj = v + (base + index[i]) * d;
        for (uint32_t c = 0; c < d; ++c) o[c] += prob[i] * vj[c];
      }
    }
  }
}

void attention_backward(float* dq, float* dk, float* dv, const float* dout,
                        const AttentionSaved& saved, const float* q, const float* k, const float* v,
                        size_t B, size_t T, uint32_t dh, uint32_t d, uint32_t top_k) {
  const float divisor = sqrt_f(static_cast<float>(dh));
#pragma omp parallel for schedule(static)
  for (size_t s = 0; s < B; ++s) {
    const size_t base = s * T;
    for (size_t t = 0; t < T; ++t) {
      const size_t row = base + t;
      const uint32_t kept = kept_at(t, top_k);
      const uint32_t* index = saved.index.data() + row * top_k;
      const float* prob = saved.prob.data() + row * top_k;
      const float* g = dout + row * d;
      float dprob[1024];  // top_k <= format::kMaxTopK
      float weighted = 0.0f;
      for (uint32_t i = 0; i < kept; ++i) {
        const size_t j = base + index[i];
        const float* vj = v + j * d;
        float* dvj = dv + j * d;
        float dp = 0.0f;
        for (uint32_t c = 0; c < d; ++c) {
          dp += g[c] * vj[c];
          dvj[c] += prob[i] * g[c];
        }
        dprob[i] = dp;
        weighted += prob[i] * dp;
      }
      const float* qt = q + row * dh;
      float* dqt = dq + row * dh;
      for (uint32_t i = 0; i < kept; ++i) {
        const float dscore = prob[i] * (dprob[i] - weighted) / divisor;
        const size_t j = base + index[i];
        const float* kj = k + j * dh;
        float* dkj = dk + j * dh;
        for (uint32_t c = 0; c < dh; ++c) {
          dqt[c] += dscore * kj[c];
          dkj[c] += dscore * qt[c];
        }
      }
    }
  }
}

}  // namespace atome::train
