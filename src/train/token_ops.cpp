// Trainer ops: forward and backward of each op next to each other (see token_ops.h).
#include "train/token_ops.h"

#include <algorithm>
#include <cmath>

#include "engine/fixed.h"
#include "engine/numerics.h"
#include "engine/ops.h"
#include "train/gemm.h"

namespace atome::train {

// ---- ternary quantisation -----------------------------------------------------------------------

atome_trits Ternary::view() const {
  return {packed.data(), rows, cols, (cols + 3) / 4, alpha, 0, ATOME_PACKING_TRIT2};
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
  q.dense.resize(n);
  q.dense_t.resize(n);
  q.unit_t.resize(n);
#pragma omp parallel for schedule(static)
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) {
      float t = round_half_even(w[static_cast<size_t>(r) * cols + c] / q.alpha);
      t = t > 1.0f ? 1.0f : (t < -1.0f ? -1.0f : t);
      const int8_t v = static_cast<int8_t>(t);
      q.trits[static_cast<size_t>(r) * cols + c] = v;
      q.dense[static_cast<size_t>(r) * cols + c] = q.alpha * t;
      q.dense_t[static_cast<size_t>(c) * rows + r] = q.alpha * t;
      q.unit_t[static_cast<size_t>(c) * rows + r] = t;
      const unsigned code = v == 0 ? 0u : (v > 0 ? 1u : 3u);
      q.packed[static_cast<size_t>(r) * row_bytes + c / 4] |=
          static_cast<uint8_t>(code << (2 * (c % 4)));
    }
  }
}

void identity_ternary(Ternary& q, const float* w, uint32_t rows, uint32_t cols) {
  const size_t n = static_cast<size_t>(rows) * cols;
  q.alpha = 1.0f;
  q.rows = rows;
  q.cols = cols;
  q.trits.clear();
  q.packed.clear();
  q.dense.assign(w, w + n);
  q.dense_t.resize(n);
  for (uint32_t r = 0; r < rows; ++r)
    for (uint32_t c = 0; c < cols; ++c)
      q.dense_t[static_cast<size_t>(c) * rows + r] = w[r * cols + c];
  q.unit_t = q.dense_t;
}

// ---- activation fake quantisation ---------------------------------------------------------------

namespace {
void size_quant_input(QuantInput& out, size_t n, uint32_t cols) {
  out.q.resize(n * cols);
  out.scale.resize(n);
  out.deq.resize(n * cols);
}
}  // namespace

void fake_quant_a8(QuantInput& out, const float* in, size_t n, uint32_t cols) {
  size_quant_input(out, n, cols);
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    // forward_f32.cpp's quantize_input_a8, operation for operation.
    const float* x = in + i * cols;
    float m = 0.0f;
    for (uint32_t k = 0; k < cols; ++k) {
      const float a = x[k] < 0.0f ? -x[k] : x[k];
      m = a > m ? a : m;
    }
    const float inv = m > 0.0f ? 127.0f / m : 0.0f;
    const float scale = m / 127.0f;
    out.scale[i] = scale;
    for (uint32_t k = 0; k < cols; ++k) {
      const float v = x[k] * inv;
      int32_t q = static_cast<int32_t>(v + (v >= 0.0f ? 0.5f : -0.5f));
      q = q > 127 ? 127 : (q < -127 ? -127 : q);
      out.q[i * cols + k] = static_cast<float>(q);
      out.deq[i * cols + k] = static_cast<float>(q) * scale;
    }
  }
}

void fake_quant_q15(QuantInput& out, const float* in, size_t n, uint32_t cols) {
  size_quant_input(out, n, cols);
#pragma omp parallel
  {
    std::vector<int16_t> h(cols);
    std::vector<int8_t> q(cols);
#pragma omp for schedule(static)
    for (size_t i = 0; i < n; ++i) {
      const float* x = in + i * cols;
      for (uint32_t k = 0; k < cols; ++k) {
        const float v = std::floor(x[k] * 256.0f + 0.5f);
        h[k] = static_cast<int16_t>(v > 32767.0f ? 32767.0f : (v < -32768.0f ? -32768.0f : v));
      }
      const uint32_t deq = fixed::quantize_h(q.data(), h.data(), cols);
      const float scale = static_cast<float>(static_cast<double>(deq) / 16777216.0);
      out.scale[i] = scale;
      for (uint32_t k = 0; k < cols; ++k) {
        out.q[i * cols + k] = q[k];
        out.deq[i * cols + k] = static_cast<float>(q[k]) * scale;
      }
    }
  }
}

void ternary_linear_forward_q(float* out, const QuantInput& in, const Ternary& w, size_t n) {
  matmul_forward(out, in.q.data(), w.unit_t.data(), n, w.cols, w.rows);
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const float scale = w.alpha * in.scale[i];
    float* o = out + i * w.rows;
    for (uint32_t r = 0; r < w.rows; ++r) o[r] = o[r] * scale;
  }
}

void round_to_q8(float* x, size_t count) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; ++i) {
    float v = std::floor(x[i] * 256.0f + 0.5f);
    v = v > 32767.0f ? 32767.0f : (v < -32768.0f ? -32768.0f : v);
    x[i] = v / 256.0f;
  }
}

void fake_quant_pow2(float* x, size_t n, uint32_t width) {
#pragma omp parallel
  {
    std::vector<int32_t> v(width);
    std::vector<int8_t> q(width);
#pragma omp for schedule(static)
    for (size_t i = 0; i < n; ++i) {
      float* row = x + i * width;
      for (uint32_t k = 0; k < width; ++k) {
        const double s = std::floor(static_cast<double>(row[k]) * 65536.0 + 0.5);
        const double lim = static_cast<double>(fixed::kLimit);
        v[k] = static_cast<int32_t>(s > lim ? lim : (s < -lim ? -lim : s));
      }
      const uint32_t e = fixed::quantize_pow2(q.data(), v.data(), width);
      const float unit = std::ldexp(1.0f, static_cast<int>(e) - 16);
      for (uint32_t k = 0; k < width; ++k) row[k] = static_cast<float>(q[k]) * unit;
    }
  }
}

float decay_q15(float a) {
  const double d = std::round(std::ldexp(static_cast<double>(tanh_f(a)), 15));
  return static_cast<float>((d > 32767.0 ? 32767.0 : (d < -32767.0 ? -32767.0 : d)) / 32768.0);
}

// ---- ternary linear (straight-through estimator)
// -------------------------------------------------

void ternary_linear_forward(float* out, const float* in, const Ternary& w, size_t n) {
  matmul_forward(out, in, w.dense_t.data(), n, w.cols, w.rows);
}

void ternary_linear_backward(float* din, float* dw, const float* dout, const float* in,
                             const Ternary& w, size_t n) {
  matmul_backward_weight(dw, dout, in, n, w.rows, w.cols);
  matmul_backward_input(din, dout, w.dense.data(), n, w.rows, w.cols);
}

// ---- LayerNorm ----------------------------------------------------------------------------------

void layernorm_forward(float* out, float* mean, float* rstd, const float* in, const float* gamma,
                       const float* beta, size_t n, uint32_t d, float eps) {
#pragma omp parallel for schedule(static)
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
  // dgamma and dbeta sum over rows: one thread, row order, so the bits never depend on threads.
  for (size_t i = 0; i < n; ++i) {
    const float* x = in + i * d;
    const float* g = dout + i * d;
    for (uint32_t k = 0; k < d; ++k) {
      dgamma[k] += g[k] * ((x[k] - mean[i]) * rstd[i]);
      dbeta[k] += g[k];
    }
  }
  // dnorm = dout * gamma; dx = rstd * (dnorm - mean(dnorm) - norm * mean(dnorm * norm))
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const float* x = in + i * d;
    const float* g = dout + i * d;
    float* dx = din + i * d;
    float mean_dnorm = 0.0f, mean_dnorm_norm = 0.0f;
    for (uint32_t k = 0; k < d; ++k) {
      const float norm = (x[k] - mean[i]) * rstd[i];
      const float dnorm = g[k] * gamma[k];
      mean_dnorm += dnorm;
      mean_dnorm_norm += dnorm * norm;
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
                             uint32_t V, double* row_loss) {
  std::vector<double> losses(row_loss ? 0 : n);
  double* loss = row_loss ? row_loss : losses.data();
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const float* l = logits + i * V;
    float* p = probs + i * V;
    std::copy_n(l, V, p);
    float max = 0.0f;
    const float sum = softmax(p, V, &max);  // the engine's (engine/ops.h)
    // -log softmax[target] = log(sum) - (l_t - max): finite even when p[target] underflows.
    loss[i] = std::log(static_cast<double>(sum)) - (static_cast<double>(l[targets[i]]) - max);
  }
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += loss[i];  // row order: independent of threads
  return total;
}

void cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* targets, size_t n,
                            uint32_t V, float scale) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t v = 0; v < V; ++v) {
      const float indicator = v == targets[i] ? 1.0f : 0.0f;
      dlogits[i * V + v] += (probs[i * V + v] - indicator) * scale;
    }
  }
}

double mean_loss_forward(float* probs, const float* logits, const uint8_t* targets, size_t n,
                         uint32_t V, double* row_loss) {
  if (!targets) return 0.0;
  return cross_entropy_forward(probs, logits, targets, n, V, row_loss) / static_cast<double>(n);
}

void mean_loss_backward(std::vector<float>& dlogits, const float* probs, const uint8_t* targets,
                        size_t n, uint32_t V) {
  dlogits.assign(n * V, 0.0f);
  cross_entropy_backward(dlogits.data(), probs, targets, n, V, 1.0f / static_cast<float>(n));
}

// ---- ternary embedding --------------------------------------------------------------------------

void embedding_forward(float* out, const uint8_t* tokens, const Ternary& e, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float* row = e.dense.data() + static_cast<size_t>(tokens[i]) * e.cols;
    std::copy(row, row + e.cols, out + i * e.cols);
  }
}

void embedding_backward(float* de, const float* dout, const uint8_t* tokens, size_t n, uint32_t d) {
  for (size_t i = 0; i < n; ++i) {
    float* row = de + static_cast<size_t>(tokens[i]) * d;
    for (uint32_t k = 0; k < d; ++k) row[k] += dout[i * d + k];
  }
}

// ---- router and mix -----------------------------------------------------------------------------

void router_mix_forward(float* x_out, float* probs, const float* x_in, const float* const* paths,
                        uint32_t n_paths, size_t n, uint32_t d) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    float* r = probs + i * n_paths;
    softmax(r, n_paths);
    float* x = x_out + i * d;
    std::copy(x_in + i * d, x_in + (i + 1) * d, x);
    for (uint32_t p = 0; p < n_paths; ++p) {
      const float* path = paths[p] + i * d;
      for (uint32_t k = 0; k < d; ++k) x[k] = x[k] + r[p] * path[k];
    }
  }
}

void router_mix_backward(float* dlogits, float* const* dpaths, const float* dx_out,
                         const float* probs, const float* const* paths, uint32_t n_paths, size_t n,
                         uint32_t d) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const float* g = dx_out + i * d;
    const float* r = probs + i * n_paths;
    float dr[8];  // n_paths <= 3
    float weighted = 0.0f;
    for (uint32_t p = 0; p < n_paths; ++p) {
      const float* path = paths[p] + i * d;
      float* dpath = dpaths[p] + i * d;
      float s = 0.0f;
      for (uint32_t k = 0; k < d; ++k) {
        s += g[k] * path[k];
        dpath[k] = r[p] * g[k];
      }
      dr[p] = s;
      weighted += r[p] * s;
    }
    // softmax backward: dlogit_p = r_p * (dr_p - sum_q r_q dr_q)
    for (uint32_t p = 0; p < n_paths; ++p) dlogits[i * n_paths + p] = r[p] * (dr[p] - weighted);
  }
}

}  // namespace atome::train
