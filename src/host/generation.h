// The generation loop, once for every host program that produces text (atome generate, chat,
// bench): feed a prompt, then sample a token from the current logits, feed it, hand it to the
// caller, and repeat — until the end-of-story byte, a token limit, or the caller interrupts.
//
//   Generator g(session, settings);
//   const Generation r = g.run("Once upon a time", {.max_tokens = 200},
//                              {[](uint32_t t) { putchar(t); }, nullptr});
//
// Every sampled token is fed, the stop byte included, so the session can go on from where the
// reply ended (a chat's next line continues the story; after a stop byte, a new one begins).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "atome/atome.h"
#include "host/owned_session.h"

namespace atome {

// The sampler's settings (atome_sampler_init): temperature 0 is argmax.
struct SamplerSettings {
  float temperature = 0, top_p = 1;
  uint32_t top_k = 0;
  uint64_t seed = 0;
};

struct GenerationLimits {
  uint64_t max_tokens = 64;  // tokens handed to the caller (the stop byte is not one)
  bool stop_at_end = true;   // stop when the model produces kEndOfStory
};

struct GenerationHooks {
  std::function<void(uint32_t token)> on_token;  // each token once it is fed (may be empty)
  std::function<bool()> interrupted;             // asked before each token (may be empty)
};

enum class StopReason { kEndOfStory, kMaxTokens, kInterrupted };

// "end of story", "max tokens", "interrupted".
const char* stop_reason_text(StopReason reason);

struct Generation {
  StopReason stopped = StopReason::kMaxTokens;
  uint64_t tokens = 0;    // handed to on_token
  double prefill_ms = 0;  // feeding the prompt
  double decode_ms = 0;   // sampling and feeding the tokens
};

class Generator {
 public:
  Generator(OwnedSession& session, const SamplerSettings& settings);

  // Restarts the sampler's random stream from settings.seed.
  void set_sampler(const SamplerSettings& settings);

  // Feeds the prompt's bytes (only the last computes logits). Empty: feeds nothing.
  void feed(const std::string& prompt);

  // feed(prompt), then generates. With an empty prompt it continues from the logits of what was
  // fed before (there must be some: the engine has no logits before a token, so a new story
  // starts with the prompt "\x04"); UsageError otherwise.
  Generation run(const std::string& prompt, const GenerationLimits& limits,
                 const GenerationHooks& hooks);

  // The logits the next token will be drawn from (after the last prompt byte or token).
  const float* logits() const { return logits_; }

  // Forgets everything fed so far (the sampler's stream goes on).
  void reset();

 private:
  OwnedSession& session_;
  atome_sampler sampler_{};
  atome_sampler_scratch scratch_{};
  const float* logits_ = nullptr;
};

}  // namespace atome
