// The trainer's time-axis ops (conv, SSM, top-k attention), the router mix and the whole Atome
// model: every backward against central finite differences, and the model's gradients
// independent of the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gradcheck.h"
#include "random_model.h"
#include "train/gemm.h"
#include "train/model.h"
#include "train/sequence_ops.h"
#include "train/token_ops.h"

namespace atome::train {
namespace {

constexpr size_t kB = 2, kT = 7;

TEST(TrainSequenceOps, ConvBackward) {
  std::mt19937 rng(11);
  const uint32_t d = 5, K = 3;
  std::vector<float> h = randn(kB * kT * d, rng), w = randn(d * K, rng);
  const std::vector<float> probe = randn(kB * kT * d, rng);
  Ternary q;
  quantize_ternary(q, w.data(), d, K);
  std::vector<float> dh(h.size(), 0.0f), dw(w.size(), 0.0f);
  conv_backward(dh.data(), dw.data(), probe.data(), h.data(), q, kB, kT, d);
  auto loss_q = [&] {
    std::vector<float> out(h.size());
    conv_forward(out.data(), h.data(), q, kB, kT, d);
    return dot_probe(out, probe);
  };
  expect_gradient(h, dh, loss_q, 1e-2f, 2e-3);
  // The weight gradient (straight through) is the gradient with the quantiser as identity.
  auto loss_w = [&] {
    Ternary id;
    identity_ternary(id, w.data(), d, K);
    std::vector<float> out(h.size());
    conv_forward(out.data(), h.data(), id, kB, kT, d);
    return dot_probe(out, probe);
  };
  expect_gradient(w, dw, loss_w, 1e-2f, 2e-3);
}

TEST(TrainSequenceOps, ConvIsCausal) {
  std::mt19937 rng(12);
  const uint32_t d = 4, K = 5;
  std::vector<float> h = randn(kT * d, rng), w = randn(d * K, rng);
  Ternary q;
  quantize_ternary(q, w.data(), d, K);
  std::vector<float> a(h.size()), b(h.size());
  conv_forward(a.data(), h.data(), q, 1, kT, d);
  for (uint32_t c = 0; c < d; ++c) h[(kT - 1) * d + c] += 10.0f;  // change the last position only
  conv_forward(b.data(), h.data(), q, 1, kT, d);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), (kT - 1) * d * sizeof(float)), 0);
}

TEST(TrainSequenceOps, SsmBackward) {
  std::mt19937 rng(13);
  const uint32_t d = 4;
  std::vector<float> h = randn(kB * kT * d, rng), decay(d), b = randn(d, rng), c = randn(d, rng);
  for (auto& x : decay) x = std::uniform_real_distribution<float>(0.2f, 0.95f)(rng);
  const std::vector<float> probe = randn(kB * kT * d, rng);
  std::vector<float> y(h.size()), state(h.size());
  ssm_forward(y.data(), state.data(), h.data(), decay.data(), b.data(), c.data(), kB, kT, d);
  std::vector<float> dh(h.size(), 0.0f), ddecay(d, 0.0f), db(d, 0.0f), dc(d, 0.0f);
  ssm_backward(dh.data(), ddecay.data(), db.data(), dc.data(), probe.data(), state.data(), h.data(),
               decay.data(), b.data(), c.data(), kB, kT, d);
  auto loss = [&] {
    std::vector<float> out(h.size()), s(h.size());
    ssm_forward(out.data(), s.data(), h.data(), decay.data(), b.data(), c.data(), kB, kT, d);
    return dot_probe(out, probe);
  };
  expect_gradient(h, dh, loss, 1e-2f, 2e-3);
  expect_gradient(decay, ddecay, loss, 1e-3f, 5e-3);
  expect_gradient(b, db, loss, 1e-2f, 2e-3);
  expect_gradient(c, dc, loss, 1e-2f, 2e-3);
}

TEST(TrainSequenceOps, AttentionBackward) {
  std::mt19937 rng(14);
  const uint32_t dh = 4, d = 6, top_k = 3;
  std::vector<float> q = randn(kB * kT * dh, rng), k = randn(kB * kT * dh, rng),
                     v = randn(kB * kT * d, rng);
  const std::vector<float> probe = randn(kB * kT * d, rng);
  AttentionSaved saved;
  std::vector<float> out(kB * kT * d);
  attention_forward(out.data(), saved, q.data(), k.data(), v.data(), kB, kT, dh, d, top_k);
  std::vector<float> dq(q.size(), 0.0f), dk(k.size(), 0.0f), dv(v.size(), 0.0f);
  attention_backward(dq.data(), dk.data(), dv.data(), probe.data(), saved, q.data(), k.data(),
                     v.data(), kB, kT, dh, d, top_k);
  auto loss = [&] {
    AttentionSaved s;
    std::vector<float> o(kB * kT * d);
    attention_forward(o.data(), s, q.data(), k.data(), v.data(), kB, kT, dh, d, top_k);
    return dot_probe(o, probe);
  };
  // A small step, so that no perturbation changes which positions are kept.
  expect_gradient(q, dq, loss, 1e-3f, 5e-3);
  expect_gradient(k, dk, loss, 1e-3f, 5e-3);
  expect_gradient(v, dv, loss, 1e-3f, 5e-3);
}

TEST(TrainSequenceOps, AttentionKeepsTheTopKCausally) {
  // One sequence, dh 1: scores are q_t * k_j, so the kept set is predictable.
  const float q[4] = {1, 1, 1, 1}, k[4] = {0.5f, 3.0f, 3.0f, 1.0f};
  const float v[4] = {10, 20, 30, 40};
  AttentionSaved saved;
  float out[4];
  attention_forward(out, saved, q, k, v, 1, 4, 1, 1, 2);
  EXPECT_EQ(out[0], 10.0f);               // only itself
  EXPECT_EQ(saved.index[2 * 2 + 0], 1u);  // position 2: tie 3.0 / 3.0, the earlier wins
  EXPECT_EQ(saved.index[2 * 2 + 1], 2u);
  EXPECT_EQ(saved.index[3 * 2 + 0], 1u);  // position 3: never itself (1.0 < 3.0)
  EXPECT_EQ(saved.index[3 * 2 + 1], 2u);
  EXPECT_FLOAT_EQ(out[3], 25.0f);  // equal scores: equal weights
}

TEST(TrainOps, RouterMixBackward) {
  std::mt19937 rng(15);
  const uint32_t d = 5, P = 3;
  const size_t n = 4;
  std::vector<float> logits = randn(n * P, rng), x = randn(n * d, rng);
  std::vector<std::vector<float>> path = {randn(n * d, rng), randn(n * d, rng), randn(n * d, rng)};
  const std::vector<float> probe = randn(n * d, rng);
  auto run = [&](std::vector<float>& probs) {
    std::vector<float> out(n * d);
    probs = logits;
    const float* paths[3] = {path[0].data(), path[1].data(), path[2].data()};
    router_mix_forward(out.data(), probs.data(), x.data(), paths, P, n, d);
    return out;
  };
  std::vector<float> probs;
  run(probs);
  std::vector<float> dlogits(n * P);
  std::vector<std::vector<float>> dpath(3, std::vector<float>(n * d));
  float* dpaths[3] = {dpath[0].data(), dpath[1].data(), dpath[2].data()};
  const float* paths[3] = {path[0].data(), path[1].data(), path[2].data()};
  router_mix_backward(dlogits.data(), dpaths, probe.data(), probs.data(), paths, P, n, d);
  auto loss = [&] {
    std::vector<float> p;
    return dot_probe(run(p), probe);
  };
  expect_gradient(logits, dlogits, loss, 1e-2f, 2e-3);
  for (int p = 0; p < 3; ++p) expect_gradient(path[p], dpath[p], loss, 1e-2f, 2e-3);
}

TEST(TrainOps, EmbeddingBackwardAddsIntoUsedRows) {
  std::mt19937 rng(16);
  const uint32_t d = 3;
  std::vector<float> e = randn(256 * d, rng);
  Ternary q;
  quantize_ternary(q, e.data(), 256, d);
  const uint8_t tokens[3] = {7, 200, 7};
  std::vector<float> out(3 * d);
  embedding_forward(out.data(), tokens, q, 3);
  for (uint32_t k = 0; k < d; ++k) EXPECT_EQ(out[k], q.alpha * q.trits[7 * d + k]);
  const std::vector<float> g = randn(3 * d, rng);
  std::vector<float> de(256 * d, 0.0f);
  embedding_backward(de.data(), g.data(), tokens, 3, d);
  for (uint32_t k = 0; k < d; ++k) {
    EXPECT_EQ(de[7 * d + k], g[k] + g[2 * d + k]);
    EXPECT_EQ(de[200 * d + k], g[d + k]);
    EXPECT_EQ(de[8 * d + k], 0.0f);
  }
}

// ---- the whole model -------------------------------------------------------------------------

std::vector<uint8_t> random_tokens(size_t n, std::mt19937& rng) {
  std::vector<uint8_t> t(n);
  for (auto& x : t) x = static_cast<uint8_t>(rng() % 256);
  return t;
}

// A small model with the quantiser as identity (the straight-through gradient is exactly this
// gradient, evaluated at the dequantised weights) and a batch of 2 x 6 random bytes.
struct GradientCase {
  AtomeModel model;
  std::vector<uint8_t> tokens, targets;
  static constexpr size_t B = 2, T = 6;
};

GradientCase gradient_case(uint32_t pathways) {
  GradientCase g{AtomeModel(test::small_config(8, 2, 4, 3, 2, pathways)), {}, {}};
  g.model.init(5);
  g.model.set_quantization(false);
  std::mt19937 rng(17);
  g.tokens = random_tokens(g.B * g.T, rng);
  g.targets = random_tokens(g.B * g.T, rng);
  // Spread the values of SSM and norm parameters away from their init so that their gradients
  // are not special cases (b = c = 0, gamma = 1).
  std::vector<float>& w = g.model.params();
  for (const ParamTensor& t : g.model.tensors())
    if (!t.ternary)
      for (size_t i = 0; i < t.count; ++i) w[t.offset + i] += 0.3f * randn(1, rng)[0];
  return g;
}

// Gradients of the mean loss, every element of every tensor (gradcheck.h).
void check_atome_gradient(uint32_t pathways) {
  GradientCase g = gradient_case(pathways);
  const std::string label = "model pathways " + std::to_string(pathways);
  expect_model_gradient(g.model, g.tokens, g.targets, g.B, g.T, label.c_str());
}

TEST(TrainModel, WholeModelGradient) {
  check_atome_gradient(ATOME_PATH_ALL);
}
TEST(TrainModel, WholeModelGradientWithoutConv) {
  check_atome_gradient(ATOME_PATH_SSM | ATOME_PATH_ATTN);
}
TEST(TrainModel, WholeModelGradientAttentionOnly) {
  check_atome_gradient(ATOME_PATH_ATTN);
}
// The checker itself: a zeroed or sign-flipped gradient of any one tensor fails it.
TEST(TrainModel, GradientCheckCatchesAWrongTensorGradient) {
  GradientCase g = gradient_case(ATOME_PATH_ALL);
  expect_checker_catches_mutations(g.model, g.tokens, g.targets, g.B, g.T);
}

TEST(TrainModel, ParameterCountOfThePublished60k) {
  const atome_config c = test::small_config(64, 4, 16, 5, 4);
  AtomeModel model(c);
  EXPECT_EQ(model.param_count(), 60800u);  // DESIGN §2 and notes/original-atome.md
}

TEST(TrainModel, GradientsDoNotDependOnThreadCount) {
  const atome_config c = test::small_config(16, 2, 8, 5, 4);
  std::mt19937 rng(18);
  const size_t B = 4, T = 16;
  const std::vector<uint8_t> tokens = random_tokens(B * T, rng),
                             targets = random_tokens(B * T, rng);
  expect_gradients_thread_independent(
      [&c] {
        AtomeModel model(c);
        model.init(3);
        return model;
      },
      tokens, targets, B, T);
}

// Loss and gradients of a step are the same bits with every dense-product kernel this CPU runs
// (AVX-512, AVX2, baseline): a run trains the same weights on any x86-64 level.
TEST(TrainModel, GradientsDoNotDependOnTheCpuKernel) {
  const atome_config c = test::small_config(40, 2, 8, 5, 4);  // d 40: a 32-column block + tail
  std::mt19937 rng(19);
  const size_t B = 3, T = 11;
  const std::vector<uint8_t> tokens = random_tokens(B * T, rng),
                             targets = random_tokens(B * T, rng);
  const GemmKernel saved = gemm_kernel();
  std::vector<float> first;
  double first_loss = 0.0;
  for (GemmKernel kernel : {GemmKernel::kBaseline, GemmKernel::kAvx2, GemmKernel::kAvx512}) {
    if (!gemm_kernel_supported(kernel)) continue;
    set_gemm_kernel(kernel);
    AtomeModel model(c);
    model.init(3);
    model.zero_grad();
    const double loss = model.forward(tokens.data(), targets.data(), B, T);
    model.backward();
    if (first.empty()) {
      first = model.grads();
      first_loss = loss;
      continue;
    }
    EXPECT_EQ(loss, first_loss) << gemm_kernel_name(kernel);
    EXPECT_EQ(std::memcmp(first.data(), model.grads().data(), first.size() * sizeof(float)), 0)
        << gemm_kernel_name(kernel);
  }
  set_gemm_kernel(saved);
}

}  // namespace
}  // namespace atome::train
