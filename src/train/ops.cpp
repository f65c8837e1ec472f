// Trainer ops: forward and backward of each op next to each other (see ops.h).
#include "train/ops.h"

#include <cmath>

#include "engine/numerics.h"
#include "engine/ops.h"
#include "engine/ternary.h"

namespace atome::train {

// ---- ternary quantisation -----------------------------------------------------------------------

atome_trits Ternary::view() const {
  return {packed.data(), rows, cols, (cols + 3) / 4, alpha};
}

float round_half_even(float x) {
  // Adding and subtracting 2^23 rounds to an integer in the current (nearest-even) mode for
  // |x| < 2^23; larger floats are already integers.
  const float big = 8388608.0f;
  const float ax = x < 0.0f ? -x : x;
  if (!(ax < big)) return x;
  const float r = (ax + big) - big;
  return x < 0.0f ? -r : r;
}

void quantize_ternary(Ternary& q, const float* w, uint32_t rows, uint32_t cols) {
  const size_t n = static_cast<size_t>(rows) * cols;
  double sum_abs = 0.0;
  for (size_t i = 0; i < n; ++i) sum_abs += w[i] < 0.0f ? -w[i] : w[i];
  const float mean_abs = static_cast<float>(sum_abs / static_cast<double>(n));
  q.alpha = mean_abs > 1e-5f ? mean_abs : 1e-5f;
  q.rows = rows;
  q.cols = cols;
  q.trits.resize(n);
  const uint32_t row_bytes = (cols + 3) / 4;
  q.packed.assign(static_cast<size_t>(rows) * row_bytes, 0);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) {
      float t = round_half_even(w[static_cast<size_t>(r) * cols + c] / q.alpha);
      t = t > 1.0f ? 1.0f : (t < -1.0f ? -1.0f : t);
      const int8_t v = static_cast<int8_t>(t);
      q.trits[static_cast<size_t>(r) * cols + c] = v;
      const unsigned code = v == 0 ? 0u : (v > 0 ? 1u : 3u);
      q.packed[static_cast<size_t>(r) * row_bytes + c / 4] |=
          static_cast<uint8_t>(code << (2 * (c % 4)));
    }
  }
}

// ---- ternary linear (straight-through estimator)
// -------------------------------------------------

void ternary_linear_forward(float* out, const float* in, const Ternary& w, size_t n) {
  const atome_trits v = w.view();
  for (size_t i = 0; i < n; ++i) ternary_matvec_portable(out + i * w.rows, v, in + i * w.cols);
}

void ternary_linear_backward(float* din, float* dw, const float* dout, const float* in,
                             const Ternary& w, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float* g = dout + i * w.rows;
    const float* x = in + i * w.cols;
    float* dx = din + i * w.cols;
    for (uint32_t r = 0; r < w.rows; ++r) {
      const float gr = g[r];
      const int8_t* t = w.trits.data() + static_cast<size_t>(r) * w.cols;
      float* dwr = dw + static_cast<size_t>(r) * w.cols;
      const float ga = gr * w.alpha;
      for (uint32_t c = 0; c < w.cols; ++c) {
        dwr[c] += gr * x[c];  // STE: d(quantised W)/dW taken as 1
        dx[c] += ga * static_cast<float>(t[c]);
      }
    }
  }
}

// ---- LayerNorm ----------------------------------------------------------------------------------

void layernorm_forward(float* out, float* mean, float* rstd, const float* in, const float* gamma,
                       const float* beta, size_t n, uint32_t d, float eps) {
  for (size_t i = 0; i < n; ++i) {
    const float* x = in + i * d;
    float stats[2];
    layer_norm(out + i * d, x, gamma, beta, d, eps, stats);  // the engine's exact arithmetic
    mean[i] = stats[0];
    rstd[i] = stats[1];
  }
}

void layernorm_backward(float* din, float* dgamma, float* dbeta, const float* dout, const float* in,
                        const float* gamma, const float* mean, const float* rstd, size_t n,
                        uint32_t d) {
  for (size_t i = 0; i < n; ++i) {
    const float* x = in + i * d;
    const float* g = dout + i * d;
    float* dx = din + i * d;
    // dnorm = dout * gamma; dx = rstd * (dnorm - mean(dnorm) - norm * mean(dnorm * norm))
    float mean_dnorm = 0.0f, mean_dnorm_norm = 0.0f;
    for (uint32_t k = 0; k < d; ++k) {
      const float norm = (x[k] - mean[i]) * rstd[i];
      const float dnorm = g[k] * gamma[k];
      mean_dnorm += dnorm;
      mean_dnorm_norm += dnorm * norm;
      dgamma[k] += g[k] * norm;
      dbeta[k] += g[k];
    }
    mean_dnorm /= static_cast<float>(d);
    mean_dnorm_norm /= static_cast<float>(d);
    for (uint32_t k = 0; k < d; ++k) {
      const float norm = (x[k] - mean[i]) * rstd[i];
      dx[k] += rstd[i] * (g[k] * gamma[k] - mean_dnorm - norm * mean_dnorm_norm);
    }
  }
}

// ---- softmax cross-entropy ----------------------------------------------------------------------

double cross_entropy_forward(float* probs, const float* logits, const uint8_t* targets, size_t n,
                             uint32_t V) {
  double loss = 0.0;
  for (size_t i = 0; i < n; ++i) {
    float* p = probs + i * V;
    for (uint32_t v = 0; v < V; ++v) p[v] = logits[i * V + v];
    softmax(p, V);
    loss -= std::log(static_cast<double>(p[targets[i]]) + 1e-30);  // host code: libm is fine
  }
  return loss;
}

void cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* targets, size_t n,
                            uint32_t V, float scale) {
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t v = 0; v < V; ++v) {
      const float indicator = v == targets[i] ? 1.0f : 0.0f;
      dlogits[i * V + v] += (probs[i * V + v] - indicator) * scale;
    }
  }
}

}  // namespace atome::train
