// See session.h.
#include "host/owned_session.h"

#include "host/errors.h"

namespace atome {

OwnedSession::OwnedSession(const atome_model& model, uint32_t window, uint64_t max_state_bytes) {
  if (window < 1 || window > ATOME_MAX_WINDOW)
    throw UsageError("--window must be in [1, " + std::to_string(ATOME_MAX_WINDOW) + "] (got " +
                     std::to_string(window) + ")");
  vocab_size_ = model.config.vocab_size;
  state_bytes_ = atome_state_bytes(&model, window);
  if (state_bytes_ == 0) throw Error("cannot size a session for window " + std::to_string(window));
  if (state_bytes_ > max_state_bytes)
    throw UsageError("the session needs " + std::to_string(state_bytes_) +
                     " bytes of state at window " + std::to_string(window) +
                     ", more than --max-state " + std::to_string(max_state_bytes) +
                     " (raise --max-state or lower --window)");
  storage_.resize(state_bytes_);
  check_status(atome_session_init(&session_, &model, window, storage_.data(), storage_.size()),
               "session init");
}

const float* OwnedSession::feed_prompt(const std::string& prompt) {
  if (prompt.empty()) throw UsageError("the prompt is empty (the model needs at least one byte)");
  for (size_t i = 0; i + 1 < prompt.size(); ++i)
    check_status(atome_step_no_logits(session_, static_cast<uint8_t>(prompt[i])), "prompt");
  return step(static_cast<uint8_t>(prompt.back()));
}

}  // namespace atome
