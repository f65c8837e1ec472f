// The vanilla decoder-only GPT that the A/B experiments compare the Atome LM against, in float32
// (never quantised, never exported to the engine): the original project's baseline
// (notes/original-atome.md, "vanilla GPT baselines"), reimplemented in the same trainer so both
// models see the same data, batches, optimiser and evaluation.
//
//   x = wte[token] + wpe[position]                      learned positions, at most max_seq
//   per block (pre-norm):
//     x += proj(causal_attention(qkv(LayerNorm1(x))))   H heads of width d / H, no biases
//     x += down(GELU(up(LayerNorm2(x))))                 d -> d_ff -> d, no biases
//   logits = unembed(LayerNorm_f(x))                    untied from wte
//
// Initialisation is PyTorch's default for the layers the original used: embeddings N(0, 1)
// (nn.Embedding), linear weights U(-1/sqrt(fan_in), +1/sqrt(fan_in)) (nn.Linear), LayerNorm
// gamma 1, beta 0 (eps 1e-5). AdamW decays every tensor, as torch.optim.AdamW does when given
// model.parameters() without groups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "train/language_model.h"

namespace atome::train {

struct GptConfig {
  uint32_t d_model = 44;
  uint32_t n_layers = 3;
  uint32_t n_heads = 4;
  uint32_t d_ff = 44;
  uint32_t max_seq = 64;
};

// The original's two baselines: param-fair (60,808 parameters, as many as Atome-60K's 60,800)
// and flash-fair (5,968 float32 parameters = 23,872 bytes, about the ternary 60K file's size).
GptConfig gpt_preset(const std::string& name);  // "vanilla-60k" | "vanilla-6k"

// Throws std::invalid_argument unless the config is trainable (d divisible by the heads, ...).
void validate_gpt_config(const GptConfig& config);

class GptModel : public LanguageModel {
 public:
  explicit GptModel(const GptConfig& config);

  const GptConfig& config() const { return config_; }
  size_t max_sequence() const override { return config_.max_seq; }

  void init(uint64_t seed) override;
  using LanguageModel::forward;
  double forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T,
                 double* row_loss) override;
  void backward() override;
  const float* logits() const override { return logits_.data(); }

 private:
  struct BlockParams {
    int ln1_gamma, ln1_beta, qkv, proj, ln2_gamma, ln2_beta, up, down;
  };
  struct BlockActs {
    std::vector<float> x_mid;             // residual after attention (N, d)
    std::vector<float> h1, mean1, rstd1;  // LayerNorm 1
    std::vector<float> qkv, probs, att;   // (N, 3d), (B, H, T, T), (N, d)
    std::vector<float> h2, mean2, rstd2;  // LayerNorm 2
    std::vector<float> up, gelu;          // (N, d_ff) each
  };

  float* param(int index) { return params_.data() + tensors_[index].offset; }
  const float* param(int index) const { return params_.data() + tensors_[index].offset; }
  float* grad(int index) { return grads_.data() + tensors_[index].offset; }
  // The transpose of a weight (rows, cols), which matmul_forward takes; refreshed every forward.
  const float* transposed(int index);

  GptConfig config_;
  std::vector<BlockParams> blocks_;
  int wte_ = -1, wpe_ = -1, lnf_gamma_ = -1, lnf_beta_ = -1, unembed_ = -1;
  std::vector<std::vector<float>> transposed_;  // by tensor index

  std::vector<std::vector<float>> residual_;  // block inputs, then the final stream (N, d)
  std::vector<BlockActs> acts_;
  std::vector<float> final_h_, final_mean_, final_rstd_, logits_, probs_;
  std::vector<float> d_logits_, d_h_, d_x_, d_att_, d_qkv_, d_up_, d_gelu_;
};

}  // namespace atome::train
