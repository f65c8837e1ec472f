// Gradient checking helpers shared by the trainer tests: random vectors, a probe objective, a
// central-difference comparison, and the same for a whole model's parameters.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "train/gemm.h"
#include "train/language_model.h"

namespace atome::train {

inline std::vector<float> randn(size_t n, std::mt19937& rng, float scale = 1.0f) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

// Scalar objective L = sum(out * probe), so that dL/dout = probe.
inline double dot_probe(const std::vector<float>& out, const std::vector<float>& probe) {
  double s = 0.0;
  for (size_t i = 0; i < out.size(); ++i) s += static_cast<double>(out[i]) * probe[i];
  return s;
}

// Checks an analytic gradient against central differences of `loss` with respect to `x`.
inline void expect_gradient(std::vector<float>& x, const std::vector<float>& analytic,
                            const std::function<double()>& loss, float h, double tolerance) {
  ASSERT_EQ(x.size(), analytic.size());
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + h;
    const double up = loss();
    x[i] = saved - h;
    const double down = loss();
    x[i] = saved;
    const double numeric = (up - down) / (2.0 * h);
    const double err = std::fabs(numeric - analytic[i]) / std::fmax(1.0, std::fabs(numeric));
    worst = std::fmax(worst, err);
    EXPECT_LE(err, tolerance) << "element " << i << ": numeric " << numeric << " analytic "
                              << analytic[i];
  }
  std::printf("[gradcheck] worst relative error %.2e over %zu elements\n", worst, x.size());
}

// The gradient of a model's mean loss on (tokens, targets) against central differences: every
// tensor, 12 elements of each (spread by a stride), within 2e-4 + 2% of the numeric value (float
// round-off of a small forward). `label` names the model in the summary line.
inline void expect_model_gradient(LanguageModel& model, const std::vector<uint8_t>& tokens,
                                  const std::vector<uint8_t>& targets, size_t B, size_t T,
                                  const char* label) {
  std::vector<float>& w = model.params();
  model.zero_grad();
  model.forward(tokens.data(), targets.data(), B, T);
  model.backward();
  const std::vector<float> analytic = model.grads();
  double worst = 0.0;
  size_t checked = 0;
  for (const ParamTensor& t : model.tensors()) {
    for (size_t s = 0; s < std::min<size_t>(t.count, 12); ++s) {
      const size_t i = t.offset + (s * 7919) % t.count;
      const float saved = w[i];
      const float h = 1e-3f;
      w[i] = saved + h;
      const double up = model.forward(tokens.data(), targets.data(), B, T);
      w[i] = saved - h;
      const double down = model.forward(tokens.data(), targets.data(), B, T);
      w[i] = saved;
      const double numeric = (up - down) / (2.0 * h);
      const double err = std::fabs(numeric - analytic[i]);
      worst = std::fmax(worst, err / (1e-3 + std::fabs(numeric)));
      EXPECT_LE(err, 2e-4 + 2e-2 * std::fabs(numeric))
          << t.name << " element " << i - t.offset << ": numeric " << numeric << " analytic "
          << analytic[i];
      ++checked;
    }
  }
  std::printf("[gradcheck] %s: %zu elements, worst relative error %.2e\n", label, checked, worst);
}

// One forward + backward of a fresh model from `make_model()` with 1 and with 2 threads: the
// gradients are bit-identical (threads split rows, never a sum).
template <class MakeModel>
void expect_gradients_thread_independent(const MakeModel& make_model,
                                         const std::vector<uint8_t>& tokens,
                                         const std::vector<uint8_t>& targets, size_t B, size_t T) {
  std::vector<float> grads[2];
  for (int threads : {1, 2}) {
    set_train_threads(threads);
    auto model = make_model();
    model.zero_grad();
    model.forward(tokens.data(), targets.data(), B, T);
    model.backward();
    grads[threads - 1] = model.grads();
  }
  set_train_threads(0);
  ASSERT_EQ(grads[0].size(), grads[1].size());
  EXPECT_EQ(std::memcmp(grads[0].data(), grads[1].data(), grads[0].size() * sizeof(float)), 0);
}

}  // namespace atome::train
