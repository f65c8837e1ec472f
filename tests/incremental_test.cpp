// Incremental decoding (ring buffer, carried SSM state, K/V cache, sliding window) must give the
// same bits as recomputing the whole sequence the original's way (reference_forward.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "fixtures.h"
#include "model_helpers.h"
#include "random_model.h"
#include "reference_forward.h"

namespace atome::test {
namespace {

std::vector<uint32_t> text_tokens(const char* text, size_t n) {
  std::vector<uint32_t> t;
  for (size_t i = 0; i < n; ++i) t.push_back(static_cast<uint8_t>(text[i % std::strlen(text)]));
  return t;
}

// Feeds `tokens` one at a time and compares every step's logits with the reference, bitwise.
void expect_incremental_matches(const atome_model& model, const std::vector<uint32_t>& tokens,
                                uint32_t window) {
  const std::vector<float> ref = reference_forward(model, tokens, window);
  OwnedSession session(model, window, kNoStateLimit);
  ASSERT_NE(session.get(), nullptr);
  const uint32_t V = model.config.vocab_size;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const float* logits = nullptr;
    ASSERT_EQ(atome_step(session.get(), tokens[t], &logits), ATOME_OK);
    ASSERT_EQ(std::memcmp(logits, &ref[t * V], V * sizeof(float)), 0)
        << "logits differ at position " << t << " (window " << window << ")";
  }
}

TEST(Incremental, EqualsFullRecomputeOnReferenceModels) {
  for (const char* file :
       {"original-models/toy_60k.atome01", "original-models/atome_944k.atome01"}) {
    ATOME_REQUIRE_FIXTURE(reference_path(file));
    const LoadedModel m = load_legacy_as_native(reference_path(file));
    // A prefix that fits the window: incremental == full recompute.
    expect_incremental_matches(m.model, text_tokens("Once upon a time, there was a cat. ", 96),
                               256);
  }
}

TEST(Incremental, EqualsFullRecomputeOnOddShapesAndAblations) {
  struct Shape {
    uint32_t d, layers, d_head, kernel, top_k, pathways;
  };
  const Shape shapes[] = {
      {64, 4, 16, 5, 4, ATOME_PATH_ALL},
      {12, 2, 5, 3, 2, ATOME_PATH_ALL},
      {20, 1, 7, 1, 9, ATOME_PATH_ALL},
      {16, 2, 8, 4, 3, ATOME_PATH_CONV | ATOME_PATH_SSM},
      {16, 2, 8, 4, 3, ATOME_PATH_SSM | ATOME_PATH_ATTN},
      {16, 2, 8, 4, 3, ATOME_PATH_CONV | ATOME_PATH_ATTN},
      {16, 1, 8, 5, 4, ATOME_PATH_CONV},
      {16, 1, 8, 5, 4, ATOME_PATH_SSM},
      {16, 1, 8, 5, 4, ATOME_PATH_ATTN},
  };
  uint64_t seed = 1;
  for (const Shape& s : shapes) {
    SCOPED_TRACE(testing::Message()
                 << "d=" << s.d << " L=" << s.layers << " dh=" << s.d_head << " K=" << s.kernel
                 << " topk=" << s.top_k << " paths=" << s.pathways);
    const LoadedModel m = load_native_image(write_native(random_model(
        small_config(s.d, s.layers, s.d_head, s.kernel, s.top_k, s.pathways), seed++)));
    expect_incremental_matches(m.model, text_tokens("The quick brown fox. ", 40), 64);
  }
}

// Past the window, attention slides (sees the last W tokens only) while conv and SSM carry on:
// the reference with the same sliding attention mask must still agree bit for bit.
TEST(Incremental, SlidingWindowEqualsReferenceWithSlidingMask) {
  const LoadedModel m =
      load_native_image(write_native(random_model(small_config(32, 2, 8, 5, 4), 7)));
  for (uint32_t window : {1u, 3u, 8u, 17u}) {
    expect_incremental_matches(m.model, text_tokens("sliding windows slide. ", 60), window);
  }
}

TEST(Incremental, ResetStartsOver) {
  const LoadedModel m =
      load_native_image(write_native(random_model(small_config(32, 2, 8, 5, 4), 9)));
  OwnedSession session(m.model, 16, kNoStateLimit);
  const std::vector<uint32_t> tokens = text_tokens("abcdefghij", 30);
  std::vector<float> first, second;
  const float* logits = nullptr;
  for (uint32_t t : tokens) atome_step(session.get(), t, &logits);
  first.assign(logits, logits + 256);
  atome_session_reset(session.get());
  EXPECT_EQ(atome_session_position(session.get()), 0u);
  for (uint32_t t : tokens) atome_step(session.get(), t, &logits);
  second.assign(logits, logits + 256);
  EXPECT_EQ(std::memcmp(first.data(), second.data(), 256 * sizeof(float)), 0);
}

TEST(Incremental, NoLogitsStepKeepsTheSameState) {
  const LoadedModel m =
      load_native_image(write_native(random_model(small_config(24, 2, 8, 5, 4), 11)));
  OwnedSession a(m.model, 32, kNoStateLimit), b(m.model, 32, kNoStateLimit);
  const std::vector<uint32_t> tokens = text_tokens("prefill me", 20);
  const float* la = nullptr;
  const float* lb = nullptr;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    atome_step(a.get(), tokens[i], &la);
    atome_step_no_logits(b.get(), tokens[i]);
  }
  atome_step(a.get(), tokens.back(), &la);
  atome_step(b.get(), tokens.back(), &lb);
  EXPECT_EQ(std::memcmp(la, lb, 256 * sizeof(float)), 0);
}

TEST(Incremental, RouterIsADistribution) {
  const LoadedModel m =
      load_native_image(write_native(random_model(small_config(24, 3, 8, 5, 4), 13)));
  OwnedSession session(m.model, 32, kNoStateLimit);
  EXPECT_EQ(atome_session_router(session.get(), 0), nullptr);  // nothing fed yet
  atome_step(session.get(), 'a', nullptr);
  for (uint32_t l = 0; l < 3; ++l) {
    const float* r = atome_session_router(session.get(), l);
    ASSERT_NE(r, nullptr);
    EXPECT_NEAR(r[0] + r[1] + r[2], 1.0f, 1e-6f);
    for (int i = 0; i < 3; ++i) EXPECT_GT(r[i], 0.0f);
  }
  EXPECT_EQ(atome_session_router(session.get(), 3), nullptr);
}

TEST(StateBytes, ReportedFor944kAtWindow256) {
  const char* file = "original-models/atome_944k.atome01";
  ATOME_REQUIRE_FIXTURE(reference_path(file));
  const LoadedModel m = load_legacy_as_native(reference_path(file));
  const size_t bytes = atome_state_bytes(&m.model, 256);
  // Carried state: K/V cache L*W*(d_head + d) + conv history L*K*d + SSM state and decay 2*L*d
  // floats; the rest (weight views, one position's scratch) must stay small.
  const size_t carried = 4u * (8u * 256u * (64u + 256u) + 8u * 5u * 256u + 2u * 8u * 256u);
  EXPECT_GE(bytes, carried);
  EXPECT_LT(bytes, carried + 16u * 1024u);
  std::printf("[state] atome_944k window 256: %zu bytes\n", bytes);
  EXPECT_EQ(atome_model_param_count(&m.model), 944640u);
  EXPECT_EQ(atome_state_bytes(&m.model, 0), 0u);
}

}  // namespace
}  // namespace atome::test
