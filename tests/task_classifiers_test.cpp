// The shipped task classifiers (issue 15 item 3; models/task-*-q15.atome, docs/DATA.md "The task
// classifiers") load and classify fixed inputs to the expected classes through
// `atome classify --csv`, as a device would feed them: the raw bytes of a request, left-padded with
// 0 to 32 (token = byte), and the five reading_context features of 16 normalised readings of one
// channel (apps/reading_check.cpp, as a device computes them). The inputs are written by
// hand, not drawn from the generators, so they also check the heads on plain phrasings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "atome/apps.h"
#include "cli_run.h"

namespace atome::test {
namespace {

std::string model_path(const std::string& name) {
  return std::string(ATOME_SOURCE_DIR) + "/models/" + name + ".atome";
}

// One CSV row of a text head: the request's bytes right-aligned in 32, byte 0 before them.
std::string text_row(const std::string& text) {
  std::string row;
  for (size_t i = 0; i < 32; ++i) {
    const size_t pad = 32 - text.size();
    const int b = i < pad ? 0 : static_cast<unsigned char>(text[i - pad]);
    row += (i ? "," : "") + std::to_string(b);
  }
  return row;
}

class TaskClassifiers : public CliTest {
 protected:
  // Classifies the rows with the model; returns each row's class name, "?" appended when the
  // head abstains.
  std::vector<std::string> classify(const std::string& model,
                                    const std::vector<std::string>& rows) {
    std::string csv;
    for (const std::string& r : rows) csv += r + "\n";
    const std::string file = path("in.csv");
    write_bytes(file, std::vector<uint8_t>(csv.begin(), csv.end()));
    const CliResult r =
        run("classify --model " + shell_quote(model) + " --csv " + shell_quote(file) + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> classes;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) {
        const nlohmann::json j = nlohmann::json::parse(line);
        classes.push_back(j.at("name").get<std::string>() +
                          (j.at("abstain").get<bool>() ? "?" : ""));
      }
    EXPECT_EQ(classes.size(), rows.size()) << r.out;
    return classes;
  }

  // Each case's expected class (abstaining or not), or "?": the head must abstain (it may be
  // unsure, but must not be confidently wrong).
  void expect_text(const std::string& model,
                   const std::vector<std::pair<std::string, std::string>>& cases) {
    std::vector<std::string> rows;
    for (const auto& c : cases) rows.push_back(text_row(c.first));
    const std::vector<std::string> got = classify(model_path(model), rows);
    for (size_t i = 0; i < got.size() && i < cases.size(); ++i) {
      const std::string& want = cases[i].second;
      if (want == "?")
        EXPECT_EQ(got[i].back(), '?') << model << ": \"" << cases[i].first << "\" -> " << got[i];
      else
        EXPECT_EQ(got[i].substr(0, got[i].find('?')), want)
            << model << ": \"" << cases[i].first << "\"";
    }
  }
};

TEST_F(TaskClassifiers, CommandIntentMapsCommandsToActions) {
  // "start fan 2" (a numbered device, read close to set_value) is turn_on, but not with
  // confidence: the head abstains.
  expect_text("task-command-intent-q15", {{"turn off the pump", "turn_off"},
                                          {"status?", "status"},
                                          {"set fan to 3", "set_value"},
                                          {"switch on the heater", "turn_on"},
                                          {"emergency stop", "stop_all"},
                                          {"tell me a joke", "unknown"},
                                          {"set fan 3", "set_value"},
                                          {"start fan 2", "?"}});
}

TEST_F(TaskClassifiers, IntentBucketRoutesRequests) {
  // Known misses, not tested: "fire!" -> smalltalk and "is the pump on" -> query (abstaining:
  // the two fewest-word forms of their kind); device status is control (docs/DATA.md).
  expect_text("task-intent-bucket-q15", {{"turn on the fan", "control"},
                                         {"pump status", "control"},
                                         {"play some music", "control"},
                                         {"what is the temperature", "query"},
                                         {"change units to celsius", "config"},
                                         {"water leak!", "alert"},
                                         {"the pump is broken", "alert"},
                                         {"good morning", "smalltalk"}});
}

TEST_F(TaskClassifiers, BadReadingJudgesTheLastReading) {
  // The head's input: the five integer features of the 16 readings (Q24), as on a device.
  auto row = [](std::vector<double> v) {
    int32_t q[ATOME_READING_WINDOW], f[ATOME_READING_FEATURES];
    for (int i = 0; i < ATOME_READING_WINDOW; ++i)
      q[i] = static_cast<int32_t>(std::lround(v[i] * (1 << ATOME_READING_FRAC)));
    EXPECT_EQ(atome_reading_context(q, 16, ATOME_READING_FRAC, nullptr, f), ATOME_APPS_OK);
    std::string s;
    for (int i = 0; i < ATOME_READING_FEATURES; ++i) s += (i ? "," : "") + std::to_string(f[i]);
    return s;
  };
  // A slow CO2-like rise with noise, then its four endings.
  std::vector<double> base;
  for (int t = 0; t < 16; ++t) base.push_back(0.30 + 0.012 * t + (t % 3 == 0 ? 0.004 : -0.003));
  std::vector<double> stuck = base, spike = base, out = base;
  for (int t = 8; t < 16; ++t) stuck[t] = base[8];
  spike[15] = base[14] + 0.45;
  out[15] = 1.30;
  const std::vector<std::string> got =
      classify(model_path("task-bad-reading-q15"), {row(base), row(stuck), row(spike), row(out)});
  const std::vector<std::string> want = {"valid", "stuck", "spike", "out_of_range"};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i].substr(0, got[i].find('?')), want[i]) << "case " << i;
}

TEST_F(TaskClassifiers, TextOfTheWrongLengthIsOneLine) {
  const std::string file = path("short.csv");
  const std::string csv = "116,117,114,110\n";  // 4 bytes, not 32
  write_bytes(file, std::vector<uint8_t>(csv.begin(), csv.end()));
  const CliResult r = run("classify --model " + shell_quote(model_path("task-command-intent-q15")) +
                          " --csv " + shell_quote(file));
  EXPECT_FALSE(r.signaled);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace atome::test
