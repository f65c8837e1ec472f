// A decoding session that owns its state buffer (16-byte aligned), for host programs: the engine's
// session is caller-owned memory; this is the caller.
#pragma once

#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "host/aligned_buffer.h"
#include "host/errors.h"

namespace atome {

class OwnedSession {
 public:
  // Throws UsageError for a window the engine rejects or a state larger than max_state_bytes (the
  // --max-state flag: a small valid file can ask for a huge K/V cache; this is the one place that
  // limit is checked), Error for any other init failure.
  OwnedSession(const atome_model& model, uint32_t window, uint64_t max_state_bytes);
  OwnedSession(const OwnedSession&) = delete;  // handle points into storage_
  OwnedSession& operator=(const OwnedSession&) = delete;

  atome_session* get() { return session_; }
  const atome_session* get() const { return session_; }
  size_t state_bytes() const { return state_bytes_; }
  uint32_t vocab_size() const { return vocab_size_; }

  // Feeds every byte of `prompt` (only the last one computes logits) and returns the logits for
  // the next token. The prompt must not be empty: the engine has no logits before a token.
  const float* feed_prompt(const std::string& prompt);

  // Feeds one token; returns the next-token logits. Inline: the per-token path from a command to
  // the kernel stays short (docs/ARCHITECTURE.md).
  const float* step(uint32_t token) {
    const float* logits = nullptr;
    check_status(atome_step(session_, token, &logits), "step");
    return logits;
  }

 private:
  AlignedBuffer storage_;
  size_t state_bytes_ = 0;
  uint32_t vocab_size_ = 0;
  atome_session* session_ = nullptr;
};

}  // namespace atome
