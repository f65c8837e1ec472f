// The Atome LM (DESIGN §2) for training: float master weights, quantised to ternary at the start
// of every forward (the straight-through estimator passes gradients to the float weights), the
// forward over a batch of sequences with every activation the backward needs, and the backward.
//
// Parameters are the tensors of the native file in its canonical order (format::canonical_tensor),
// so export is a walk over the same list.
//
// A classifier (arch CLASSIFIER, no_unembed 1: FORMAT.md §17) is the same block with a ternary
// class head on the final-normed hidden state of the LAST position of each sequence (DESIGN §8)
// and no unembedding. It keeps the LanguageModel interface: forward(tokens, targets, B, T) reads
// sequence b's label from targets[b*T + T-1] (the "target" of its last position; the other
// targets are ignored), the loss is the class-weighted cross-entropy (class_head_ops.h),
// row_loss gets B values (one per sequence) and logits() is (B, n_classes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atome/atome.h"
#include "engine/format.h"
#include "host/model_data.h"
#include "train/language_model.h"
#include "train/sequence_ops.h"
#include "train/token_ops.h"

namespace atome::train {

// Checks that a config describes a trainable Atome LM or classifier (no_unembed 1); throws
// std::invalid_argument otherwise.
void validate_train_config(const atome_config& config);

class AtomeModel : public LanguageModel {
 public:
  explicit AtomeModel(const atome_config& config);

  const atome_config& config() const { return config_; }

  // The original's initialisation: ternary weights ~ N(0, 1/fan_in), conv ~ N(0, 1/K),
  // SSM a = 1.5, b, c ~ N(0, 1/d), LayerNorm gamma 1, beta 0.
  void init(uint64_t seed) override;

  using LanguageModel::forward;
  double forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T,
                 double* row_loss) override;
  void backward() override;
  // Off: the quantiser is the identity (identity_ternary), for whole-model gradient checks.
  void set_quantization(bool on) { quantize_ = on; }
  // The numerics the forward emulates (quantisation-aware training, token_ops.h):
  // ATOME_NUMERICS_F32 (none), _A8 (every ternary linear's input fake-quantised per token to int8
  // as the engine's a8) or _Q15 (a8 with q15's integer absmax, plus LayerNorm outputs h rounded to
  // Q8, attention q / k / v to int8 with power-of-two scales, the SSM decay to Q15).
  // Straight-through backward.
  void set_numerics(uint32_t numerics);
  uint32_t numerics() const { return numerics_; }

  const float* logits() const override { return logits_.data(); }

  bool is_classifier() const { return config_.arch == ATOME_ARCH_CLASSIFIER; }
  // The classifier's loss weight per class (n_classes values, default all 1).
  void set_class_weights(const std::vector<float>& weights);
  // The classifier's label smoothing (class_head_ops.h; default 0: plain cross-entropy).
  void set_label_smoothing(float s) { label_smoothing_ = s; }

  // The quantised model, ready for format::write_native / write_legacy. context_len is a hint.
  HostModel export_model(uint32_t context_len) const;

 private:
  // The parameters as named slots (llm.c's ParameterTensors): each holds the index of its tensor
  // in tensors_ (the canonical order), -1 for an absent pathway. One block's:
  struct BlockParams {
    int gamma = -1, beta = -1, conv = -1, ssm_a = -1, ssm_b = -1, ssm_c = -1;
    int wq = -1, wk = -1, wv = -1, router = -1;
  };
  // What one block's forward keeps for the backward, (N, width) each.
  struct BlockActs {
    std::vector<float> h, mean, rstd;  // normed input and its LayerNorm statistics
    QuantInput hq;                     // h fake-quantised for the ternary linears (a8, q15)
    std::vector<float> probs;          // router logits, then softmax (N, P)
    std::vector<float> local;          // conv pathway
    std::vector<float> ssm_state, ssm_out;
    std::vector<float> q, k, v, sparse;
    AttentionSaved attn;
  };

  float* param(int index) { return params_.data() + tensors_[index].offset; }
  const float* param(int index) const { return params_.data() + tensors_[index].offset; }
  float* grad(int index) { return grads_.data() + tensors_[index].offset; }
  void quantize_all();
  void resize_activations(size_t n);
  // Embedding, blocks and the final LayerNorm (with its fake quantisation): everything up to the
  // output head, shared by the LM and the classifier. And its backward from d_final_h_.
  void forward_trunk(const uint8_t* tokens, size_t B, size_t T);
  void backward_trunk();
  // The classifier's head over the last positions, and its loss (targets: see the class comment).
  double class_head_forward(const uint8_t* targets, size_t B, size_t T, double* row_loss);
  void class_head_backward();

  atome_config config_;
  std::vector<BlockParams> blocks_;
  int embed_ = -1, final_gamma_ = -1, final_beta_ = -1, unembed_ = -1;  // the global slots
  int head_ = -1;                                                       // classifier only
  bool quantize_ = true;
  uint32_t numerics_ = ATOME_NUMERICS_F32;

  // Quantised views of the ternary tensors (index = tensor index), and tanh(a) per block.
  std::vector<Ternary> quantized_;
  std::vector<std::vector<float>> decay_;

  // Saved by forward() for backward().
  std::vector<std::vector<float>> residual_;  // L + 1 streams (N, d): block inputs, then final
  std::vector<BlockActs> acts_;
  std::vector<float> final_h_, final_mean_, final_rstd_;
  QuantInput final_hq_;
  std::vector<float> logits_, probs_;
  // Classifier: the last positions' final h (B, d) and its fake quantisation, the labels (B) and
  // the loss weight per class.
  std::vector<float> last_h_, d_last_h_;
  QuantInput last_hq_;
  std::vector<uint8_t> labels_;
  std::vector<float> class_weights_;
  float label_smoothing_ = 0.0f;

  // Backward scratch, shared by the blocks.
  std::vector<float> d_logits_, d_final_h_, d_x_, d_h_, d_router_;
  std::vector<float> d_local_, d_ssm_, d_sparse_, d_q_, d_k_, d_v_, d_decay_;
};

}  // namespace atome::train
