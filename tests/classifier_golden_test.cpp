// The original engine's classify() on its 12 SuperESP heads (ATOMECL01, window 32): same class,
// class logits within 1e-4, after conversion to the native format.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "max_abs_diff.h"
#include "model_helpers.h"

namespace atome::test {
namespace {

TEST(Golden, SuperEspClassifiersMatchOriginalEngine) {
  const std::string golden = reference_path("golden/superesp-original-engine.jsonl");
  ATOME_REQUIRE_FIXTURE(golden);
  std::map<std::string, LoadedModel> heads;
  std::ifstream in(golden);
  std::string line;
  int cases = 0;
  double worst = 0.0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    const std::string head = j.at("head");
    if (!heads.count(head))
      heads.emplace(
          head, load_legacy_as_native(reference_path("original-superesp/" + head + ".atomecl")));
    const LoadedModel& m = heads.at(head);
    ASSERT_EQ(m.model.config.arch, static_cast<uint32_t>(ATOME_ARCH_CLASSIFIER));
    OwnedSession session(m.model, 32, kNoStateLimit);
    for (uint32_t t : j.at("tokens").get<std::vector<uint32_t>>())
      ASSERT_EQ(atome_step_no_logits(session.get(), t), ATOME_OK);
    const auto want = j.at("logits").get<std::vector<float>>();
    std::vector<float> got(m.model.config.n_classes);
    ASSERT_EQ(want.size(), got.size());
    ASSERT_EQ(
        atome_session_class_logits(session.get(), got.data(), static_cast<uint32_t>(got.size())),
        ATOME_OK);
    worst = nan_failing_max(worst, max_abs_diff(got, want));  // a NaN anywhere fails
    EXPECT_EQ(atome_argmax(got.data(), static_cast<uint32_t>(got.size())),
              j.at("class").get<uint32_t>())
        << head;
    ++cases;
  }
  EXPECT_EQ(heads.size(), 12u);
  EXPECT_LE(worst, 1e-4);
  std::printf("[golden] superesp: %d cases over %zu heads, max |dlogit| = %.3g\n", cases,
              heads.size(), worst);
}

}  // namespace
}  // namespace atome::test
