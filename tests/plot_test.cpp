// `atome plot`: a metrics JSONL file (and several, overlaid) to an SVG chart, and the files it
// refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.h"

namespace atome::test {
namespace {

// Two runs' worth of trainer output: training lines, validation lines, and lines to ignore.
const char* const kRunA =
    "{\"step\":0,\"tokens\":0,\"train_loss\":5.5,\"lr\":0.001,\"tok_per_s\":0,\"elapsed_s\":0}\n"
    "{\"step\":100,\"tokens\":6400,\"train_loss\":3.1,\"lr\":0.001,\"tok_per_s\":9e4,"
    "\"elapsed_s\":1.5}\n"
    "\n"
    "{\"step\":100,\"valid_bpb\":4.2,\"valid_loss\":2.91}\n"
    "{\"event\":\"resume\",\"step\":100}\n"
    "{\"step\":200,\"tokens\":12800,\"train_loss\":2.2,\"lr\":0.001,\"tok_per_s\":9e4,"
    "\"elapsed_s\":3.0,\"extra\":[1,2]}\n"
    "{\"step\":200,\"valid_bpb\":3.3,\"valid_loss\":2.29}\n";
const char* const kRunB =
    "{\"step\":0,\"train_loss\":5.6}\n"
    "{\"step\":300,\"train_loss\":2.0}\n";

class PlotCliTest : public CliTest {
 protected:
  std::string write_run(const std::string& run, const char* text) const {
    std::filesystem::create_directories(path(run));
    const std::string file = path(run + "/metrics.jsonl");
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

TEST_F(PlotCliTest, DrawsTrainAndValidCurves) {
  const std::string metrics = write_run("run_a", kRunA), out = path("loss.svg");
  const CliResult r = run("plot --metrics " + shell_quote(metrics) + " --out " + shell_quote(out) +
                          " --title 'Run <A> & co'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const std::string svg = read_text(out);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 80);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find(">train</text>"), std::string::npos);
  EXPECT_NE(svg.find(">valid</text>"), std::string::npos);
  EXPECT_NE(svg.find("Run &lt;A&gt; &amp; co"), std::string::npos) << "title, escaped";
  EXPECT_NE(svg.find(">bits per byte</text>"), std::string::npos);
  EXPECT_NE(svg.find(">step</text>"), std::string::npos);
  // Every tag that opens is closed or self-closing: count '<' against '>'.
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '<'), std::count(svg.begin(), svg.end(), '>'));
}

TEST_F(PlotCliTest, OverlaysRunsNamedByDirectory) {
  const std::string a = write_run("run_a", kRunA), b = write_run("run_b", kRunB);
  const std::string out = path("both.svg");
  const CliResult r = run("plot --metrics " + shell_quote(a) + " --metrics " + shell_quote(b) +
                          " --out " + shell_quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = read_text(out);
  EXPECT_NE(svg.find(">run_a train</text>"), std::string::npos);
  EXPECT_NE(svg.find(">run_a valid</text>"), std::string::npos);
  EXPECT_NE(svg.find(">run_b train</text>"), std::string::npos);
  EXPECT_EQ(svg.find("run_b valid"), std::string::npos) << "run_b has no validation line";
}

TEST_F(PlotCliTest, BadFilesGiveOneLineErrors) {
  const std::string out = shell_quote(path("x.svg"));
  const std::string malformed =
      write_run("bad", "{\"step\":0,\"train_loss\":5.5}\n{\"step\":1,\"train_loss\":\n");
  expect_one_line_error(run("plot --metrics " + shell_quote(malformed) + " --out " + out), 1,
                        "line 2");
  const std::string overflow = write_run("overflow", "{\"step\":1,\"train_loss\":1e999}\n");
  expect_one_line_error(run("plot --metrics " + shell_quote(overflow) + " --out " + out), 1,
                        "line 1 is not valid JSON");
  const std::string useless = write_run("useless", "{\"event\":\"start\"}\n{\"step\":3}\n");
  expect_one_line_error(run("plot --metrics " + shell_quote(useless) + " --out " + out), 1,
                        "no usable line");
  expect_one_line_error(
      run("plot --metrics " + shell_quote(path("missing.jsonl")) + " --out " + out), 1,
      "missing.jsonl");
  expect_one_line_error(run("plot --out " + out), 2, "--metrics");
  EXPECT_FALSE(std::filesystem::exists(path("x.svg")));
}

}  // namespace
}  // namespace atome::test
