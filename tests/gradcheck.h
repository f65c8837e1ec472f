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
#include <string>
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

// ---- the whole-model check ---------------------------------------------------------------------
//
// Which elements: every element of the small tensors, and of the vocabulary-sized ones
// (embedding, unembedding: 256 rows) every row the batch uses as an input or a target plus every
// 37th element; each checked tensor must have an element with a non-negligible gradient. The
// reference is computed in double from the steps actually taken (the float-rounded w +- h, not
// 2h). Two references per element:
//  - fine: the central difference at h = 1e-3. The forward is float, so its rounding (~1e-7 of the
//    loss) over the step leaves ~1e-4 of noise: a loose bound.
//  - smooth: Richardson's combination of the central differences at h = 1e-2 and 2e-2, exact to
//    O(h^4) and ~10x less noisy: a tight bound. It is only valid where the loss is smooth over
//    +-2h; top-k attention's selection is piecewise constant, so where the kept set changes
//    within the stencil the two references disagree and the element is held to the fine one.
struct GradientReference {
  double value = 0.0;
  bool checked = false;  // sampled (see above)
  bool smooth = false;   // value is the smooth (tight) reference
};

// What compare_model_gradient found. A smooth element passes when |numeric - analytic| <=
// kAbs + kRel * |numeric|, one across a selection change within kFineAbs + kFineRel * |numeric|.
struct ModelGradientReport {
  static constexpr double kAbs = 3e-5, kRel = 2e-3;
  static constexpr double kFineAbs = 2e-4, kFineRel = 2e-2;
  // A numeric gradient at least this large is "non-negligible": a zeroed or sign-flipped analytic
  // gradient there fails either bound.
  static constexpr double kSignificant = 5e-4;
  size_t checked = 0;      // elements compared
  size_t inert = 0;        // tensors the loss ignores (numeric exactly 0 everywhere)
  size_t significant = 0;  // of which with |numeric| >= kSignificant
  size_t not_smooth = 0;   // of which held to the fine bound
  size_t failures = 0;     // elements beyond their bound, plus tensors with no significant element
  double worst_ratio = 0.0;         // largest err / bound over all elements (<= 1 passes)
  double worst_abs = 0.0;           // largest |numeric - analytic| over smooth elements
  double worst_rel = 0.0;           // largest err / |numeric| over smooth significant elements
  std::vector<std::string> errors;  // the first few failures, readable
};

// The gradient of a model's mean loss on (tokens, targets) from its backward.
inline std::vector<float> analytic_model_gradient(LanguageModel& model,
                                                  const std::vector<uint8_t>& tokens,
                                                  const std::vector<uint8_t>& targets, size_t B,
                                                  size_t T) {
  model.zero_grad();
  model.forward(tokens.data(), targets.data(), B, T);
  model.backward();
  return model.grads();
}

// The references above for every parameter. One thread: the small forwards run faster without
// OpenMP's wake-ups, and the bits do not depend on the thread count anyway.
inline std::vector<GradientReference> numeric_model_gradient(LanguageModel& model,
                                                             const std::vector<uint8_t>& tokens,
                                                             const std::vector<uint8_t>& targets,
                                                             size_t B, size_t T) {
  set_train_threads(1);
  std::vector<float>& w = model.params();
  std::vector<GradientReference> numeric(w.size());
  std::vector<bool> row_used(256, false);
  for (const std::vector<uint8_t>* bytes : {&tokens, &targets})
    for (uint8_t b : *bytes) row_used[b] = true;
  // Central difference over w +- h, divided by the step the float weights actually took.
  auto central = [&](size_t i, float h) {
    const float saved = w[i];
    w[i] = saved + h;
    const double up_w = w[i], up = model.forward(tokens.data(), targets.data(), B, T);
    w[i] = saved - h;
    const double down_w = w[i], down = model.forward(tokens.data(), targets.data(), B, T);
    w[i] = saved;
    return (up - down) / (up_w - down_w);
  };
  for (const ParamTensor& t : model.tensors()) {
    for (size_t e = 0; e < t.count; ++e) {
      const bool vocabulary = t.rows == 256 && t.count > 512;
      if (vocabulary && !row_used[e / t.cols] && e % 37 != 0) continue;
      const size_t i = t.offset + e;
      const double fine = central(i, 1e-3f);
      const double smooth = (4.0 * central(i, 1e-2f) - central(i, 2e-2f)) / 3.0;
      // Smooth over the stencil: the references agree within the fine one's noise.
      if (std::fabs(smooth - fine) <= 4e-4 + 3e-3 * std::fabs(fine))
        numeric[i] = {smooth, true, true};
      else
        numeric[i] = {fine, true, false};
    }
  }
  set_train_threads(0);
  return numeric;
}

// Compares the two element by element. A tensor none of whose elements has a non-negligible
// numeric gradient counts as a failure: its gradient would go unchecked.
inline ModelGradientReport compare_model_gradient(const std::vector<ParamTensor>& tensors,
                                                  const std::vector<GradientReference>& numeric,
                                                  const std::vector<float>& analytic) {
  using R = ModelGradientReport;
  R r;
  auto note = [&r](const std::string& why) {
    ++r.failures;
    if (r.errors.size() < 8) r.errors.push_back(why);
  };
  for (const ParamTensor& t : tensors) {
    size_t significant = 0;
    bool inert = true;
    for (size_t e = 0; e < t.count; ++e) {
      const size_t i = t.offset + e;
      if (!numeric[i].checked) continue;
      inert = inert && numeric[i].value == 0.0;
      const double n = numeric[i].value, an = fabs(n);
      const double err = std::fabs(n - static_cast<double>(analytic[i]));
      const double bound =
          numeric[i].smooth ? R::kAbs + R::kRel * an : R::kFineAbs + R::kFineRel * an;
      ++r.checked;
      r.worst_ratio = std::fmax(r.worst_ratio, err / bound);
      if (an >= R::kSignificant) ++significant;
      if (numeric[i].smooth) {
        r.worst_abs = std::fmax(r.worst_abs, err);
        if (an >= R::kSignificant) r.worst_rel = std::fmax(r.worst_rel, err / an);
      } else {
        ++r.not_smooth;
      }
      if (!(err <= bound))
        note(t.name + " element " + std::to_string(e) + ": numeric " + std::to_string(n) +
             (numeric[i].smooth ? "" : " (fine)") + " analytic " + std::to_string(analytic[i]));
    }
    r.significant += significant;  // A tensor the loss ignores (a router over one pathway: softmax
                                   // of one value) has nothing
    // to check beyond the zeros above; any other needs a real gradient somewhere.
    if (inert)
      ++r.inert;
    else if (significant == 0)
      note(t.name + ": no element with a non-negligible gradient");
  }
  return r;
}

inline ModelGradientReport check_model_gradient(LanguageModel& model,
                                                const std::vector<uint8_t>& tokens,
                                                const std::vector<uint8_t>& targets, size_t B,
                                                size_t T) {
  const std::vector<float> analytic = analytic_model_gradient(model, tokens, targets, B, T);
  return compare_model_gradient(model.tensors(),
                                numeric_model_gradient(model, tokens, targets, B, T), analytic);
}

// check_model_gradient as a test: no failure. `label` names the model in the summary line.
inline void expect_model_gradient(LanguageModel& model, const std::vector<uint8_t>& tokens,
                                  const std::vector<uint8_t>& targets, size_t B, size_t T,
                                  const char* label) {
  const ModelGradientReport r = check_model_gradient(model, tokens, targets, B, T);
  EXPECT_EQ(r.failures, 0u) << label;
  for (const std::string& e : r.errors) ADD_FAILURE() << label << ": " << e;
  std::printf(
      "[gradcheck] %s: %zu elements (%zu non-negligible, %zu across a top-k change), %zu inert "
      "tensors; smooth ones: worst |err| %.2e, worst err/|numeric| %.2e; worst err/bound %.2f\n",
      label, r.checked, r.significant, r.not_smooth, r.inert, r.worst_abs, r.worst_rel,
      r.worst_ratio);
}

// The checker's own test: for every tensor, a zeroed and a sign-flipped analytic gradient each
// make the comparison fail. (A checker that never looks at an element with a real gradient, such
// as an embedding row the batch does not use, would let them pass.)
inline void expect_checker_catches_mutations(LanguageModel& model,
                                             const std::vector<uint8_t>& tokens,
                                             const std::vector<uint8_t>& targets, size_t B,
                                             size_t T) {
  const std::vector<float> analytic = analytic_model_gradient(model, tokens, targets, B, T);
  const std::vector<GradientReference> numeric =
      numeric_model_gradient(model, tokens, targets, B, T);
  const ModelGradientReport clean = compare_model_gradient(model.tensors(), numeric, analytic);
  EXPECT_EQ(clean.failures, 0u);
  EXPECT_EQ(clean.inert, 0u);  // every tensor's mutation must be detectable
  for (const ParamTensor& t : model.tensors()) {
    for (const float factor : {0.0f, -1.0f}) {
      std::vector<float> mutated = analytic;
      for (size_t i = 0; i < t.count; ++i) mutated[t.offset + i] *= factor;
      EXPECT_GT(compare_model_gradient(model.tensors(), numeric, mutated).failures, 0u)
          << "the gradient of " << t.name << " multiplied by " << factor << " passed the check";
    }
  }
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
