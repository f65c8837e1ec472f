// AdamW with decoupled weight decay, the learning-rate schedule and gradient clipping.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "train/language_model.h"

namespace atome::train {

struct AdamWConfig {
  float lr = 3e-4f;  // peak learning rate
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.01f;  // decoupled; only on tensors with ParamTensor::weight_decay
};

// lr(step) for steps 1..total: linear warmup over `warmup` steps, then constant or a cosine
// from the peak down to peak * min_ratio at the last step.
struct LrSchedule {
  enum class Kind { kConstant, kCosine };
  Kind kind = Kind::kCosine;
  int warmup = 0;
  int total = 1;
  float min_ratio = 0.1f;
  float at(int step, float peak) const;
};
LrSchedule::Kind parse_schedule(const std::string& name);  // "constant" | "cosine"
const char* schedule_name(LrSchedule::Kind kind);

// Scales grads so that their global L2 norm is at most max_norm (0: no clipping). Returns the
// norm before clipping. Sums in a fixed order (double), so it never depends on threads.
double clip_grad_norm(std::vector<float>& grads, float max_norm);

class AdamW {
 public:
  AdamW() = default;
  explicit AdamW(size_t n) : m_(n, 0.0f), v_(n, 0.0f) {}
  // One update with bias correction for update number t (1-based).
  void step(std::vector<float>& params, const std::vector<float>& grads,
            const std::vector<ParamTensor>& tensors, const AdamWConfig& cfg, float lr, int t);
  std::vector<float>& m() { return m_; }
  std::vector<float>& v() { return v_; }
  const std::vector<float>& m() const { return m_; }
  const std::vector<float>& v() const { return v_; }

 private:
  std::vector<float> m_, v_;  // first and second moments
};

}  // namespace atome::train
