// Trainer ops: every backward against central finite differences of its forward, and the
// forwards against the engine's arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/fixed.h"
#include "engine/ops.h"
#include "engine/ternary.h"
#include "gradcheck.h"
#include "train/gemm.h"
#include "train/token_ops.h"

namespace atome::train {
namespace {

TEST(TrainOps, RoundHalfEven) {
  EXPECT_EQ(round_half_even(0.5f), 0.0f);
  EXPECT_EQ(round_half_even(1.5f), 2.0f);
  EXPECT_EQ(round_half_even(-0.5f), -0.0f);
  EXPECT_EQ(round_half_even(-1.5f), -2.0f);
  EXPECT_EQ(round_half_even(0.49999997f), 0.0f);
  EXPECT_EQ(round_half_even(2.6f), 3.0f);
}

TEST(TrainOps, QuantizeIsAbsmeanRoundClip) {
  const float w[6] = {0.9f, -0.1f, 0.3f, -2.0f, 0.0f, 0.5f};
  Ternary q;
  quantize_ternary(q, w, 2, 3);
  EXPECT_FLOAT_EQ(q.alpha, (0.9f + 0.1f + 0.3f + 2.0f + 0.0f + 0.5f) / 6.0f);  // 0.6333
  const int8_t want[6] = {1, 0, 0, -1, 0, 1};  // 0.9/0.633=1.42, 0.3/0.633=0.47, 0.5/0.633=0.79
  for (int i = 0; i < 6; ++i) EXPECT_EQ(q.trits[i], want[i]) << i;
  const float zero[4] = {0, 0, 0, 0};
  quantize_ternary(q, zero, 1, 4);
  EXPECT_FLOAT_EQ(q.alpha, 1e-5f);
}

// The trainer multiplies by the dequantised weights (a dense product); the engine adds +-x and
// scales last. Same maths, different rounding: they agree to a few ulps of the row's magnitude.
TEST(TrainOps, TernaryLinearForwardMatchesTheEngineKernel) {
  std::mt19937 rng(1);
  const uint32_t in_dim = 37, out_dim = 11;
  const size_t n = 5;
  const std::vector<float> w = randn(in_dim * out_dim, rng), x = randn(n * in_dim, rng);
  Ternary q;
  quantize_ternary(q, w.data(), out_dim, in_dim);
  std::vector<float> out(n * out_dim), engine(out_dim);
  ternary_linear_forward(out.data(), x.data(), q, n);
  for (size_t i = 0; i < n; ++i) {
    ternary_matvec(engine.data(), q.view(), x.data() + i * in_dim);  // the build's kernel
    for (uint32_t r = 0; r < out_dim; ++r)
      EXPECT_NEAR(engine[r], out[i * out_dim + r], 1e-5f * (1.0f + std::fabs(engine[r])));
  }
}

// Straight-through: with the quantised weights q held fixed, the backward's din is the exact
// gradient at `input`; its dW equals the gradient of the same product with the float weights w in
// place of the quantised ones (d/dW of sum(probe * (W input))). Both against finite differences.
void expect_ternary_linear_gradients(std::vector<float> input, std::vector<float>& w,
                                     const Ternary& q, const std::vector<float>& probe, size_t n,
                                     uint32_t out_dim, uint32_t in_dim) {
  std::vector<float> din(input.size(), 0.0f), dw(w.size(), 0.0f);
  ternary_linear_backward(din.data(), dw.data(), probe.data(), input.data(), q, n);
  expect_gradient(
      input, din,
      [&] {
        std::vector<float> out(n * out_dim);
        ternary_linear_forward(out.data(), input.data(), q, n);
        return dot_probe(out, probe);
      },
      1e-2f, 2e-3);
  expect_gradient(
      w, dw,
      [&] {
        double s = 0.0;
        for (size_t i = 0; i < n; ++i)
          for (uint32_t r = 0; r < out_dim; ++r)
            for (uint32_t c = 0; c < in_dim; ++c)
              s += static_cast<double>(probe[i * out_dim + r]) * w[r * in_dim + c] *
                   input[i * in_dim + c];
        return s;
      },
      1e-2f, 1e-3);
}

// Straight-through: with the quantised weights held fixed, din is exact; dW equals the gradient
// of the same product with the float weights in place of the quantised ones.
TEST(TrainOps, TernaryLinearBackward) {
  std::mt19937 rng(2);
  const uint32_t in_dim = 9, out_dim = 6;
  const size_t n = 3;
  std::vector<float> w = randn(in_dim * out_dim, rng), x = randn(n * in_dim, rng);
  const std::vector<float> probe = randn(n * out_dim, rng);
  Ternary q;
  quantize_ternary(q, w.data(), out_dim, in_dim);
  expect_ternary_linear_gradients(x, w, q, probe, n, out_dim, in_dim);
}

// ---- activation fake quantisation (QAT) ---------------------------------------------------------

// a8: q is the engine's RoundClip(127 x / max|x|) (half away from zero), and the linear's output
// is the engine's float(int32 sum) * (alpha * max|x| / 127) to the bit.
TEST(TrainOps, FakeQuantA8IsTheEnginesA8) {
  std::mt19937 rng(21);
  const uint32_t in_dim = 40, out_dim = 13;
  const size_t n = 4;
  const std::vector<float> w = randn(in_dim * out_dim, rng), x = randn(n * in_dim, rng, 3.0f);
  Ternary t;
  quantize_ternary(t, w.data(), out_dim, in_dim);
  QuantInput qi;
  fake_quant_a8(qi, x.data(), n, in_dim);
  std::vector<float> out(n * out_dim);
  ternary_linear_forward_q(out.data(), qi, t, n);
  for (size_t i = 0; i < n; ++i) {
    float m = 0.0f;
    for (uint32_t c = 0; c < in_dim; ++c) m = std::fmax(m, std::fabs(x[i * in_dim + c]));
    EXPECT_EQ(qi.scale[i], m / 127.0f);
    for (uint32_t c = 0; c < in_dim; ++c) {
      const float v = x[i * in_dim + c] * (127.0f / m);
      EXPECT_EQ(qi.q[i * in_dim + c], std::round(v)) << i << " " << c;  // half away from zero
      EXPECT_EQ(qi.deq[i * in_dim + c], qi.q[i * in_dim + c] * qi.scale[i]);
    }
    for (uint32_t r = 0; r < out_dim; ++r) {
      int32_t acc = 0;
      for (uint32_t c = 0; c < in_dim; ++c)
        acc += t.trits[r * in_dim + c] * static_cast<int32_t>(qi.q[i * in_dim + c]);
      EXPECT_EQ(out[i * out_dim + r], static_cast<float>(acc) * (t.alpha * (m / 127.0f)));
    }
  }
  // A zero row quantises to zeros with scale 0 (the engine's m = 0 case).
  const std::vector<float> zero(in_dim, 0.0f);
  fake_quant_a8(qi, zero.data(), 1, in_dim);
  EXPECT_EQ(qi.scale[0], 0.0f);
  for (float v : qi.q) EXPECT_EQ(v, 0.0f);
}

// q15: h on the Q8 grid, then fixed::quantize_h; q, k, v through fixed::quantize_pow2.
TEST(TrainOps, FakeQuantQ15IsTheEnginesIntegerQuantisation) {
  std::mt19937 rng(22);
  const uint32_t d = 24;
  std::vector<float> h = randn(2 * d, rng, 2.0f);
  round_to_q8(h.data(), h.size());
  for (float v : h) EXPECT_EQ(v * 256.0f, std::floor(v * 256.0f));
  QuantInput qi;
  fake_quant_q15(qi, h.data(), 2, d);
  for (size_t i = 0; i < 2; ++i) {
    std::vector<int16_t> h16(d);
    std::vector<int8_t> q8(d);
    for (uint32_t c = 0; c < d; ++c) h16[c] = static_cast<int16_t>(h[i * d + c] * 256.0f);
    const uint32_t deq = fixed::quantize_h(q8.data(), h16.data(), d);
    EXPECT_EQ(qi.scale[i], static_cast<float>(deq / 16777216.0));
    for (uint32_t c = 0; c < d; ++c) EXPECT_EQ(qi.q[i * d + c], q8[c]);
  }
  std::vector<float> v = randn(3 * d, rng, 5.0f), orig = v;
  fake_quant_pow2(v.data(), 3, d);
  for (size_t i = 0; i < 3; ++i) {
    std::vector<int32_t> q16(d);
    std::vector<int8_t> q8(d);
    for (uint32_t c = 0; c < d; ++c)
      q16[c] = static_cast<int32_t>(std::floor(orig[i * d + c] * 65536.0 + 0.5));
    const uint32_t e = fixed::quantize_pow2(q8.data(), q16.data(), d);
    for (uint32_t c = 0; c < d; ++c)
      EXPECT_EQ(v[i * d + c], std::ldexp(static_cast<float>(q8[c]), static_cast<int>(e) - 16));
  }
}

// The straight-through estimator of a fake-quantised input: the backward of the quantised linear
// gives exactly the gradient of the plain linear evaluated at the quantised point deq, for the
// input (passed straight through the rounding) and for the weights (checked against finite
// differences of the plain linear at deq).
TEST(TrainOps, FakeQuantBackwardIsTheGradientAtTheQuantisedPoint) {
  std::mt19937 rng(23);
  const uint32_t in_dim = 9, out_dim = 6;
  const size_t n = 3;
  std::vector<float> w = randn(in_dim * out_dim, rng);
  const std::vector<float> x = randn(n * in_dim, rng), probe = randn(n * out_dim, rng);
  for (int numerics : {1, 2}) {
    std::vector<float> h = x;
    if (numerics == 2) round_to_q8(h.data(), h.size());
    QuantInput qi;
    if (numerics == 1)
      fake_quant_a8(qi, h.data(), n, in_dim);
    else
      fake_quant_q15(qi, h.data(), n, in_dim);
    Ternary t;
    quantize_ternary(t, w.data(), out_dim, in_dim);
    // The forward is the plain linear at deq (to float rounding of the scale's placement).
    std::vector<float> out_q(n * out_dim), out_plain(n * out_dim);
    ternary_linear_forward_q(out_q.data(), qi, t, n);
    ternary_linear_forward(out_plain.data(), qi.deq.data(), t, n);
    for (size_t i = 0; i < out_q.size(); ++i)
      EXPECT_NEAR(out_q[i], out_plain[i], 1e-5f * (1.0f + std::fabs(out_plain[i])));
    // The backward as the model runs it (in = deq).
    expect_ternary_linear_gradients(qi.deq, w, t, probe, n, out_dim, in_dim);
  }
}

TEST(TrainOps, LayerNormForwardIsTheEngines) {
  std::mt19937 rng(3);
  const uint32_t d = 24;
  const std::vector<float> x = randn(2 * d, rng, 3.0f), g = randn(d, rng), b = randn(d, rng);
  std::vector<float> out(2 * d), mean(2), rstd(2), engine(d);
  layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), g.data(), b.data(), 2, d,
                    1e-5f);
  layer_norm(engine.data(), x.data() + d, g.data(), b.data(), d, 1e-5f);
  EXPECT_EQ(std::memcmp(engine.data(), out.data() + d, d * 4), 0);
}

TEST(TrainOps, LayerNormBackward) {
  std::mt19937 rng(4);
  const uint32_t d = 16;
  const size_t n = 3;
  std::vector<float> x = randn(n * d, rng, 2.0f), g = randn(d, rng), b = randn(d, rng);
  const std::vector<float> probe = randn(n * d, rng);
  std::vector<float> out(n * d), mean(n), rstd(n);
  layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), g.data(), b.data(), n, d,
                    1e-5f);
  std::vector<float> dx(x.size(), 0.0f), dg(d, 0.0f), db(d, 0.0f);
  layernorm_backward(dx.data(), dg.data(), db.data(), probe.data(), x.data(), g.data(), mean.data(),
                     rstd.data(), n, d);
  auto loss = [&] {
    std::vector<float> o(n * d), m(n), r(n);
    layernorm_forward(o.data(), m.data(), r.data(), x.data(), g.data(), b.data(), n, d, 1e-5f);
    return dot_probe(o, probe);
  };
  expect_gradient(x, dx, loss, 1e-2f, 5e-3);
  expect_gradient(g, dg, loss, 1e-2f, 5e-3);
  expect_gradient(b, db, loss, 1e-2f, 5e-3);
}

TEST(TrainOps, CrossEntropyBackward) {
  std::mt19937 rng(5);
  const uint32_t V = 10;
  const size_t n = 4;
  std::vector<float> logits = randn(n * V, rng, 2.0f);
  const uint8_t targets[4] = {3, 0, 9, 3};
  std::vector<float> probs(n * V), dlogits(n * V, 0.0f);
  const double loss0 = cross_entropy_forward(probs.data(), logits.data(), targets, n, V);
  EXPECT_GT(loss0, 0.0);
  cross_entropy_backward(dlogits.data(), probs.data(), targets, n, V, 1.0f);
  expect_gradient(
      logits, dlogits,
      [&] {
        std::vector<float> p(n * V);
        return cross_entropy_forward(p.data(), logits.data(), targets, n, V);
      },
      1e-2f, 2e-3);
}

// ---- dense products -----------------------------------------------------------------------------

// out (n, m) = in (n, k) . w_t (k, m), every element summed over k in increasing order with a
// separate multiply and add: what every kernel variant must compute, to the bit.
std::vector<float> reference_product(const std::vector<float>& in, const std::vector<float>& w_t,
                                     size_t n, uint32_t k, uint32_t m, std::vector<float> out) {
  for (size_t i = 0; i < n; ++i)
    for (uint32_t j = 0; j < m; ++j) {
      float s = out[i * m + j];
      for (uint32_t c = 0; c < k; ++c) {
        const float product = in[i * k + c] * w_t[static_cast<size_t>(c) * m + j];
        s = s + product;
      }
      out[i * m + j] = s;
    }
  return out;
}

// Every kernel variant this CPU runs (AVX-512, AVX2, baseline) gives the same bits as the plain
// sequential sum, on sizes that exercise the 4-row and 32-column blocks and both tails, for the
// three products and any thread count: training does not depend on the CPU.
TEST(TrainGemm, EveryKernelVariantGivesTheSameBits) {
  const GemmKernel saved = gemm_kernel();
  std::mt19937 rng(41);
  struct Size {
    size_t n;
    uint32_t k, m;
  };
  int variants = 0;
  for (GemmKernel kernel : {GemmKernel::kBaseline, GemmKernel::kAvx2, GemmKernel::kAvx512}) {
    if (!gemm_kernel_supported(kernel)) continue;
    ++variants;
    set_gemm_kernel(kernel);
    for (const Size s :
         {Size{1, 1, 1}, Size{7, 37, 71}, Size{13, 64, 33}, Size{36, 5, 256}, Size{9, 100, 31}}) {
      const std::vector<float> in = randn(s.n * s.k, rng), w = randn(s.m * s.k, rng),
                               dout = randn(s.n * s.m, rng);
      std::vector<float> w_t(w.size());  // (k, m)
      for (uint32_t r = 0; r < s.m; ++r)
        for (uint32_t c = 0; c < s.k; ++c) w_t[static_cast<size_t>(c) * s.m + r] = w[r * s.k + c];
      std::vector<float> dout_t(dout.size());  // (m, n)
      for (size_t i = 0; i < s.n; ++i)
        for (uint32_t r = 0; r < s.m; ++r) dout_t[r * s.n + i] = dout[i * s.m + r];
      const std::vector<float> din0 = randn(s.n * s.k, rng), dw0 = randn(s.m * s.k, rng);
      const std::vector<float> want_out =
          reference_product(in, w_t, s.n, s.k, s.m, std::vector<float>(s.n * s.m, 0.0f));
      const std::vector<float> want_din = reference_product(dout, w, s.n, s.m, s.k, din0);
      const std::vector<float> want_dw =
          reference_product(dout_t, in, s.m, static_cast<uint32_t>(s.n), s.k, dw0);
      for (int threads : {1, 3}) {
        set_train_threads(threads);
        std::vector<float> out(s.n * s.m, 7.0f), din = din0, dw = dw0;
        matmul_forward(out.data(), in.data(), w_t.data(), s.n, s.k, s.m);
        matmul_backward_input(din.data(), dout.data(), w.data(), s.n, s.m, s.k);
        matmul_backward_weight(dw.data(), dout.data(), in.data(), s.n, s.m, s.k);
        const std::string where = std::string(gemm_kernel_name(kernel)) + " n " +
                                  std::to_string(s.n) + " k " + std::to_string(s.k) + " m " +
                                  std::to_string(s.m) + " threads " + std::to_string(threads);
        EXPECT_EQ(std::memcmp(out.data(), want_out.data(), out.size() * 4), 0) << where;
        EXPECT_EQ(std::memcmp(din.data(), want_din.data(), din.size() * 4), 0) << where;
        EXPECT_EQ(std::memcmp(dw.data(), want_dw.data(), dw.size() * 4), 0) << where;
      }
    }
  }
  set_train_threads(0);
  set_gemm_kernel(saved);
  std::printf("[gemm] %d kernel variants checked on this CPU (in use: %s)\n", variants,
              gemm_kernel_name(saved));
}

}  // namespace
}  // namespace atome::train
