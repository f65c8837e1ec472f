// The vanilla GPT's forward and backward over a batch (see gpt_model.h).
#include "train/gpt_model.h"

#include <cmath>
#include <stdexcept>

#include "train/gemm.h"
#include "train/gpt_ops.h"
#include "train/token_ops.h"

namespace atome::train {

namespace {
constexpr uint32_t kVocab = 256;
constexpr float kNormEps = 1e-5f;  // PyTorch's LayerNorm default
}  // namespace

GptConfig gpt_preset(const std::string& name) {
  if (name == "vanilla-60k") return GptConfig{44, 3, 4, 44, 64};
  if (name == "vanilla-6k") return GptConfig{8, 2, 4, 24, 64};
  throw std::invalid_argument("unknown GPT preset '" + name + "' (vanilla-60k or vanilla-6k)");
}

void validate_gpt_config(const GptConfig& c) {
  auto fail = [](const std::string& why) { throw std::invalid_argument("GPT config: " + why); };
  if (c.d_model < 1 || c.d_model > 8192) fail("d must be 1..8192");
  if (c.n_layers < 1 || c.n_layers > 1024) fail("layers must be 1..1024");
  if (c.n_heads < 1 || c.d_model % c.n_heads != 0) fail("heads must divide d");
  if (c.d_ff < 1 || c.d_ff > 65536) fail("d_ff must be 1..65536");
  if (c.max_seq < 1 || c.max_seq > 65536) fail("max_seq must be 1..65536");
}

GptModel::GptModel(const GptConfig& config) : config_(config) {
  validate_gpt_config(config_);
  const uint32_t d = config_.d_model;
  std::vector<ParamTensor> tensors;
  auto add = [&](const std::string& name, uint32_t rows, uint32_t cols, uint16_t layer) {
    ParamTensor t;
    t.name = name;
    t.rows = rows;
    t.cols = cols;
    t.layer = layer;
    t.weight_decay = true;
    tensors.push_back(t);
    return static_cast<int>(tensors.size() - 1);
  };
  wte_ = add("wte", kVocab, d, 0);
  wpe_ = add("wpe", config_.max_seq, d, 0);
  for (uint32_t l = 0; l < config_.n_layers; ++l) {
    const std::string p = "layer " + std::to_string(l) + " ";
    const auto layer = static_cast<uint16_t>(l);
    BlockParams b;
    b.ln1_gamma = add(p + "ln1.gamma", 1, d, layer);
    b.ln1_beta = add(p + "ln1.beta", 1, d, layer);
    b.qkv = add(p + "qkv", 3 * d, d, layer);
    b.proj = add(p + "proj", d, d, layer);
    b.ln2_gamma = add(p + "ln2.gamma", 1, d, layer);
    b.ln2_beta = add(p + "ln2.beta", 1, d, layer);
    b.up = add(p + "up", config_.d_ff, d, layer);
    b.down = add(p + "down", d, config_.d_ff, layer);
    blocks_.push_back(b);
  }
  lnf_gamma_ = add("lnf.gamma", 1, d, 0);
  lnf_beta_ = add("lnf.beta", 1, d, 0);
  unembed_ = add("unembed", kVocab, d, 0);
  allocate(std::move(tensors));
  transposed_.resize(tensors_.size());
  acts_.resize(config_.n_layers);
  residual_.resize(config_.n_layers + 1);
}

void GptModel::init(uint64_t seed) {
  InitRng rng{seed};
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const ParamTensor& t = tensors_[i];
    float* w = params_.data() + t.offset;
    const bool gamma = t.name.size() >= 5 && t.name.compare(t.name.size() - 5, 5, "gamma") == 0;
    const bool beta = t.name.size() >= 4 && t.name.compare(t.name.size() - 4, 4, "beta") == 0;
    const int index = static_cast<int>(i);
    if (gamma || beta) {
      std::fill(w, w + t.count, gamma ? 1.0f : 0.0f);
    } else if (index == wte_ || index == wpe_) {
      for (size_t j = 0; j < t.count; ++j) w[j] = static_cast<float>(rng.normal());
    } else {
      const double bound = 1.0 / std::sqrt(static_cast<double>(t.cols));
      for (size_t j = 0; j < t.count; ++j)
        w[j] = static_cast<float>((2.0 * rng.uniform() - 1.0) * bound);
    }
  }
}

const float* GptModel::transposed(int index) {
  const ParamTensor& t = tensors_[index];
  std::vector<float>& out = transposed_[index];
  out.resize(t.count);
  const float* w = param(index);
  for (uint32_t r = 0; r < t.rows; ++r)
    for (uint32_t c = 0; c < t.cols; ++c)
      out[static_cast<size_t>(c) * t.rows + r] = w[r * t.cols + c];
  return out.data();
}

double GptModel::forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T,
                         double* row_loss) {
  if (T > config_.max_seq)
    throw std::invalid_argument("GPT forward: " + std::to_string(T) +
                                " positions, but the model learned " +
                                std::to_string(config_.max_seq));
  const size_t N = B * T;
  const uint32_t d = config_.d_model, dff = config_.d_ff, H = config_.n_heads;
  remember_batch(tokens, targets, B, T);

  std::vector<float>& x0 = residual_[0];
  x0.resize(N * d);
  const float* wte = param(wte_);
  const float* wpe = param(wpe_);
  for (size_t n = 0; n < N; ++n)
    for (uint32_t c = 0; c < d; ++c)
      x0[n * d + c] = wte[static_cast<size_t>(tokens[n]) * d + c] + wpe[(n % T) * d + c];

  for (uint32_t l = 0; l < config_.n_layers; ++l) {
    const BlockParams& bp = blocks_[l];
    BlockActs& a = acts_[l];
    const float* x = residual_[l].data();
    a.h1.resize(N * d);
    a.mean1.resize(N);
    a.rstd1.resize(N);
    layernorm_forward(a.h1.data(), a.mean1.data(), a.rstd1.data(), x, param(bp.ln1_gamma),
                      param(bp.ln1_beta), N, d, kNormEps);
    a.qkv.resize(N * 3 * d);
    matmul_forward(a.qkv.data(), a.h1.data(), transposed(bp.qkv), N, d, 3 * d);
    a.probs.resize(B * H * T * T);
    a.att.resize(N * d);
    causal_attention_forward(a.att.data(), a.probs.data(), a.qkv.data(), B, T, d, H);
    a.x_mid.resize(N * d);
    matmul_forward(a.x_mid.data(), a.att.data(), transposed(bp.proj), N, d, d);
    for (size_t i = 0; i < N * d; ++i) a.x_mid[i] += x[i];

    a.h2.resize(N * d);
    a.mean2.resize(N);
    a.rstd2.resize(N);
    layernorm_forward(a.h2.data(), a.mean2.data(), a.rstd2.data(), a.x_mid.data(),
                      param(bp.ln2_gamma), param(bp.ln2_beta), N, d, kNormEps);
    a.up.resize(N * dff);
    a.gelu.resize(N * dff);
    matmul_forward(a.up.data(), a.h2.data(), transposed(bp.up), N, d, dff);
    gelu_forward(a.gelu.data(), a.up.data(), N * dff);
    std::vector<float>& x_out = residual_[l + 1];
    x_out.resize(N * d);
    matmul_forward(x_out.data(), a.gelu.data(), transposed(bp.down), N, dff, d);
    for (size_t i = 0; i < N * d; ++i) x_out[i] += a.x_mid[i];
  }
  final_h_.resize(N * d);
  final_mean_.resize(N);
  final_rstd_.resize(N);
  layernorm_forward(final_h_.data(), final_mean_.data(), final_rstd_.data(),
                    residual_[config_.n_layers].data(), param(lnf_gamma_), param(lnf_beta_), N, d,
                    kNormEps);
  logits_.resize(N * kVocab);
  probs_.resize(N * kVocab);
  matmul_forward(logits_.data(), final_h_.data(), transposed(unembed_), N, d, kVocab);
  return mean_loss_forward(probs_.data(), logits_.data(), targets, N, kVocab, row_loss);
}

void GptModel::backward() {
  if (targets_.empty()) throw std::logic_error("backward() needs a forward() with targets");
  const size_t B = B_, T = T_, N = B * T;
  const uint32_t d = config_.d_model, dff = config_.d_ff, H = config_.n_heads;
  auto zeroed = [](std::vector<float>& v, size_t n) { v.assign(n, 0.0f); };

  mean_loss_backward(d_logits_, probs_.data(), targets_.data(), N, kVocab);
  zeroed(d_h_, N * d);
  matmul_backward_input(d_h_.data(), d_logits_.data(), param(unembed_), N, kVocab, d);
  matmul_backward_weight(grad(unembed_), d_logits_.data(), final_h_.data(), N, kVocab, d);
  zeroed(d_x_, N * d);  // d loss / d residual stream, carried down through the blocks
  layernorm_backward(d_x_.data(), grad(lnf_gamma_), grad(lnf_beta_), d_h_.data(),
                     residual_[config_.n_layers].data(), param(lnf_gamma_), final_mean_.data(),
                     final_rstd_.data(), N, d);

  for (uint32_t l = config_.n_layers; l-- > 0;) {
    const BlockParams& bp = blocks_[l];
    BlockActs& a = acts_[l];
    // x_out = x_mid + down(gelu(up(h2))): d_x_ is d x_out, and reaches x_mid unchanged.
    zeroed(d_gelu_, N * dff);
    matmul_backward_input(d_gelu_.data(), d_x_.data(), param(bp.down), N, d, dff);
    matmul_backward_weight(grad(bp.down), d_x_.data(), a.gelu.data(), N, d, dff);
    zeroed(d_up_, N * dff);
    gelu_backward(d_up_.data(), d_gelu_.data(), a.up.data(), N * dff);
    zeroed(d_h_, N * d);
    matmul_backward_input(d_h_.data(), d_up_.data(), param(bp.up), N, dff, d);
    matmul_backward_weight(grad(bp.up), d_up_.data(), a.h2.data(), N, dff, d);
    layernorm_backward(d_x_.data(), grad(bp.ln2_gamma), grad(bp.ln2_beta), d_h_.data(),
                       a.x_mid.data(), param(bp.ln2_gamma), a.mean2.data(), a.rstd2.data(), N, d);
    // x_mid = x + proj(attention(qkv(h1))): d_x_ is now d x_mid.
    zeroed(d_att_, N * d);
    matmul_backward_input(d_att_.data(), d_x_.data(), param(bp.proj), N, d, d);
    matmul_backward_weight(grad(bp.proj), d_x_.data(), a.att.data(), N, d, d);
    zeroed(d_qkv_, N * 3 * d);
    causal_attention_backward(d_qkv_.data(), d_att_.data(), a.probs.data(), a.qkv.data(), B, T, d,
                              H);
    zeroed(d_h_, N * d);
    matmul_backward_input(d_h_.data(), d_qkv_.data(), param(bp.qkv), N, 3 * d, d);
    matmul_backward_weight(grad(bp.qkv), d_qkv_.data(), a.h1.data(), N, 3 * d, d);
    layernorm_backward(d_x_.data(), grad(bp.ln1_gamma), grad(bp.ln1_beta), d_h_.data(),
                       residual_[l].data(), param(bp.ln1_gamma), a.mean1.data(), a.rstd1.data(), N,
                       d);
  }
  // The embeddings: rows added in position order (one thread: a handful of rows per token).
  float* dwte = grad(wte_);
  float* dwpe = grad(wpe_);
  for (size_t n = 0; n < N; ++n)
    for (uint32_t c = 0; c < d; ++c) {
      dwte[static_cast<size_t>(tokens_[n]) * d + c] += d_x_[n * d + c];
      dwpe[(n % T) * d + c] += d_x_[n * d + c];
    }
}

}  // namespace atome::train
