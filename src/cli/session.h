// A decoding session in its own aligned buffer, plus prompt feeding shared by generate and bench.
#pragma once

#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "cli/aligned_buffer.h"

namespace atome::cli {

class Session {
 public:
  // Throws UsageError for a window the engine rejects or a state larger than max_state_bytes
  // (the --max-state flag, state_limit.h; the one place that limit is checked), CliError for any
  // other init failure.
  Session(const atome_model& model, uint32_t window, uint64_t max_state_bytes);
  Session(const Session&) = delete;  // handle points into storage_
  Session& operator=(const Session&) = delete;

  atome_session* get() { return session_; }
  const atome_session* get() const { return session_; }
  size_t state_bytes() const { return state_bytes_; }

  // Feeds every byte of `prompt` (only the last one computes logits) and returns the logits for
  // the next token. The prompt must not be empty: the engine has no logits before a token.
  const float* feed_prompt(const std::string& prompt);

  // Feeds one token; returns the next-token logits.
  const float* step(uint32_t token);

 private:
  AlignedBuffer storage_;
  size_t state_bytes_ = 0;
  atome_session* session_ = nullptr;
};

}  // namespace atome::cli
