// AdamW, schedule and clipping (see optim.h).
#include "train/optim.h"

#include <cmath>
#include <stdexcept>

namespace atome::train {

float LrSchedule::at(int step, float peak) const {
  if (warmup > 0 && step <= warmup) return peak * static_cast<float>(step) / warmup;
  if (kind == Kind::kConstant) return peak;
  const int span = total - warmup;
  if (span <= 0) return peak;
  const double progress = static_cast<double>(step - warmup) / span;  // (0, 1]
  const double cosine = 0.5 * (1.0 + std::cos(3.141592653589793 * std::fmin(progress, 1.0)));
  return static_cast<float>(peak * (min_ratio + (1.0 - min_ratio) * cosine));
}

LrSchedule::Kind parse_schedule(const std::string& name) {
  if (name == "constant") return LrSchedule::Kind::kConstant;
  if (name == "cosine") return LrSchedule::Kind::kCosine;
  throw std::invalid_argument("unknown schedule '" + name + "' (constant or cosine)");
}

const char* schedule_name(LrSchedule::Kind kind) {
  return kind == LrSchedule::Kind::kConstant ? "constant" : "cosine";
}

double clip_grad_norm(std::vector<float>& grads, float max_norm) {
  double sum = 0.0;
  for (float g : grads) sum += static_cast<double>(g) * g;
  const double norm = std::sqrt(sum);
  if (max_norm > 0.0f && norm > max_norm) {
    const float scale = static_cast<float>(max_norm / (norm + 1e-6));
    for (float& g : grads) g *= scale;
  }
  return norm;
}

void AdamW::step(std::vector<float>& params, const std::vector<float>& grads,
                 const std::vector<ParamTensor>& tensors, const AdamWConfig& cfg, float lr, int t) {
  const float correction1 = 1.0f - static_cast<float>(std::pow(cfg.beta1, t));
  const float correction2 = 1.0f - static_cast<float>(std::pow(cfg.beta2, t));
  for (const ParamTensor& tensor : tensors) {
    const float decay = tensor.weight_decay ? cfg.weight_decay : 0.0f;
#pragma omp parallel for schedule(static)
    for (size_t i = tensor.offset; i < tensor.offset + tensor.count; ++i) {
      const float g = grads[i];
      m_[i] = cfg.beta1 * m_[i] + (1.0f - cfg.beta1) * g;
      v_[i] = cfg.beta2 * v_[i] + (1.0f - cfg.beta2) * g * g;
      const float m_hat = m_[i] / correction1;
      const float v_hat = v_[i] / correction2;
      // Decoupled decay (Loshchilov & Hutter), as torch.optim.AdamW: w -= lr * wd * w first.
      params[i] -= lr * (m_hat / (std::sqrt(v_hat) + cfg.eps) + decay * params[i]);
    }
  }
}

}  // namespace atome::train
