// apps.json's "text" object (src/host/apps_text_config.cpp, docs/APPS.md §12.3): the two text
// heads' paths resolved against the json's folder, and every problem one FormatError line naming
// the field — a number too large for a double (nlohmann's out_of_range, not a parse_error) too:
// the fuzzer found it escaping as an uncaught exception.
#include "host/apps_text_config.h"

#include <gtest/gtest.h>

#include <string>

#include "host/errors.h"

namespace atome::test {
namespace {

// The FormatError's message for `text`, or "" when it parses.
std::string text_config_error(const std::string& text) {
  try {
    (void)parse_apps_text_config(text, "cfg/apps.json");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

TEST(AppsTextConfig, PathsResolveAgainstTheJsonsFolder) {
  const AppsTextConfig c = parse_apps_text_config(
      R"({"text": {"bucket": "b.atome", "command": "/abs/c.atome", "comment": "x"}})",
      "cfg/apps.json");
  EXPECT_EQ(c.bucket, "cfg/b.atome");
  EXPECT_EQ(c.command, "/abs/c.atome");
}

TEST(AppsTextConfig, EveryProblemIsOneLineNamingTheField) {
  const struct {
    const char* text;
    const char* field;
  } cases[] = {
      {R"({"text": )", "cfg/apps.json: json: "},
      {R"({"text": {"bucket": 1e999}})", "cfg/apps.json: json: "},
      {"33e4566486me", "cfg/apps.json: json: "},  // the fuzzer's input, less its framing byte
      {R"({"heads": []})", "cfg/apps.json: text: "},
      {R"({"text": {"bucket": "b", "command": "c", "buket": "x"}})", "cfg/apps.json: text.buket: "},
      {R"({"text": {"command": "c"}})", "cfg/apps.json: text.bucket: "},
      {R"({"text": {"bucket": "b", "command": ""}})", "cfg/apps.json: text.command: "},
  };
  for (const auto& c : cases) {
    const std::string error = text_config_error(c.text);
    EXPECT_EQ(error.rfind(c.field, 0), 0u) << c.text << " -> " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace atome::test
