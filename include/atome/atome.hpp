// Atome engine — thin C++ API over atome.h. Freestanding like the engine: no exceptions, no heap,
// no standard library; every fallible call returns atome_status. The caller still owns the model
// image and the session buffer.
#ifndef ATOME_ATOME_HPP
#define ATOME_ATOME_HPP

#include "atome/atome.h"

namespace atome {

using Status = atome_status;

inline const char* status_str(Status status) {
  return atome_status_str(status);
}

// A validated model image (a file in RAM or an array in flash), used in place.
class Model {
 public:
  Status load(const void* image, size_t bytes) { return atome_model_load(&model_, image, bytes); }
  const atome_config& config() const { return model_.config; }
  uint64_t param_count() const { return atome_model_param_count(&model_); }
  size_t state_bytes(uint32_t window) const { return atome_state_bytes(&model_, window); }
  const atome_model* get() const { return &model_; }

 private:
  atome_model model_{};
};

// One token stream inside a caller-owned buffer of Model::state_bytes(window) bytes.
class Session {
 public:
  Status init(const Model& model, uint32_t window, void* buffer, size_t bytes) {
    return atome_session_init(&session_, model.get(), window, buffer, bytes);
  }
  // Feeds one token; *logits (vocab_size floats) stays valid until the next call.
  Status step(uint32_t token, const float** logits) { return atome_step(session_, token, logits); }
  Status step(uint32_t token) { return atome_step_no_logits(session_, token); }
  void reset() { atome_session_reset(session_); }
  uint64_t position() const { return atome_session_position(session_); }
  const float* router(uint32_t layer) const { return atome_session_router(session_, layer); }
  Status class_logits(float* out, uint32_t n) const {
    return atome_session_class_logits(session_, out, n);
  }

 private:
  atome_session* session_ = nullptr;
};

// Seeded sampler; temperature 0 is argmax.
class Sampler {
 public:
  Sampler(float temperature, float top_p, uint32_t top_k, uint64_t seed) {
    atome_sampler_init(&sampler_, temperature, top_p, top_k, seed);
  }
  uint32_t sample(const float* logits, uint32_t n) {
    return atome_sample(&sampler_, logits, n, &scratch_);
  }

 private:
  atome_sampler sampler_{};
  atome_sampler_scratch scratch_{};
};

}  // namespace atome

#endif  // ATOME_ATOME_HPP
