// Sampling: temperature 0 is argmax, a seed reproduces, top-k / top-p restrict the candidates.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "atome/atome.h"

namespace {

std::vector<float> ramp_logits() {
  std::vector<float> l(256);
  for (int i = 0; i < 256; ++i) l[i] = static_cast<float>((i * 37) % 256) / 32.0f;
  return l;
}

TEST(Sampler, TemperatureZeroIsArgmax) {
  std::vector<float> l = ramp_logits();
  atome_sampler s;
  atome_sampler_scratch scratch;
  atome_sampler_init(&s, 0.0f, 0.9f, 5, 42);
  EXPECT_EQ(atome_sample(&s, l.data(), 256, &scratch), atome_argmax(l.data(), 256));
  l.assign(256, 1.0f);
  EXPECT_EQ(atome_sample(&s, l.data(), 256, &scratch), 0u);  // ties: lowest id
}

TEST(Sampler, SameSeedSameTokens) {
  const std::vector<float> l = ramp_logits();
  atome_sampler_scratch scratch;
  auto draw = [&](uint64_t seed) {
    atome_sampler s;
    atome_sampler_init(&s, 1.0f, 1.0f, 0, seed);
    std::vector<uint32_t> out;
    for (int i = 0; i < 200; ++i) out.push_back(atome_sample(&s, l.data(), 256, &scratch));
    return out;
  };
  EXPECT_EQ(draw(7), draw(7));
  EXPECT_NE(draw(7), draw(8));
}

TEST(Sampler, TopKAndTopPRestrictCandidates) {
  const std::vector<float> l = ramp_logits();
  atome_sampler_scratch scratch;
  atome_sampler s;
  atome_sampler_init(&s, 1.0f, 1.0f, 3, 1);
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(atome_sample(&s, l.data(), 256, &scratch));
  EXPECT_LE(seen.size(), 3u);
  EXPECT_GE(seen.size(), 2u);
  // A top-p tiny enough keeps only the most likely token.
  atome_sampler_init(&s, 1.0f, 1e-6f, 0, 1);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(atome_sample(&s, l.data(), 256, &scratch), atome_argmax(l.data(), 256));
}

TEST(Sampler, HighTemperatureSpreads) {
  const std::vector<float> l = ramp_logits();
  atome_sampler_scratch scratch;
  atome_sampler s;
  atome_sampler_init(&s, 100.0f, 1.0f, 0, 3);
  std::set<uint32_t> seen;
  for (int i = 0; i < 5000; ++i) seen.insert(atome_sample(&s, l.data(), 256, &scratch));
  EXPECT_GT(seen.size(), 200u);
}

}  // namespace
