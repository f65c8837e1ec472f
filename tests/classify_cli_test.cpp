// `atome classify` as a user runs it: the original's 12 SuperESP heads converted with their
// .tok.json into native classifier files (FORMAT.md §17) reproduce the original engine's golden
// classes exactly and logits within 1e-4; bad --csv / --tokens input is one error line naming the
// row and column.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.h"
#include "fixtures.h"

namespace atome::test {
namespace {

std::string head_path(const std::string& head, const std::string& ext) {
  return reference_path("original-superesp/" + head + ext);
}

// The original's voice head was trained banded; its tok.json does not say so (the note's finding).
std::string tok_mode(const std::string& head) {
  return head == "voice" ? "banded" : "global";
}

class ClassifyCli : public CliTest {
 protected:
  // Converts a head with its tok.json; returns the native path.
  std::string convert(const std::string& head, const std::string& extra = "") {
    const std::string out = path(head + ".atome");
    const CliResult r = run(
        "convert " + shell_quote(head_path(head, ".atomecl")) + " " + shell_quote(out) + " --tok " +
        shell_quote(head_path(head, ".tok.json")) + " --tok-mode " + tok_mode(head) + " " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
};

TEST_F(ClassifyCli, OriginalHeadsReproduceGoldenTokensToClasses) {
  const std::string golden = reference_path("golden/superesp-original-engine.jsonl");
  ATOME_REQUIRE_FIXTURE(golden);
  std::map<std::string, std::vector<nlohmann::json>> by_head;
  std::ifstream in(golden);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      nlohmann::json j = nlohmann::json::parse(line);
      by_head[j.at("head").get<std::string>()].push_back(j);
    }
  }
  ASSERT_EQ(by_head.size(), 12u);
  double worst = 0.0;
  size_t cases = 0;
  for (const auto& [head, rows] : by_head) {
    const std::string model = convert(head);
    std::string tokens;
    for (const nlohmann::json& j : rows) {
      std::string one;
      for (uint32_t t : j.at("tokens").get<std::vector<uint32_t>>())
        one += (one.empty() ? "" : ",") + std::to_string(t);
      tokens += (tokens.empty() ? "" : ";") + one;
    }
    const CliResult r = run("classify --model " + shell_quote(model) + " --tokens " +
                            shell_quote(tokens) + " --json");
    ASSERT_EQ(r.exit_code, 0) << head << ": " << r.err;
    std::istringstream out(r.out);
    for (const nlohmann::json& want : rows) {
      ASSERT_TRUE(std::getline(out, line)) << head << ": fewer outputs than inputs";
      const nlohmann::json got = nlohmann::json::parse(line);
      EXPECT_EQ(got.at("class").get<uint32_t>(), want.at("class").get<uint32_t>()) << head;
      const auto a = got.at("logits").get<std::vector<double>>();
      const auto b = want.at("logits").get<std::vector<double>>();
      ASSERT_EQ(a.size(), b.size()) << head;
      for (size_t k = 0; k < a.size(); ++k) {
        const double d = std::fabs(a[k] - b[k]);
        worst = std::isnan(d) ? INFINITY : std::max(worst, d);
      }
      EXPECT_TRUE(got.at("name").is_string());
      EXPECT_GE(got.at("p").get<double>(), 0.0);
      ++cases;
    }
    EXPECT_FALSE(std::getline(out, line)) << head << ": more outputs than inputs";
  }
  EXPECT_LE(worst, 1e-4);
  std::printf("[classify] %zu golden inputs over 12 heads, max |dlogit| = %.3g\n", cases, worst);
}

TEST_F(ClassifyCli, ConvertedHeadIsSmallerAndInspectShowsTheSpec) {
  ATOME_REQUIRE_FIXTURE(head_path("air", ".atomecl"));
  const std::string model =
      convert("air",
              "--channels mq2:ppm:0:10000,co2:ppm:0:40000,voc:ppb:0:60000,temp:C:-40:85,"
              "rh:%:0:100 --window 6 --temperature 1.5 --abstain max-prob:0.6");
  const CliResult r = run("inspect " + shell_quote(model) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json& c = j.at("classifier");
  EXPECT_EQ(c.at("classes").size(), 4u);
  EXPECT_EQ(c.at("classes")[3], "smoke");
  EXPECT_EQ(c.at("channels").size(), 5u);
  EXPECT_EQ(c.at("window"), 6);
  EXPECT_EQ(c.at("quant_mode"), "global");
  EXPECT_EQ(c.at("abstain_rule"), "max-prob");
  EXPECT_FLOAT_EQ(c.at("temperature").get<float>(), 1.5f);
  for (const auto& t : j.at("tensors")) EXPECT_NE(t.at("kind"), "unembed");
  EXPECT_EQ(j.at("format_version"), "1.3");
  // No unembedding: 2 KB less than the legacy file even with the spec.
  EXPECT_LT(read_bytes(model).size(), read_bytes(head_path("air", ".atomecl")).size());
}

class ClassifyCsv : public ClassifyCli {
 protected:
  void SetUp() override {
    ClassifyCli::SetUp();
    if (!file_exists(head_path("power", ".atomecl"))) return;
    // power: I_rms, power factor, THD, crest factor; 4 x 6.
    model_ =
        convert("power", "--channels i_rms:A:0:100,pf::-1:1,thd:%:0:100,crest::0:20 --window 6");
  }
  CliResult classify_csv(const std::string& text) {
    std::ofstream(path("in.csv")) << text;
    return run("classify --model " + shell_quote(model_) + " --csv " + shell_quote(path("in.csv")));
  }
  static std::string row(double v = 1.0) {
    std::string s;
    for (int i = 0; i < 24; ++i) s += (i ? "," : "") + std::to_string(v);
    return s + "\n";
  }
  std::string model_;
};

TEST_F(ClassifyCsv, GoodRowsClassifyOnePerRow) {
  ATOME_REQUIRE_FIXTURE(head_path("power", ".atomecl"));
  std::string header;
  for (int t = 0; t < 6; ++t)
    for (const char* c : {"i_rms", "pf", "thd", "crest"})
      header += (header.empty() ? "" : ",") + std::string(c) + "[" + std::to_string(t) + "]";
  const CliResult r = classify_csv(header + "\n" + row(0.5) + "\n" + row(0.9));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST_F(ClassifyCsv, BadInputIsOneLineNamingRowAndColumn) {
  ATOME_REQUIRE_FIXTURE(head_path("power", ".atomecl"));
  expect_one_line_error(classify_csv(""), 1, "empty");
  std::string short_row = row();
  short_row = short_row.substr(0, short_row.rfind(',')) + "\n";
  expect_one_line_error(classify_csv(row() + short_row), 1, "row 2: 23 values, expected 24");
  std::string nan_row = row();
  nan_row.replace(0, nan_row.find(','), "nan");
  expect_one_line_error(classify_csv(nan_row), 1,
                        "row 1, column 1 (i_rms[0]): 'nan' is not a finite");
  std::string missing = row();
  missing.replace(missing.find(','), 1, ",,");
  missing.erase(missing.rfind(','));
  missing += "\n";
  expect_one_line_error(classify_csv(missing), 1, "row 1, column 2 (pf[0]): empty value");
  std::string high = row();
  high.replace(0, high.find(','), "250");
  expect_one_line_error(classify_csv(row() + high), 1,
                        "row 2, column 1 (i_rms[0]): 250 is outside the physical range [0, 100] A");
  std::string text = row();
  text.replace(0, text.find(','), "abc");
  expect_one_line_error(classify_csv("\n" + row() + text), 1,
                        "row 3, column 1 (i_rms[0]): 'abc' is not a number");
  expect_one_line_error(classify_csv("a,b,c\n"), 1,
                        "row 1: 3 column names, expected 24 (4 channels x 6 timesteps)");
  expect_one_line_error(run("classify --model " + shell_quote(model_) + " --tokens 1,2,300"), 2,
                        "--tokens input 1, token 3: '300' is not a byte");
  expect_one_line_error(run("classify --model " + shell_quote(model_) + " --tokens '1;2,x'"), 2,
                        "--tokens input 2, token 2");
}

}  // namespace
}  // namespace atome::test
