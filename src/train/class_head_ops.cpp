// The classifier head's ops (see class_head_ops.h).
#include "train/class_head_ops.h"

#include <algorithm>
#include <vector>

namespace atome::train {

void last_token_forward(float* out, const float* in, size_t B, size_t T, uint32_t d) {
  for (size_t b = 0; b < B; ++b) std::copy_n(in + (b * T + T - 1) * d, d, out + b * d);
}

void last_token_backward(float* din, const float* dout, size_t B, size_t T, uint32_t d) {
  for (size_t b = 0; b < B; ++b) {
    float* row = din + (b * T + T - 1) * d;
    for (uint32_t k = 0; k < d; ++k) row[k] += dout[b * d + k];
  }
}

void last_token_quant(QuantInput& out, const QuantInput& in, size_t B, size_t T, uint32_t d) {
  out.q.resize(B * d);
  out.deq.resize(B * d);
  out.scale.resize(B);
  last_token_forward(out.q.data(), in.q.data(), B, T, d);
  last_token_forward(out.deq.data(), in.deq.data(), B, T, d);
  last_token_forward(out.scale.data(), in.scale.data(), B, T, 1);
}

namespace {
// mean_k (-log p_k) of one row from its -log p_y (the CE above, through the engine's softmax):
// -log p_k = -log p_y + z_y - z_k, so no exp of its own and no log of a tiny probability.
double mean_neg_log_prob(const float* z, uint32_t C, uint32_t y, double nll_y) {
  double mean_z = 0.0;
  for (uint32_t k = 0; k < C; ++k) mean_z += z[k];
  return nll_y + z[y] - mean_z / C;
}

double weight_sum(const uint8_t* labels, const float* w, size_t n) {
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) total += w[labels[i]];  // row order: no thread dependence
  return total;
}
}  // namespace

double weighted_cross_entropy_forward(float* probs, const float* logits, const uint8_t* labels,
                                      const float* class_weight, size_t n, uint32_t C,
                                      double* row_loss, float smoothing) {
  std::vector<double> losses(n);
  cross_entropy_forward(probs, logits, labels, n, C, losses.data());
  if (row_loss) std::copy(losses.begin(), losses.end(), row_loss);
  const double total_w = weight_sum(labels, class_weight, n);
  if (total_w <= 0.0) return 0.0;
  double total = 0.0;
  const double s = smoothing;
  for (size_t i = 0; i < n; ++i) {
    const double ce = s > 0.0 ? (1.0 - s) * losses[i] +
                                    s * mean_neg_log_prob(logits + i * C, C, labels[i], losses[i])
                              : losses[i];
    total += class_weight[labels[i]] * ce;
  }
  return total / total_w;
}

void weighted_cross_entropy_backward(float* dlogits, const float* probs, const uint8_t* labels,
                                     const float* class_weight, size_t n, uint32_t C,
                                     float smoothing) {
  std::fill(dlogits, dlogits + n * C, 0.0f);
  const double total_w = weight_sum(labels, class_weight, n);
  if (total_w <= 0.0) return;
  for (size_t i = 0; i < n; ++i) {
    const float scale = static_cast<float>(class_weight[labels[i]] / total_w);
    cross_entropy_backward(dlogits + i * C, probs + i * C, labels + i, 1, C, scale);
    // The smoothed target's extra part: (1 - s) onehot + s / C instead of onehot.
    if (smoothing > 0.0f) {
      dlogits[i * C + labels[i]] += scale * smoothing;
      for (uint32_t k = 0; k < C; ++k) dlogits[i * C + k] -= scale * smoothing / C;
    }
  }
}

}  // namespace atome::train
