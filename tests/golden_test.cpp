// The original Atome C engine's outputs on its own published models (../shared/reference/golden):
// our engine, on the converted files, must give the same 64 greedy tokens and first-step logits
// within 1e-4.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "max_abs_diff.h"
#include "model_helpers.h"

namespace atome::test {
namespace {

struct GoldenCase {
  std::vector<uint32_t> prompt;
  std::vector<uint32_t> greedy;
  std::vector<float> first_logits;
  uint32_t window = 0;
};

std::vector<GoldenCase> read_golden(const std::string& path) {
  std::vector<GoldenCase> cases;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    GoldenCase c;
    c.prompt = j.at("prompt_bytes").get<std::vector<uint32_t>>();
    c.greedy = j.at("greedy").get<std::vector<uint32_t>>();
    c.first_logits = j.at("first_step_logits").get<std::vector<float>>();
    c.window = j.at("max_seq").get<uint32_t>();
    cases.push_back(std::move(c));
  }
  return cases;
}

void check_golden(const std::string& model_file, const std::string& golden_file) {
  const LoadedModel m = load_legacy_as_native(reference_path(model_file));
  const auto cases = read_golden(reference_path(golden_file));
  ASSERT_FALSE(cases.empty());
  for (const GoldenCase& c : cases) {
    OwnedSession session(m.model, c.window, kNoStateLimit);
    ASSERT_NE(session.get(), nullptr);
    const float* logits = nullptr;
    for (uint32_t t : c.prompt) ASSERT_EQ(atome_step(session.get(), t, &logits), ATOME_OK);
    ASSERT_EQ(c.first_logits.size(), 256u);
    const double max_diff = max_abs_diff(logits, c.first_logits.data(), 256);  // NaN fails
    EXPECT_LE(max_diff, 1e-4) << model_file;
    std::vector<uint32_t> greedy;
    for (size_t step = 0; step < c.greedy.size(); ++step) {
      const uint32_t next = atome_argmax(logits, 256);
      greedy.push_back(next);
      ASSERT_EQ(atome_step(session.get(), next, &logits), ATOME_OK);
    }
    EXPECT_EQ(greedy, c.greedy) << model_file;
    ::testing::Test::RecordProperty("max_abs_logit_diff", std::to_string(max_diff));
    std::printf(
        "[golden] %s prompt of %zu bytes: max |dlogit| = %.3g, %zu/%zu greedy tokens\n",
        model_file.c_str(), c.prompt.size(), max_diff,
        static_cast<size_t>(std::mismatch(greedy.begin(), greedy.end(), c.greedy.begin()).first -
                            greedy.begin()),
        c.greedy.size());
  }
}

TEST(Golden, Toy60kMatchesOriginalEngine) {
  ATOME_REQUIRE_FIXTURE(reference_path("original-models/toy_60k.atome01"));
  check_golden("original-models/toy_60k.atome01", "golden/toy60k-original-engine.jsonl");
}

TEST(Golden, Atome944kMatchesOriginalEngine) {
  ATOME_REQUIRE_FIXTURE(reference_path("original-models/atome_944k.atome01"));
  check_golden("original-models/atome_944k.atome01", "golden/atome944k-original-engine.jsonl");
}

}  // namespace
}  // namespace atome::test
