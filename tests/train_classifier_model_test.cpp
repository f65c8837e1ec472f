// The classifier head in the trainer (train/model.h, train/class_head_ops.h): its gradients
// against central differences, on the whole model and on the ops alone, and the checker catching
// a wrong head gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "gradcheck.h"
#include "random_model.h"
#include "train/class_head_ops.h"
#include "train/model.h"

namespace atome::train {
namespace {

constexpr uint32_t kClasses = 3;

// A small classifier, quantiser off (the gradient of the dequantised model is the
// straight-through one), 3 sequences of 5 random tokens, labels at the last positions and
// unequal class weights (so the weighting is checked too).
struct ClassCase {
  AtomeModel model;
  std::vector<uint8_t> tokens, targets;
  static constexpr size_t B = 3, T = 5;
};

ClassCase class_case() {
  atome_config c = test::small_config(8, 2, 4, 3, 2, ATOME_PATH_ALL, kClasses);
  c.no_unembed = 1;
  ClassCase g{AtomeModel(c), {}, {}};
  g.model.init(5);
  g.model.set_quantization(false);
  g.model.set_class_weights({0.5f, 2.0f, 1.0f});
  std::mt19937 rng(23);
  for (size_t i = 0; i < g.B * g.T; ++i) g.tokens.push_back(static_cast<uint8_t>(rng() % 256));
  g.targets.assign(g.B * g.T, 0);
  const uint8_t labels[g.B] = {1, 2, 1};
  for (size_t b = 0; b < g.B; ++b) g.targets[b * g.T + g.T - 1] = labels[b];
  std::vector<float>& w = g.model.params();
  for (const ParamTensor& t : g.model.tensors())
    if (!t.ternary)
      for (size_t i = 0; i < t.count; ++i) w[t.offset + i] += 0.3f * randn(1, rng)[0];
  return g;
}

TEST(TrainClassifier, HasAHeadAndNoUnembedding) {
  ClassCase g = class_case();
  bool head = false;
  for (const ParamTensor& t : g.model.tensors()) {
    EXPECT_NE(t.kind, format::kUnembed);
    head = head || (t.kind == format::kHead && t.rows == kClasses);
  }
  EXPECT_TRUE(head);
  g.model.forward(g.tokens.data(), nullptr, g.B, g.T);  // inference: logits (B, classes)
  EXPECT_TRUE(std::isfinite(g.model.logits()[g.B * kClasses - 1]));
  atome_config lm = test::small_config(8, 1, 4, 3, 2, ATOME_PATH_ALL, kClasses);
  EXPECT_THROW(AtomeModel{lm}, std::invalid_argument);  // a classifier needs no_unembed
}

// Every tensor: the embedding on the rows the batch uses (gradcheck.h), the head, the final norm
// and the blocks, through the last position only.
TEST(TrainClassifier, WholeModelGradient) {
  ClassCase g = class_case();
  expect_model_gradient(g.model, g.tokens, g.targets, g.B, g.T, "classifier");
}

// The checker on this model: a zeroed or sign-flipped gradient of any tensor (the head among
// them) fails it.
TEST(TrainClassifier, GradientCheckCatchesAWrongHeadGradient) {
  ClassCase g = class_case();
  expect_checker_catches_mutations(g.model, g.tokens, g.targets, g.B, g.T);
}

// Only the last position reaches the head: the logits do not change when an earlier position's
// final state would, and the row gather's backward fills only those rows.
TEST(TrainClassifier, LastTokenOpsTouchOnlyTheLastRows) {
  const size_t B = 2, T = 3;
  const uint32_t d = 2;
  std::vector<float> in(B * T * d);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(i);
  std::vector<float> out(B * d);
  last_token_forward(out.data(), in.data(), B, T, d);
  EXPECT_EQ(out, (std::vector<float>{4, 5, 10, 11}));
  std::vector<float> din(B * T * d, 0.0f);
  last_token_backward(din.data(), out.data(), B, T, d);
  EXPECT_EQ(din, (std::vector<float>{0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 10, 11}));
}

// The weighted loss and its gradient by central differences on the logits.
TEST(TrainClassifier, WeightedCrossEntropyGradient) {
  std::mt19937 rng(3);
  const size_t n = 4;
  std::vector<float> logits = randn(n * kClasses, rng);
  const std::vector<uint8_t> labels = {0, 2, 2, 1};
  const std::vector<float> weight = {3.0f, 0.5f, 1.0f};
  std::vector<float> probs(n * kClasses), d(n * kClasses);
  auto loss = [&] {
    return weighted_cross_entropy_forward(probs.data(), logits.data(), labels.data(), weight.data(),
                                          n, kClasses, nullptr);
  };
  loss();
  weighted_cross_entropy_backward(d.data(), probs.data(), labels.data(), weight.data(), n,
                                  kClasses);
  expect_gradient(logits, d, loss, 1e-2f, 2e-3);
  // All weights 1: the plain mean cross-entropy.
  const std::vector<float> ones(kClasses, 1.0f);
  std::vector<double> rows(n);
  const double weighted = weighted_cross_entropy_forward(probs.data(), logits.data(), labels.data(),
                                                         ones.data(), n, kClasses, rows.data());
  EXPECT_NEAR(weighted, (rows[0] + rows[1] + rows[2] + rows[3]) / n, 1e-12);
}

// Label smoothing (--label-smoothing): the smoothed loss's gradient against central differences,
// its value against the definition, and row_loss still the plain -log p_y.
TEST(TrainClassifier, SmoothedCrossEntropyGradient) {
  std::mt19937 rng(5);
  const size_t n = 4;
  const float s = 0.2f;
  std::vector<float> logits = randn(n * kClasses, rng);
  const std::vector<uint8_t> labels = {1, 0, 2, 1};
  const std::vector<float> weight = {0.5f, 2.0f, 1.0f};
  std::vector<float> probs(n * kClasses), d(n * kClasses);
  std::vector<double> rows(n);
  auto loss = [&] {
    return weighted_cross_entropy_forward(probs.data(), logits.data(), labels.data(), weight.data(),
                                          n, kClasses, rows.data(), s);
  };
  loss();
  weighted_cross_entropy_backward(d.data(), probs.data(), labels.data(), weight.data(), n, kClasses,
                                  s);
  expect_gradient(logits, d, loss, 1e-2f, 2e-3);
  const double got = loss();  // probs and rows at the unperturbed logits again
  double total = 0.0, total_w = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double smoothed = 0.0;
    for (uint32_t k = 0; k < kClasses; ++k) {
      const double nll = -std::log(static_cast<double>(probs[i * kClasses + k]));
      smoothed += ((k == labels[i] ? 1.0 - s : 0.0) + s / kClasses) * nll;
      if (k == labels[i]) {
        EXPECT_NEAR(rows[i], nll, 1e-5) << "row " << i;
      }
    }
    total += weight[labels[i]] * smoothed;
    total_w += weight[labels[i]];
  }
  EXPECT_NEAR(got, total / total_w, 1e-5);
}

}  // namespace
}  // namespace atome::train
