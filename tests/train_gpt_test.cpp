// The vanilla GPT baseline (train/gpt_model.h): its ops' backward against central differences,
// the whole model's gradient, the original's parameter counts, causality, and gradients that do
// not depend on the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "gradcheck.h"
#include "train/gemm.h"
#include "train/gpt_model.h"
#include "train/gpt_ops.h"

namespace atome::train {
namespace {

std::vector<uint8_t> random_bytes(size_t n, std::mt19937& rng) {
  std::vector<uint8_t> t(n);
  for (auto& x : t) x = static_cast<uint8_t>(rng() % 256);
  return t;
}

TEST(TrainGptOps, GeluMatchesErfFormAndItsBackward) {
  std::mt19937 rng(21);
  std::vector<float> x = randn(40, rng, 2.0f);
  x.push_back(0.0f);
  std::vector<float> y(x.size());
  gelu_forward(y.data(), x.data(), x.size());
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(y[i], 0.5 * x[i] * (1.0 + std::erf(x[i] / std::sqrt(2.0))), 1e-6);
  const std::vector<float> probe = randn(x.size(), rng);
  std::vector<float> dx(x.size(), 0.0f);
  gelu_backward(dx.data(), probe.data(), x.data(), x.size());
  auto loss = [&] {
    std::vector<float> out(x.size());
    gelu_forward(out.data(), x.data(), x.size());
    return dot_probe(out, probe);
  };
  expect_gradient(x, dx, loss, 1e-2f, 2e-3);
}

TEST(TrainGptOps, CausalAttentionBackward) {
  std::mt19937 rng(22);
  const size_t B = 2, T = 5;
  const uint32_t d = 6, H = 2;
  std::vector<float> qkv = randn(B * T * 3 * d, rng);
  const std::vector<float> probe = randn(B * T * d, rng);
  std::vector<float> out(B * T * d), probs(B * H * T * T);
  causal_attention_forward(out.data(), probs.data(), qkv.data(), B, T, d, H);
  std::vector<float> dqkv(qkv.size(), 0.0f);
  causal_attention_backward(dqkv.data(), probe.data(), probs.data(), qkv.data(), B, T, d, H);
  auto loss = [&] {
    std::vector<float> o(B * T * d), p(B * H * T * T);
    causal_attention_forward(o.data(), p.data(), qkv.data(), B, T, d, H);
    return dot_probe(o, probe);
  };
  expect_gradient(qkv, dqkv, loss, 1e-2f, 2e-3);
}

TEST(TrainGptOps, CausalAttentionIsCausalAndNormalised) {
  std::mt19937 rng(23);
  const size_t T = 6;
  const uint32_t d = 4, H = 2;
  std::vector<float> qkv = randn(T * 3 * d, rng);
  std::vector<float> a(T * d), b(T * d), probs(H * T * T);
  causal_attention_forward(a.data(), probs.data(), qkv.data(), 1, T, d, H);
  for (uint32_t h = 0; h < H; ++h)
    for (size_t t = 0; t < T; ++t) {
      double sum = 0.0;
      for (size_t j = 0; j <= t; ++j) sum += probs[(h * T + t) * T + j];
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  for (uint32_t c = 0; c < 3 * d; ++c) qkv[(T - 1) * 3 * d + c] += 5.0f;  // the last position
  causal_attention_forward(b.data(), probs.data(), qkv.data(), 1, T, d, H);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), (T - 1) * d * sizeof(float)), 0);
}

TEST(TrainGpt, ParameterCountsOfTheOriginalsBaselines) {
  EXPECT_EQ(GptModel(gpt_preset("vanilla-60k")).param_count(), 60808u);  // param-fair
  EXPECT_EQ(GptModel(gpt_preset("vanilla-6k")).param_count(), 5968u);    // flash-fair
  EXPECT_THROW(gpt_preset("vanilla-1m"), std::invalid_argument);
  EXPECT_THROW(GptModel(GptConfig{10, 1, 4, 8, 8}), std::invalid_argument);  // 4 heads, d 10
}

// A small GPT with its norms moved away from gamma 1 / beta 0 (so that their gradients are not
// special cases) and a batch of 2 x 6 random bytes.
struct GptGradientCase {
  GptModel model{GptConfig{8, 2, 2, 12, 8}};
  std::vector<uint8_t> tokens, targets;
  static constexpr size_t B = 2, T = 6;
};

GptGradientCase gpt_gradient_case() {
  GptGradientCase g;
  g.model.init(3);
  std::mt19937 rng(24);
  g.tokens = random_bytes(g.B * g.T, rng);
  g.targets = random_bytes(g.B * g.T, rng);
  std::vector<float>& w = g.model.params();
  for (const ParamTensor& t : g.model.tensors())
    if (t.rows == 1)
      for (size_t i = 0; i < t.count; ++i) w[t.offset + i] += 0.3f * randn(1, rng)[0];
  return g;
}

// Every element of every tensor of a small GPT against central differences (gradcheck.h).
TEST(TrainGpt, WholeModelGradient) {
  GptGradientCase g = gpt_gradient_case();
  expect_model_gradient(g.model, g.tokens, g.targets, g.B, g.T, "GPT model");
}
// The checker itself: a zeroed or sign-flipped gradient of any one tensor fails it.
TEST(TrainGpt, GradientCheckCatchesAWrongTensorGradient) {
  GptGradientCase g = gpt_gradient_case();
  expect_checker_catches_mutations(g.model, g.tokens, g.targets, g.B, g.T);
}

TEST(TrainGpt, LogitsAreCausalAndPositionsAreBounded) {
  GptModel model(GptConfig{8, 2, 2, 12, 8});
  model.init(4);
  std::mt19937 rng(25);
  std::vector<uint8_t> tokens = random_bytes(8, rng);
  model.forward(tokens.data(), nullptr, 1, 8);
  const std::vector<float> a(model.logits(), model.logits() + 8 * 256);
  tokens[7] ^= 0x55;
  model.forward(tokens.data(), nullptr, 1, 8);
  EXPECT_EQ(std::memcmp(a.data(), model.logits(), 7 * 256 * sizeof(float)), 0);
  EXPECT_NE(std::memcmp(a.data() + 7 * 256, model.logits() + 7 * 256, 256 * sizeof(float)), 0);
  std::vector<uint8_t> longer(9, 1);
  EXPECT_THROW(model.forward(longer.data(), nullptr, 1, 9), std::invalid_argument);
}

TEST(TrainGpt, GradientsDoNotDependOnThreadCount) {
  std::mt19937 rng(26);
  const size_t B = 4, T = 16;
  const std::vector<uint8_t> tokens = random_bytes(B * T, rng), targets = random_bytes(B * T, rng);
  expect_gradients_thread_independent(
      [] {
        GptModel model(gpt_preset("vanilla-6k"));
        model.init(9);
        return model;
      },
      tokens, targets, B, T);
}

}  // namespace
}  // namespace atome::train
