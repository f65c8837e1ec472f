// `atome report`: a sweep's run directory (written here by hand, in the layout `atome sweep`
// writes) to a Markdown table and two SVG figures; the marked block of a results file replaced;
// the inputs it refuses. Also the median / min-max arithmetic behind the table (seed_stats.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_run.h"
#include "host/spread.h"

namespace atome::test {
namespace {

using atome::perplexity;
using atome::perplexity_change;
using atome::Spread;
using atome::spread_of;

TEST(SeedStats, MedianAndRange) {
  const Spread odd = spread_of({1.0, 3.0, 2.0});
  EXPECT_EQ(odd.median, 2.0);
  EXPECT_EQ(odd.min, 1.0);
  EXPECT_EQ(odd.max, 3.0);
  const Spread even = spread_of({4.0, 1.0, 3.0, 2.0});  // the mean of the two middle values
  EXPECT_EQ(even.median, 2.5);
  EXPECT_EQ(even.min, 1.0);
  EXPECT_EQ(even.max, 4.0);
  const Spread one = spread_of({2.7});
  EXPECT_EQ(one.median, 2.7);
  EXPECT_EQ(one.min, 2.7);
  EXPECT_EQ(one.max, 2.7);
  EXPECT_THROW(spread_of({}), std::invalid_argument);
  EXPECT_THROW(spread_of({1.0, NAN}), std::invalid_argument);
  EXPECT_THROW(spread_of({INFINITY}), std::invalid_argument);
}

TEST(SeedStats, PerplexityPerByte) {
  EXPECT_DOUBLE_EQ(perplexity(2.0), 4.0);
  EXPECT_DOUBLE_EQ(perplexity_change(3.0, 2.0), 1.0);  // twice the perplexity: +100%
  EXPECT_DOUBLE_EQ(perplexity_change(1.0, 2.0), -0.5);
  EXPECT_DOUBLE_EQ(perplexity_change(2.5, 2.5), 0.0);
}

const char* const kSweepAb = R"json({
  "name": "ab",
  "title": "A/B at 60K parameters: Atome vs vanilla GPT",
  "protocol": ["--steps", "3000", "--batch", "16"],
  "seeds": [1, 2, 3],
  "baseline": "atome-60k",
  "models": [
    {"name": "atome-60k", "label": "Atome 60K (ternary)", "args": ["--preset", "60k"],
     "seed_reported": "2.657 bpb (ppl 6.31)"},
    {"name": "vanilla-60k", "label": "vanilla GPT 60K (float32, param-fair)",
     "args": ["--preset", "vanilla-60k"]},
    {"name": "never-ran", "label": "never ran", "args": []}
  ]
})json";

class ReportCliTest : public CliTest {
 protected:
  void write_file(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(path(name)).parent_path());
    std::ofstream(path(name), std::ios::binary) << text;
  }

  // One run: its metrics always, its result.json only when `finished`.
  void write_run(const std::string& runs, const std::string& model, int seed, double valid_bpb,
                 bool finished = true) const {
    const std::string dir = runs + "/" + model + "/seed-" + std::to_string(seed);
    write_file(dir + "/run.json", "{\"steps\": 200}\n");
    write_file(dir + "/metrics.jsonl",
               "{\"event\":\"start\",\"step\":0}\n"
               "{\"step\":0,\"train_loss\":4.0}\n"
               "{\"step\":100,\"train_loss\":2.5}\n"
               "{\"step\":100,\"valid_bpb\":" +
                   std::to_string(valid_bpb + 1) +
                   "}\n"
                   "{\"step\":200,\"train_loss\":2.0}\n"
                   "{\"step\":200,\"valid_bpb\":" +
                   std::to_string(valid_bpb) + "}\n");
    if (finished)
      write_file(dir + "/result.json",
                 "{\"arch\":\"atome\",\"seed\":" + std::to_string(seed) +
                     ",\"steps\":200,\"params\":60800,\"model_bytes\":16000,\"valid_bpb\":" +
                     std::to_string(valid_bpb) +
                     ",\"valid_mode\":\"chunk 64\",\"best_valid_bpb\":1.0,\"best_step\":100,"
                     "\"train_seconds\":" +
                     std::to_string(40 + seed) + ".5,\"tokens_per_s\":74000.0}\n");
  }

  // Sweep "ab": atome-60k with bpb 1, 3, 2 (median 2); vanilla-60k with 2.4, 2.6 and seed 3
  // unfinished (median 2.5); never-ran with no run at all.
  std::string write_sweep_ab() const {
    const std::string runs = "runs/ab";
    write_file(runs + "/sweep.json", kSweepAb);
    write_run(runs, "atome-60k", 1, 1.0);
    write_run(runs, "atome-60k", 2, 3.0);
    write_run(runs, "atome-60k", 3, 2.0);
    write_run(runs, "vanilla-60k", 1, 2.4);
    write_run(runs, "vanilla-60k", 2, 2.6);
    write_run(runs, "vanilla-60k", 3, 2.9, /*finished=*/false);
    return path(runs);
  }

  // Sweep "cd": one model, one seed.
  std::string write_sweep_cd() const {
    write_file("runs/cd/sweep.json",
               R"({"name": "cd", "seeds": [7], "models": [{"name": "m", "label": "M"}]})");
    write_run("runs/cd", "m", 7, 1.5);
    return path("runs/cd");
  }
};

// The text of the table row that starts with "| <label> |".
std::string table_row(const std::string& md, const std::string& label) {
  const size_t at = md.find("\n| " + label + " |");
  if (at == std::string::npos) return "";
  return md.substr(at + 1, md.find('\n', at + 1) - at - 1);
}

TEST_F(ReportCliTest, PrintsTheTable) {
  const std::string runs = write_sweep_ab();
  const CliResult r = run("report " + shell_quote(runs));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const std::string& md = r.out;
  EXPECT_EQ(md.rfind("### A/B at 60K parameters: Atome vs vanilla GPT\n", 0), 0u) << md;
  EXPECT_NE(md.find("| model | params | bytes on disk | valid bpb, median (min–max) | ppl (median) "
                    "| Δppl vs Atome 60K (ternary) | Δppl, seed by seed | seeds (bpb each) "
                    "| train s (median) "
                    "| original (one seed) |"),
            std::string::npos)
      << md;
  EXPECT_EQ(table_row(md, "Atome 60K (ternary)"),
            "| Atome 60K (ternary) | 60,800 | 16,000 | 2.000 (1.000–3.000) | 4.00 | baseline "
            "| baseline | 1.000 / 3.000 / 2.000 | 42.5 | 2.657 bpb (ppl 6.31) |");

  // vanilla-60k: median of 2.4 and 2.6; seed 3 has no result.json.
  const std::string vanilla = table_row(md, "vanilla GPT 60K (float32, param-fair)");
  EXPECT_NE(vanilla.find(" | 60,800 | 16,000 | 2.500 (2.400–2.600) | 5.66 | "), std::string::npos)
      << vanilla;
  EXPECT_NE(vanilla.find("| 2.400 / 2.600 / — (2 of 3 seeds finished) | 42.0 | — |"),
            std::string::npos)
      << vanilla;
  // Δppl = 2^(2.5 - 2.0) - 1 = +41.4%.
  const size_t sign = vanilla.find("| +");
  ASSERT_NE(sign, std::string::npos) << vanilla;
  const double percent = std::strtod(vanilla.c_str() + sign + 2, nullptr);
  EXPECT_NEAR(percent, 100 * (std::exp2(0.5) - 1), 0.05) << vanilla;
  EXPECT_NE(vanilla.find("+41.4%"), std::string::npos) << vanilla;
  // Seed by seed against the baseline's 1.0 / 3.0 / 2.0: 2^1.4 - 1, 2^-0.4 - 1, and no pair.
  EXPECT_NE(vanilla.find("| +163.9% / -24.2% / — |"), std::string::npos) << vanilla;

  EXPECT_EQ(table_row(md, "never ran"),
            "| never ran | — | — | no finished run | — | — | — | — / — / — (0 of 3 seeds finished) "
            "| — | — |");
  EXPECT_NE(md.find("`" + runs + "/vanilla-60k/seed-3`"), std::string::npos) << md;
  EXPECT_NE(md.find("(chunk 64)"), std::string::npos) << md;
  EXPECT_NE(md.find("\natome sweep experiments/ab.json --out " + runs + "\n"), std::string::npos)
      << md;
  EXPECT_NE(md.find("\natome report " + runs + "\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("!["), std::string::npos) << "no --figures: no figures, no links";
}

// "metric": "engine_valid_bpb": the table shows the engine's bpb on the exported files
// (result.json's engine_valid_bpb), the notes say so and give the differences in bpb and the
// trainer's own bpb; a run without engine_valid_bpb is an error naming the key; an unknown metric
// is refused.
TEST_F(ReportCliTest, EngineMetricTabulatesTheEnginesBpb) {
  write_file("runs/nm/sweep.json", R"({"name": "nm", "seeds": [1, 2], "metric": "engine_valid_bpb",
    "models": [{"name": "f", "label": "F32"}, {"name": "q", "label": "Q15"}]})");
  auto result = [&](const std::string& model, int seed, double trainer, double engine) {
    const std::string dir = "runs/nm/" + model + "/seed-" + std::to_string(seed);
    write_file(dir + "/metrics.jsonl", "{\"step\":1,\"train_loss\":2.0}\n");
    write_file(dir + "/result.json",
               "{\"params\":1,\"model_bytes\":2,\"train_seconds\":3,\"valid_bpb\":" +
                   std::to_string(trainer) + ",\"engine_valid_bpb\":" + std::to_string(engine) +
                   "}");
  };
  result("f", 1, 2.0, 2.001);
  result("f", 2, 2.2, 2.201);
  result("q", 1, 2.05, 2.011);
  result("q", 2, 2.25, 2.221);
  const CliResult r = run("report " + shell_quote(path("runs/nm")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(table_row(r.out, "Q15").find("| 2.011 / 2.221 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the engine's bits per byte"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Q15 +0.0150 (+0.0100 / +0.0200)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("F32 2.1000; Q15 2.1500"), std::string::npos) << r.out;

  write_file("runs/nm/q/seed-2/result.json",
             "{\"params\":1,\"model_bytes\":2,\"train_seconds\":3,\"valid_bpb\":2.0}");
  expect_one_line_error(run("report " + shell_quote(path("runs/nm"))), 1, "engine_valid_bpb");
  write_file("runs/nm/sweep.json", R"({"name": "nm", "seeds": [1], "metric": "loss",
    "models": [{"name": "f"}]})");
  expect_one_line_error(run("report " + shell_quote(path("runs/nm"))), 1, "metric");
}

TEST_F(ReportCliTest, DrawsBothFigures) {
  const std::string runs = write_sweep_ab(), figures = path("figs");
  const CliResult r = run("report " + shell_quote(runs) + " --figures " + shell_quote(figures));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("figs/ab-curves.svg)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("figs/ab-bpb.svg)"), std::string::npos) << r.out;
  for (const char* name : {"ab-curves.svg", "ab-bpb.svg"}) {
    const std::string svg = read_text(figures + "/" + name);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << name << ": " << svg.substr(0, 80);
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << name;
    EXPECT_EQ(std::count(svg.begin(), svg.end(), '<'), std::count(svg.begin(), svg.end(), '>'))
        << name;
  }
  const std::string curves = read_text(figures + "/ab-curves.svg");
  // Three seeds drawn, one legend entry per model and kind of curve.
  size_t valid_entries = 0;
  for (size_t at = 0;
       (at = curves.find(">Atome 60K (ternary) valid</text>", at)) != std::string::npos; ++at)
    ++valid_entries;
  EXPECT_EQ(valid_entries, 1u);
  EXPECT_NE(curves.find(">Atome 60K (ternary) train</text>"), std::string::npos);
  EXPECT_NE(curves.find("stroke-dasharray"), std::string::npos) << "train curves dashed";
  const std::string bars = read_text(figures + "/ab-bpb.svg");
  EXPECT_NE(bars.find(">2.000</text>"), std::string::npos);
  EXPECT_NE(bars.find(">2.500</text>"), std::string::npos);
  EXPECT_NE(bars.find(">no finished run</text>"), std::string::npos);
  EXPECT_NE(bars.find("axis from 0"), std::string::npos);
}

TEST_F(ReportCliTest, ReplacesOnlyTheMarkedBlocks) {
  const std::string ab = write_sweep_ab(), cd = write_sweep_cd();
  const std::string head = "# Results\n\nIntro text.\n\n<!-- sweep:ab:begin -->\n";
  const std::string middle = "<!-- sweep:ab:end -->\n\nBetween.\n\n<!-- sweep:cd:begin -->\n";
  const std::string tail = "<!-- sweep:cd:end -->\n\nOutro.\n";
  write_file("docs/RESULTS.md", head + "stale ab\n" + middle + "stale cd\n" + tail);
  const std::string results = path("docs/RESULTS.md"), figures = path("docs/figures");
  const std::string args = "report " + shell_quote(ab) + " " + shell_quote(cd) + " --results " +
                           shell_quote(results) + " --figures " + shell_quote(figures);

  const CliResult r = run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const std::string text = read_text(results);
  ASSERT_EQ(text.rfind(head + "### A/B at 60K parameters", 0), 0u) << text;
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail) << text;
  EXPECT_EQ(text.find("stale"), std::string::npos) << text;
  const size_t between = text.find(middle);
  ASSERT_NE(between, std::string::npos) << text;
  EXPECT_EQ(text.find("### cd\n", between), between + middle.size()) << "title defaults to name";
  // Links from docs/RESULTS.md to docs/figures; the command as given.
  EXPECT_NE(text.find("](figures/ab-curves.svg)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("](figures/cd-bpb.svg)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("atome report " + ab + " --results " + results + " --figures " + figures),
            std::string::npos)
      << text;
  EXPECT_TRUE(std::filesystem::exists(figures + "/cd-curves.svg"));

  const CliResult again = run(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_text(results), text) << "a second run changes nothing";
}

TEST_F(ReportCliTest, MissingMarkersLeaveTheFileAlone) {
  const std::string runs = write_sweep_ab();
  const std::string original = "# Results\n\n<!-- sweep:ab:begin -->\nno end marker\n";
  write_file("RESULTS.md", original);
  const CliResult r =
      run("report " + shell_quote(runs) + " --results " + shell_quote(path("RESULTS.md")) +
          " --figures " + shell_quote(path("figs")));
  expect_one_line_error(r, 1,
                        "add the lines '<!-- sweep:ab:begin -->' and '<!-- sweep:ab:end -->'");
  EXPECT_EQ(read_text(path("RESULTS.md")), original);
  EXPECT_FALSE(std::filesystem::exists(path("figs"))) << "nothing written on failure";
}

TEST_F(ReportCliTest, BadInputGivesOneLineErrors) {
  const std::string runs = write_sweep_ab();
  const std::string q = shell_quote(runs);
  const std::string result = runs + "/atome-60k/seed-2/result.json";

  expect_one_line_error(run("report " + shell_quote(path("nowhere"))), 1, "nowhere");
  std::filesystem::create_directories(path("empty"));
  expect_one_line_error(run("report " + shell_quote(path("empty"))), 1, "has no sweep.json");
  expect_one_line_error(run("report"), 2, "RUNS");
  expect_one_line_error(run("report " + q + " " + q), 2, "sweep 'ab'");

  write_file("runs/ab/atome-60k/seed-2/result.json", "{\"valid_bpb\": 2.0,");
  expect_one_line_error(run("report " + q), 1, result + " is not valid JSON");
  write_file("runs/ab/atome-60k/seed-2/result.json",
             "{\"valid_bpb\": null, \"params\": 1, \"model_bytes\": 1, \"train_seconds\": 1}");
  expect_one_line_error(run("report " + q), 1, "\"valid_bpb\" must be a finite number");
  write_file("runs/ab/atome-60k/seed-2/result.json",
             "{\"valid_bpb\": \"nan\", \"params\": 1, \"model_bytes\": 1, \"train_seconds\": 1}");
  expect_one_line_error(run("report " + q), 1, "\"valid_bpb\" must be a finite number");
  write_file("runs/ab/atome-60k/seed-2/result.json",
             "{\"valid_bpb\": 1e999, \"params\": 1, \"model_bytes\": 1, \"train_seconds\": 1}");
  expect_one_line_error(run("report " + q), 1, result);
  write_file("runs/ab/atome-60k/seed-2/result.json",
             "{\"valid_bpb\": 2.0, \"params\": -5, \"model_bytes\": 1, \"train_seconds\": 1}");
  expect_one_line_error(run("report " + q), 1, "\"params\" must be a non-negative integer");
  write_run("runs/ab", "atome-60k", 2, 3.0);  // good again

  write_file("runs/ab/sweep.json", "{\"name\": \"ab\", \"seeds\": [1]");
  expect_one_line_error(run("report " + q), 1, "sweep.json is not valid JSON");
  write_file("runs/ab/sweep.json", "{\"name\": \"../ab\", \"seeds\": [1], \"models\": []}");
  expect_one_line_error(run("report " + q), 1, "\"name\" must be 1-64 of");
  write_file("runs/ab/sweep.json", "{\"name\": \"ab\", \"seeds\": [1], \"models\": []}");
  expect_one_line_error(run("report " + q), 1, "\"models\"");
  write_file("runs/ab/sweep.json",
             "{\"name\": \"ab\", \"seeds\": [1], \"baseline\": \"x\", \"models\": [{\"name\": "
             "\"atome-60k\"}]}");
  expect_one_line_error(run("report " + q), 1, "\"baseline\" 'x' is not one of the models");
}

}  // namespace
}  // namespace atome::test
