#include "train/gpt_ops.h"

#include <cmath>
#include <vector>

namespace atome::train {

void gelu_forward(float* out, const float* in, size_t n) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    out[i] = static_cast<float>(0.5 * x * (1.0 + std::erf(x * 0.7071067811865476)));
  }
}

void gelu_backward(float* din, const float* dout, const float* in, size_t n) {
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    const double cdf = 0.5 * (1.0 + std::erf(x * 0.7071067811865476));
    const double pdf = std::exp(-0.5 * x * x) * 0.3989422804014327;  // 1 / sqrt(2 pi)
    din[i] += static_cast<float>(dout[i] * (cdf + x * pdf));
  }
}

void causal_attention_forward(float* out, float* probs, const float* qkv, size_t B, size_t T,
                              uint32_t d, uint32_t heads) {
  const uint32_t dh = d / heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const size_t row = 3 * static_cast<size_t>(d);
  const long pairs = static_cast<long>(B * heads);
#pragma omp parallel for schedule(static)
  for (long bh = 0; bh < pairs; ++bh) {
    const size_t b = static_cast<size_t>(bh) / heads, h = static_cast<size_t>(bh) % heads;
    const float* base = qkv + b * T * row;
    for (size_t t = 0; t < T; ++t) {
      const float* q = base + t * row + h * dh;
      float* p = probs + ((b * heads + h) * T + t) * T;
      float max = -INFINITY;
      for (size_t j = 0; j <= t; ++j) {
        const float* k = base + j * row + d + h * dh;
        float s = 0.0f;
        for (uint32_t i = 0; i < dh; ++i) s += q[i] * k[i];
        p[j] = s * scale;
        max = std::fmax(max, p[j]);
      }
      float sum = 0.0f;
      for (size_t j = 0; j <= t; ++j) {
        p[j] = std::exp(p[j] - max);
        sum += p[j];
      }
      float* o = out + (b * T + t) * d + h * dh;
      for (uint32_t i = 0; i < dh; ++i) o[i] = 0.0f;
      for (size_t j = 0; j <= t; ++j) {
        p[j] /= sum;
        const float* v = base + j * row + 2 * d + h * dh;
        for (uint32_t i = 0; i < dh; ++i) o[i] += p[j] * v[i];
      }
    }
  }
}

void causal_attention_backward(float* dqkv, const float* dout, const float* probs, const float* qkv,
                               size_t B, size_t T, uint32_t d, uint32_t heads) {
  const uint32_t dh = d / heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const size_t row = 3 * static_cast<size_t>(d);
  const long pairs = static_cast<long>(B * heads);
#pragma omp parallel
  {
    std::vector<float> dscore(T);
#pragma omp for schedule(static)
    for (long bh = 0; bh < pairs; ++bh) {
      const size_t b = static_cast<size_t>(bh) / heads, h = static_cast<size_t>(bh) % heads;
      const float* base = qkv + b * T * row;
      float* dbase = dqkv + b * T * row;
      for (size_t t = 0; t < T; ++t) {
        const float* p = probs + ((b * heads + h) * T + t) * T;
        const float* g = dout + (b * T + t) * d + h * dh;
        // d p_j = g . v_j; dv_j += p_j g; then the softmax: ds_j = p_j (dp_j - sum_i p_i dp_i).
        float weighted = 0.0f;
        for (size_t j = 0; j <= t; ++j) {
          const float* v = base + j * row + 2 * d + h * dh;
          float* dv = dbase + j * row + 2 * d + h * dh;
          float dp = 0.0f;
          for (uint32_t i = 0; i < dh; ++i) {
            dp += g[i] * v[i];
            dv[i] += p[j] * g[i];
          }
          dscore[j] = dp;
          weighted += p[j] * dp;
        }
        const float* q = base + t * row + h * dh;
        float* dq = dbase + t * row + h * dh;
        for (size_t j = 0; j <= t; ++j) {
          const float ds = p[j] * (dscore[j] - weighted) * scale;
          const float* k = base + j * row + d + h * dh;
          float* dk = dbase + j * row + d + h * dh;
          for (uint32_t i = 0; i < dh; ++i) {
            dq[i] += ds * k[i];
            dk[i] += ds * q[i];
          }
        }
      }
    }
  }
}

}  // namespace atome::train
