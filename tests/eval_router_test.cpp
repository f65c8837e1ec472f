// `atome eval --per-token FILE` and `--router-stats`: the CSV's header and one row per
// prediction, its losses summing to eval's nats, entropies and mixtures in range, the same file
// for any thread count, fewer mixture columns for a model without a pathway, the summary
// agreeing with the CSV, undefined correlations for a model with one pathway, and the one-line
// errors for bad output paths.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "host/model_data.h"
#include "host/router_stats.h"
#include "random_model.h"
#include "three_stories.h"

namespace atome::test {
namespace {

const std::vector<std::string>& kRouterStories = three_stories();

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  size_t column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  double number(size_t row, const std::string& name) const {
    return std::strtod(rows[row][column(name)].c_str(), nullptr);
  }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  return cells;
}

Csv parse_csv(const std::string& text) {
  Csv csv;
  std::stringstream ss(text);
  std::string line;
  if (std::getline(ss, line)) csv.header = split(line);
  while (std::getline(ss, line)) csv.rows.push_back(split(line));
  return csv;
}

class EvalRouterTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_model("m.atn", ATOME_PATH_ALL);
    const std::string text = three_stories_file_text();
    write_bytes(path("stories.txt"), std::vector<uint8_t>(text.begin(), text.end()));
  }

  void write_model(const std::string& name, uint32_t pathways) const {
    write_bytes(path(name), write_native(random_model(small_config(24, 2, 8, 3, 2, pathways), 5)));
  }

  std::string eval(const std::string& flags, const std::string& model = "m.atn") const {
    return "eval --model " + shell_quote(path(model)) + " --data " +
           shell_quote(path("stories.txt")) + " " + flags;
  }

  // Runs eval with --json and --per-token into `csv_name`; returns the JSON and the CSV.
  std::pair<nlohmann::json, Csv> eval_csv(const std::string& flags, const std::string& csv_name,
                                          const std::string& model = "m.atn") const {
    const CliResult r =
        run(eval(flags + " --json --per-token " + shell_quote(path(csv_name)), model));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {nlohmann::json::parse(r.out), parse_csv(read_text(path(csv_name)))};
  }
};

TEST_F(EvalRouterTest, CsvHasOneRowPerPredictionInRange) {
  for (const std::string mode : {"", "--chunk 16"}) {
    SCOPED_TRACE(mode);
    const auto [j, csv] = eval_csv(mode, "t.csv");
    EXPECT_EQ(csv.header, (std::vector<std::string>{"span", "pos", "input", "target", "loss", "H0",
                                                    "H1", "H_mean", "r0_conv", "r0_ssm", "r0_attn",
                                                    "r1_conv", "r1_ssm", "r1_attn"}));
    ASSERT_EQ(csv.rows.size(), j.at("predicted").get<size_t>());
    double nats = 0;
    for (size_t i = 0; i < csv.rows.size(); ++i) {
      ASSERT_EQ(csv.rows[i].size(), csv.header.size()) << "row " << i;
      nats += csv.number(i, "loss");
      EXPECT_GE(csv.number(i, "loss"), 0.0);
      const double h0 = csv.number(i, "H0"), h1 = csv.number(i, "H1");
      for (double h : {h0, h1}) {
        EXPECT_GE(h, 0.0);
        EXPECT_LE(h, std::log(3.0));
      }
      EXPECT_NEAR(csv.number(i, "H_mean"), (h0 + h1) / 2, 1e-8);
      for (const std::string l : {"0", "1"}) {
        const double sum = csv.number(i, "r" + l + "_conv") + csv.number(i, "r" + l + "_ssm") +
                           csv.number(i, "r" + l + "_attn");
        EXPECT_NEAR(sum, 1.0, 1e-5) << "row " << i << " layer " << l;
      }
    }
    EXPECT_NEAR(nats, j.at("nats").get<double>(), 1e-9 * nats);
  }
}

TEST_F(EvalRouterTest, CsvRowsNameTheirSpanPositionAndBytes) {
  const auto [j, csv] = eval_csv("", "t.csv");
  // Story mode: story s is 0x04, its bytes, 0x04; one row per byte after the first.
  size_t row = 0;
  for (size_t s = 0; s < kRouterStories.size(); ++s) {
    const std::string seq = "\x04" + kRouterStories[s] + "\x04";
    for (size_t pos = 0; pos + 1 < seq.size(); ++pos, ++row) {
      ASSERT_LT(row, csv.rows.size());
      EXPECT_EQ(csv.rows[row][0], std::to_string(s));
      EXPECT_EQ(csv.rows[row][1], std::to_string(pos));
      EXPECT_EQ(csv.rows[row][2], std::to_string(static_cast<uint8_t>(seq[pos])));
      EXPECT_EQ(csv.rows[row][3], std::to_string(static_cast<uint8_t>(seq[pos + 1])));
    }
  }
  EXPECT_EQ(row, csv.rows.size());
}

TEST_F(EvalRouterTest, SameCsvAndStatsForAnyThreadCount) {
  for (const std::string mode : {"", "--chunk 8"}) {
    SCOPED_TRACE(mode);
    const CliResult one =
        run(eval(mode + " --threads 1 --router-stats --json --per-token " + path("1.csv")));
    const CliResult two =
        run(eval(mode + " --threads 2 --router-stats --json --per-token " + path("2.csv")));
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_EQ(one.out, two.out);
    EXPECT_EQ(read_text(path("1.csv")), read_text(path("2.csv")));
    EXPECT_GT(read_text(path("1.csv")).size(), 1000u);
  }
}

TEST_F(EvalRouterTest, TracingLeavesTheLossUnchanged) {
  const CliResult plain = run(eval("--json"));
  const CliResult traced = run(eval("--json --router-stats --per-token " + path("t.csv")));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(traced.exit_code, 0) << traced.err;
  nlohmann::json a = nlohmann::json::parse(plain.out), b = nlohmann::json::parse(traced.out);
  EXPECT_EQ(a.at("nats"), b.at("nats"));  // to the bit
  b.erase("router");
  EXPECT_EQ(a, b);
}

TEST_F(EvalRouterTest, StatsAgreeWithTheCsv) {
  const auto [j, csv] = eval_csv("--router-stats", "t.csv");
  const nlohmann::json& r = j.at("router");
  EXPECT_EQ(r.at("paths"), (std::vector<std::string>{"conv", "ssm", "attn"}));
  EXPECT_DOUBLE_EQ(r.at("max_entropy").get<double>(), std::log(3.0));
  std::vector<double> loss, mean, h1;
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    loss.push_back(csv.number(i, "loss"));
    mean.push_back(csv.number(i, "H_mean"));
    h1.push_back(csv.number(i, "H1"));
  }
  double mean_of_mean = 0;
  for (double h : mean) mean_of_mean += h;
  mean_of_mean /= static_cast<double>(mean.size());
  // The CSV prints entropies to 9 digits; the summary uses them unrounded.
  EXPECT_NEAR(r.at("mean_entropy").get<double>(), mean_of_mean, 1e-8);
  EXPECT_NEAR(r.at("pearson").get<double>(), atome::pearson(mean, loss), 1e-6);
  EXPECT_NEAR(r.at("spearman").get<double>(), atome::spearman(mean, loss), 1e-3);
  ASSERT_EQ(r.at("layers").size(), 2u);
  EXPECT_NEAR(r.at("layers")[1].at("pearson").get<double>(), atome::pearson(h1, loss), 1e-6);
  double mixture_sum = 0;
  for (const auto& m : r.at("layers")[0].at("mean_mixture")) mixture_sum += m.get<double>();
  EXPECT_NEAR(mixture_sum, 1.0, 1e-6);

  ASSERT_EQ(r.at("by_loss").size(), 10u);
  size_t counted = 0;
  double last = -1;
  for (const auto& bin : r.at("by_loss")) {
    counted += bin.at("count").get<size_t>();
    EXPECT_GE(bin.at("mean_loss").get<double>(), last);  // lowest loss first
    last = bin.at("mean_loss").get<double>();
  }
  EXPECT_EQ(counted, csv.rows.size());
  EXPECT_EQ(r.at("token_entropy").at("count"), csv.rows.size());
  EXPECT_NEAR(r.at("token_entropy").at("mean").get<double>(), mean_of_mean, 1e-8);
  EXPECT_EQ(r.at("span_entropy").at("count"), kRouterStories.size());
  EXPECT_LE(r.at("span_entropy").at("min").get<double>(),
            r.at("span_entropy").at("max").get<double>());
}

TEST_F(EvalRouterTest, TextOutputAddsTheRouterTable) {
  const CliResult r = run(eval("--router-stats"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("bpb ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nlayer "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("r_conv"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nmean "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mean entropy of a story"), std::string::npos) << r.out;
}

TEST_F(EvalRouterTest, ModelWithoutAPathwayHasFewerColumns) {
  write_model("no_ssm.atn", ATOME_PATH_CONV | ATOME_PATH_ATTN);
  const auto [j, csv] = eval_csv("--router-stats", "t.csv", "no_ssm.atn");
  EXPECT_EQ(csv.header,
            (std::vector<std::string>{"span", "pos", "input", "target", "loss", "H0", "H1",
                                      "H_mean", "r0_conv", "r0_attn", "r1_conv", "r1_attn"}));
  ASSERT_EQ(csv.rows.size(), j.at("predicted").get<size_t>());
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    EXPECT_LE(csv.number(i, "H0"), std::log(2.0));
    EXPECT_NEAR(csv.number(i, "r1_conv") + csv.number(i, "r1_attn"), 1.0, 1e-5);
  }
  EXPECT_EQ(j.at("router").at("paths"), (std::vector<std::string>{"conv", "attn"}));
  EXPECT_DOUBLE_EQ(j.at("router").at("max_entropy").get<double>(), std::log(2.0));
}

// One pathway: the router has nothing to choose, entropy is 0 everywhere and its correlation
// with the loss is undefined: null in JSON, "undefined" in text, never a crash.
TEST_F(EvalRouterTest, OnePathwayGivesUndefinedCorrelations) {
  write_model("conv.atn", ATOME_PATH_CONV);
  const auto [j, csv] = eval_csv("--router-stats", "t.csv", "conv.atn");
  EXPECT_EQ(csv.header.back(), "r1_conv");
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    EXPECT_EQ(csv.number(i, "H_mean"), 0.0);
    EXPECT_EQ(csv.number(i, "r0_conv"), 1.0);
  }
  const nlohmann::json& r = j.at("router");
  EXPECT_EQ(r.at("mean_entropy").get<double>(), 0.0);
  EXPECT_TRUE(r.at("pearson").is_null()) << r.dump();
  EXPECT_TRUE(r.at("spearman").is_null()) << r.dump();
  EXPECT_TRUE(r.at("layers")[0].at("pearson").is_null()) << r.dump();
  const CliResult text = run(eval("--router-stats", "conv.atn"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("undefined"), std::string::npos) << text.out;
}

TEST_F(EvalRouterTest, BadOutputPathsGiveOneLineErrors) {
  expect_one_line_error(run(eval("--per-token " + shell_quote(path("no/such/dir/t.csv")))), 1,
                        "--per-token");
  expect_one_line_error(run(eval("--per-token " + shell_quote(dir_))), 1, "is a directory");
  expect_one_line_error(run(eval("--per-token")), 2, "--per-token");  // no file name
  // The path is checked before anything runs, and a failed eval leaves no file behind.
  const std::string csv = path("t.csv");
  expect_one_line_error(run("eval --model " + shell_quote(path("none.atn")) + " --data " +
                            shell_quote(path("stories.txt")) + " --per-token " + shell_quote(csv)),
                        1, "none.atn");
  EXPECT_FALSE(std::filesystem::exists(csv));
}

}  // namespace
}  // namespace atome::test
