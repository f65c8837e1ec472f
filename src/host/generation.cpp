// See generation.h.
#include "host/generation.h"

#include <chrono>

#include "host/errors.h"
#include "host/text_corpus.h"

namespace atome {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

const char* stop_reason_text(StopReason reason) {
  switch (reason) {
    case StopReason::kEndOfStory:
      return "end of story";
    case StopReason::kInterrupted:
      return "interrupted";
    case StopReason::kMaxTokens:
      break;
  }
  return "max tokens";
}

Generator::Generator(OwnedSession& session, const SamplerSettings& settings) : session_(session) {
  set_sampler(settings);
}

void Generator::set_sampler(const SamplerSettings& s) {
  atome_sampler_init(&sampler_, s.temperature, s.top_p, s.top_k, s.seed);
}

void Generator::reset() {
  atome_session_reset(session_.get());
  logits_ = nullptr;
}

void Generator::feed(const std::string& prompt) {
  if (!prompt.empty()) logits_ = session_.feed_prompt(prompt);
}

Generation Generator::run(const std::string& prompt, const GenerationLimits& limits,
                          const GenerationHooks& hooks) {
  Generation g;
  const Clock::time_point prefill_start = Clock::now();
  feed(prompt);
  if (logits_ == nullptr)
    throw UsageError("the prompt is empty (the model needs at least one byte)");
  g.prefill_ms = ms_since(prefill_start);

  const uint32_t vocab = session_.vocab_size();
  const Clock::time_point decode_start = Clock::now();
  while (g.tokens < limits.max_tokens) {
    if (hooks.interrupted && hooks.interrupted()) {
      g.stopped = StopReason::kInterrupted;
      break;
    }
    const uint32_t token = atome_sample(&sampler_, logits_, vocab, &scratch_);
    logits_ = session_.step(token);
    if (token == kEndOfStory && limits.stop_at_end) {
      g.stopped = StopReason::kEndOfStory;
      break;
    }
    ++g.tokens;
    if (hooks.on_token) hooks.on_token(token);
  }
  g.decode_ms = ms_since(decode_start);
  return g;
}

}  // namespace atome
