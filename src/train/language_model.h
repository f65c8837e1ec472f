// What the training loop needs of a model, whatever its architecture: a flat vector of float
// parameters cut into tensors (what AdamW walks, what a checkpoint stores), an initialisation
// from a seed, and a forward with the mean next-byte loss followed by its backward.
// AtomeModel (model.h) and GptModel (gpt_model.h) are the two implementations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace atome::train {

// One parameter tensor: where it sits in the flat parameter vector and how it is treated.
struct ParamTensor {
  std::string name;  // e.g. "layer 2 wq": for error messages and tests
  uint32_t rows = 0, cols = 0;
  uint16_t kind = 0;   // architecture-specific tag (AtomeModel: the native file's tensor kind)
  uint16_t layer = 0;  // block index, or format::kGlobalLayer for tensors outside the blocks
  uint8_t dtype = 0;   // AtomeModel: the native file's dtype
  size_t offset = 0;   // into params / grads
  size_t count = 0;
  bool ternary = false;       // quantised on the way to the forward
  bool weight_decay = false;  // AdamW decays this tensor
};

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  const std::vector<ParamTensor>& tensors() const { return tensors_; }
  std::vector<float>& params() { return params_; }
  const std::vector<float>& params() const { return params_; }
  std::vector<float>& grads() { return grads_; }
  size_t param_count() const { return params_.size(); }
  void zero_grad();

  // Longest sequence the forward takes (0: any length; a GPT's learned positions end).
  virtual size_t max_sequence() const { return 0; }

  virtual void init(uint64_t seed) = 0;
  // Forward over B sequences of T tokens (row b*T + t). With targets, returns the mean
  // cross-entropy in nats and keeps what backward() needs; without, returns 0.
  // row_loss (B*T), if given, receives each position's loss.
  virtual double forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T,
                         double* row_loss) = 0;
  double forward(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T) {
    return forward(tokens, targets, B, T, nullptr);
  }
  // Gradient of the last forward's mean loss, added into grads().
  virtual void backward() = 0;
  // Logits (B*T, 256) of the last forward.
  virtual const float* logits() const = 0;

 protected:
  // Lays out the tensors back to back and sizes params and grads.
  void allocate(std::vector<ParamTensor> tensors);
  // Keeps the batch a forward runs on (the backward needs it); targets may be null.
  void remember_batch(const uint8_t* tokens, const uint8_t* targets, size_t B, size_t T);

  std::vector<ParamTensor> tensors_;
  std::vector<float> params_, grads_;
  size_t B_ = 0, T_ = 0;                   // the last forward's batch: B sequences of T tokens
  std::vector<uint8_t> tokens_, targets_;  // B*T each; targets_ empty without targets
};

// SplitMix64 and Box-Muller: initialisation that does not depend on the C++ library's
// distributions, so a seed means the same weights everywhere.
struct InitRng {
  uint64_t state;
  uint64_t next();
  double uniform();  // (0, 1)
  double normal();   // N(0, 1)
};

}  // namespace atome::train
