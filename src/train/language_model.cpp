#include "train/language_model.h"

#include <algorithm>
#include <cmath>

#include "engine/numerics.h"

namespace atome::train {

void LanguageModel::zero_grad() {
  std::fill(grads_.begin(), grads_.end(), 0.0f);
}

void LanguageModel::remember_batch(const uint8_t* tokens, const uint8_t* targets, size_t B,
                                   size_t T) {
  B_ = B;
  T_ = T;
  tokens_.assign(tokens, tokens + B * T);
  if (targets)
    targets_.assign(targets, targets + B * T);
  else
    targets_.clear();
}

void LanguageModel::allocate(std::vector<ParamTensor> tensors) {
  size_t offset = 0;
  for (ParamTensor& t : tensors) {
    t.count = static_cast<size_t>(t.rows) * t.cols;
    t.offset = offset;
    offset += t.count;
  }
  tensors_ = std::move(tensors);
  params_.assign(offset, 0.0f);
  grads_.assign(offset, 0.0f);
}

uint64_t InitRng::next() {
  return splitmix64(&state);
}

double InitRng::uniform() {
  return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double InitRng::normal() {
  const double u1 = uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace atome::train
