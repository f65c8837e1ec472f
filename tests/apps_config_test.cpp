// apps.json's check-head fields (src/host/apps_config.cpp, docs/APPS.md §10): on_abstain is
// "flag" by default (fail-safe), "pass" on request, carried into the runner's config; anything
// else, or on_abstain on a head that is not a check, is one line naming the field; "session" is
// "per-head" (default) or "shared".
#include "host/apps_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/errors.h"

namespace atome::test {
namespace {

// A telemetry head, one scheduled head "air" and a check head with `extra` fields.
std::string config_with(const std::string& check_extra, const std::string& air_extra = "") {
  return R"({"heads": [{"name": "t", "model": "t.atome", "role": "telemetry"},
                       {"name": "air", "model": "a.atome")" +
         air_extra + R"(},
                       {"name": "c", "model": "c.atome", "role": "check", "checks": ["air"],
                        "ok_class": "valid")" +
         check_extra + R"(}],
             "policy": {"normal_class": "normal"}})";
}

uint32_t resolved_on_abstain(const std::string& text) {
  const AppsConfig c = parse_apps_config(text, "apps.json");
  const std::vector<std::string> tel = {"normal", "hot"};
  const std::vector<std::vector<std::string>> classes = {tel, {"a0", "a1"}, {"valid", "stuck"}};
  atome_runner_config rc;
  resolve_apps_config(c, tel, classes, "apps.json", &rc);
  EXPECT_EQ(rc.heads[2].role, uint32_t(ATOME_ROLE_CHECK));
  EXPECT_EQ(rc.heads[2].checks_mask, 1u);
  EXPECT_EQ(rc.heads[1].on_abstain, 0u);  // not a check head
  return rc.heads[2].on_abstain;
}

std::string refusal(const std::string& text) {
  try {
    parse_apps_config(text, "apps.json");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(AppsConfig, CheckHeadOnAbstainIsFlagUnlessItSaysPass) {
  EXPECT_EQ(resolved_on_abstain(config_with("")), uint32_t(ATOME_CHECK_ABSTAIN_FLAG));
  EXPECT_EQ(resolved_on_abstain(config_with(R"(, "on_abstain": "flag")")),
            uint32_t(ATOME_CHECK_ABSTAIN_FLAG));
  EXPECT_EQ(resolved_on_abstain(config_with(R"(, "on_abstain": "pass")")),
            uint32_t(ATOME_CHECK_ABSTAIN_PASS));
}

TEST(AppsConfig, RefusesABadOnAbstainInOneLine) {
  const std::string bad_value = refusal(config_with(R"(, "on_abstain": "maybe")"));
  EXPECT_NE(bad_value.find("apps.json: heads[2].on_abstain: 'maybe' is not flag or pass"),
            std::string::npos)
      << bad_value;
  const std::string not_check = refusal(config_with("", R"(, "on_abstain": "pass")"));
  EXPECT_NE(not_check.find("heads[1].on_abstain: is for check heads only"), std::string::npos)
      << not_check;
  EXPECT_EQ(bad_value.find('\n'), std::string::npos);
}

// '@' starts the stream's operator rows (@command, @resume): no head may be named so.
TEST(AppsConfig, RefusesAHeadNameStartingWithAt) {
  std::string text = config_with("");
  text.replace(text.find("\"air\""), 5, "\"@air\"");
  const std::string why = refusal(text);
  EXPECT_NE(why.find("heads[1].name: '@air' starts with '@' (reserved)"), std::string::npos) << why;
}

// "session": one session per head by default, "shared" on request; anything else is one line.
TEST(AppsConfig, SessionIsPerHeadUnlessItSaysShared) {
  const std::string base = config_with("");
  const auto with_session = [&](const std::string& v) {
    return "{\"session\": " + v + ", " + base.substr(1);
  };
  EXPECT_FALSE(parse_apps_config(base, "apps.json").shared_session);
  EXPECT_FALSE(parse_apps_config(with_session("\"per-head\""), "apps.json").shared_session);
  EXPECT_TRUE(parse_apps_config(with_session("\"shared\""), "apps.json").shared_session);
  const std::string bad = refusal(with_session("\"pooled\""));
  EXPECT_NE(bad.find("apps.json: session: must be \"shared\" or \"per-head\""), std::string::npos)
      << bad;
  EXPECT_NE(refusal(with_session("3")).find("apps.json: session: "), std::string::npos);
}

}  // namespace
}  // namespace atome::test
