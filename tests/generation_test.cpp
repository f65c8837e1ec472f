// The one generation loop (host/generation.h) that atome generate, chat and bench share: checked
// against a hand-written loop over the engine's C API, and for each way a run ends.
#include "host/generation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/text_corpus.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

class GenerationTest : public ::testing::Test {
 protected:
  LoadedModel m_ = load_native_image(write_native(random_model(small_config(16, 2, 8, 3, 2), 11)));

  // What the engine does, spelled out: feed the prompt, then argmax and feed, n times.
  std::vector<uint32_t> greedy_by_hand(const std::string& prompt, size_t n) {
    OwnedSession s(m_.model, 64, kNoStateLimit);
    const float* logits = nullptr;
    for (char c : prompt)
      EXPECT_EQ(atome_step(s.get(), static_cast<uint8_t>(c), &logits), ATOME_OK);
    std::vector<uint32_t> out;
    for (size_t i = 0; i < n; ++i) {
      out.push_back(atome_argmax(logits, 256));
      EXPECT_EQ(atome_step(s.get(), out.back(), &logits), ATOME_OK);
    }
    return out;
  }

  // Tokens of one run; stop_at_end off unless asked.
  std::vector<uint32_t> run(Generator& g, const std::string& prompt, uint64_t n, bool stop_at_end,
                            Generation* result = nullptr) {
    std::vector<uint32_t> tokens;
    GenerationHooks hooks;
    hooks.on_token = [&](uint32_t t) { tokens.push_back(t); };
    const Generation r = g.run(prompt, {n, stop_at_end}, hooks);
    EXPECT_EQ(r.tokens, tokens.size());
    if (result) *result = r;
    return tokens;
  }
};

TEST_F(GenerationTest, GreedyRunIsTheEnginesArgmaxLoop) {
  OwnedSession session(m_.model, 64, kNoStateLimit);
  Generator g(session, SamplerSettings{});
  Generation r;
  const std::vector<uint32_t> tokens = run(g, "Once", 40, false, &r);
  EXPECT_EQ(r.stopped, StopReason::kMaxTokens);
  EXPECT_EQ(tokens, greedy_by_hand("Once", 40));
}

TEST_F(GenerationTest, AnEmptyPromptContinuesWhereTheLastRunEnded) {
  OwnedSession session(m_.model, 64, kNoStateLimit);
  Generator g(session, SamplerSettings{0.9f, 0.95f, 0, 7});
  std::vector<uint32_t> split = run(g, "ab", 15, false);
  const std::vector<uint32_t> rest = run(g, "", 25, false);
  split.insert(split.end(), rest.begin(), rest.end());

  OwnedSession other(m_.model, 64, kNoStateLimit);
  Generator whole(other, SamplerSettings{0.9f, 0.95f, 0, 7});
  EXPECT_EQ(split, run(whole, "ab", 40, false));

  OwnedSession fresh(m_.model, 64, kNoStateLimit);
  Generator nothing_fed(fresh, SamplerSettings{});
  EXPECT_THROW(run(nothing_fed, "", 5, false), UsageError);
}

TEST_F(GenerationTest, StopsAtTheEndOfStoryByteWithoutHandingItOver) {
  // A random model produces 0x04 now and then at temperature 1: find a seed whose run stops.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const SamplerSettings sampling{1.0f, 1.0f, 0, seed};
    OwnedSession a(m_.model, 64, kNoStateLimit);
    Generator stopping(a, sampling);
    Generation r;
    const std::vector<uint32_t> stopped = run(stopping, "x", 3000, true, &r);
    if (r.stopped != StopReason::kEndOfStory) continue;
    for (uint32_t t : stopped) EXPECT_NE(t, kEndOfStory);
    // The same draws without stopping: the same tokens, then the stop byte.
    OwnedSession b(m_.model, 64, kNoStateLimit);
    Generator going_on(b, sampling);
    const std::vector<uint32_t> all = run(going_on, "x", stopped.size() + 1, false);
    EXPECT_EQ(std::vector<uint32_t>(all.begin(), all.end() - 1), stopped);
    EXPECT_EQ(all.back(), kEndOfStory);
    // The stop byte was fed: the next run continues after it, as `going_on` does.
    const std::vector<uint32_t> after = run(stopping, "", 10, false);
    EXPECT_EQ(after, run(going_on, "", 10, false));
    return;
  }
  FAIL() << "no seed in 1..20 produced the end-of-story byte within 3000 tokens";
}

TEST_F(GenerationTest, TheCallerCanInterrupt) {
  OwnedSession session(m_.model, 64, kNoStateLimit);
  Generator g(session, SamplerSettings{});
  std::vector<uint32_t> tokens;
  GenerationHooks hooks;
  hooks.on_token = [&](uint32_t t) { tokens.push_back(t); };
  hooks.interrupted = [&] { return tokens.size() == 3; };
  const Generation r = g.run("Once", {100, false}, hooks);
  EXPECT_EQ(r.stopped, StopReason::kInterrupted);
  EXPECT_EQ(r.tokens, 3u);
  EXPECT_EQ(tokens, greedy_by_hand("Once", 3));
}

}  // namespace
}  // namespace atome::test
