// `atome sweep`: every model x seed of a sweep file trained into its own run directory; finished
// runs skipped; a sweep killed with SIGKILL and started again ends with the same bits as one that
// ran through; bad sweep files fail with one line before any training starts.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli_run.h"
#include "train/checkpoint.h"

extern char** environ;

namespace atome::test {
namespace {

// Two models (a tiny Atome LM and the flash-fair GPT) x two seeds, 24 steps each.
std::string tiny_sweep(const std::string& name) {
  return R"({"name": ")" + name + R"(", "title": "tiny",
    "protocol": ["--train", "{data}/stories.txt", "--valid", "{data}/stories.txt", "--steps", "24",
                 "--batch", "4", "--seq", "32", "--warmup", "2", "--eval-chunk", "33",
                 "--checkpoint-every", "4"],
    "seeds": [1, 2],
    "models": [{"name": "atome", "args": ["--d", "16", "--layers", "1", "--d-head", "8"]},
               {"name": "gpt", "label": "GPT", "args": ["--preset", "vanilla-6k"]}]})";
}

class SweepTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::string text;
    for (int i = 0; i < 60; ++i)
      text += "Once upon a time there was a cat number " + std::to_string(i) +
              ". It liked to sleep.\n<|endoftext|>\n";
    write_bytes(path("stories.txt"), std::vector<uint8_t>(text.begin(), text.end()));
  }
  std::string write_sweep(const std::string& file, const std::string& text) {
    write_bytes(path(file), std::vector<uint8_t>(text.begin(), text.end()));
    return path(file);
  }
  std::string sweep_args(const std::string& file, const std::string& out) const {
    return "sweep " + shell_quote(file) + " --out " + shell_quote(out) + " --data " +
           shell_quote(dir_);
  }
  static std::string run_file(const std::string& out, const std::string& model, int seed,
                              const std::string& name) {
    return out + "/" + model + "/seed-" + std::to_string(seed) + "/" + name;
  }
};

const char* kModels[] = {"atome", "gpt"};

TEST_F(SweepTest, RunsEveryModelAndSeedAndSkipsFinishedRuns) {
  const std::string file = write_sweep("s.json", tiny_sweep("tiny")), out = path("runs");
  const CliResult first = run(sweep_args(file, out));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::vector<std::string> metrics;
  for (const char* model : kModels)
    for (int seed : {1, 2}) {
      const auto result =
          nlohmann::json::parse(read_text(run_file(out, model, seed, "result.json")));
      EXPECT_EQ(result["seed"].get<int>(), seed);
      EXPECT_EQ(result["steps"].get<int>(), 24);
      EXPECT_EQ(result["arch"], std::string(model) == "gpt" ? "gpt" : "atome");
      EXPECT_GT(result["valid_bpb"].get<double>(), 0.0);
      metrics.push_back(read_text(run_file(out, model, seed, "metrics.jsonl")));
    }
  EXPECT_NE(metrics[0], metrics[1]) << "two seeds trained the same run";
  EXPECT_EQ(read_text(out + "/sweep.json"), read_text(file));

  const CliResult again = run(sweep_args(file, out));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  size_t skipped = 0;
  for (size_t at = again.out.find("skipped"); at != std::string::npos;
       at = again.out.find("skipped", at + 1))
    ++skipped;
  EXPECT_EQ(skipped, 4u) << again.out;
  size_t i = 0;
  for (const char* model : kModels)
    for (int seed : {1, 2})
      EXPECT_EQ(read_text(run_file(out, model, seed, "metrics.jsonl")), metrics[i++]);

  // --only runs a subset into another directory.
  const CliResult only = run(sweep_args(file, path("only")) + " --only gpt");
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_NE(::access(run_file(path("only"), "gpt", 2, "result.json").c_str(), F_OK), -1);
  EXPECT_EQ(::access(run_file(path("only"), "atome", 1, "run.json").c_str(), F_OK), -1);
}

TEST_F(SweepTest, KilledSweepResumesToTheSameBits) {
  const std::string file = write_sweep("s.json", tiny_sweep("tiny"));
  const std::string a = path("a"), b = path("b");
  ASSERT_EQ(run(sweep_args(file, a)).exit_code, 0);

  // Sweep b slowly, killed with SIGKILL in the middle of its second run.
  const std::string cmd = "exec " + shell_quote(ATOME_CLI) + " " + sweep_args(file, b) +
                          " --step-delay-ms 15 >/dev/null 2>&1";
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  const std::string mid = run_file(b, "atome", 2, "checkpoint.bin");
  for (int i = 0; i < 12000 && ::access(mid.c_str(), F_OK) != 0; ++i)  // up to 60 s
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep finished before it could be killed";
  EXPECT_EQ(::access(run_file(b, "atome", 2, "result.json").c_str(), F_OK), -1);

  const CliResult resumed = run(sweep_args(file, b));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("resuming"), std::string::npos) << resumed.out;
  for (const char* model : kModels)
    for (int seed : {1, 2}) {
      const train::Checkpoint ca =
          train::read_checkpoint(run_file(a, model, seed, "checkpoint.bin"));
      const train::Checkpoint cb =
          train::read_checkpoint(run_file(b, model, seed, "checkpoint.bin"));
      ASSERT_EQ(ca.params.size(), cb.params.size());
      EXPECT_EQ(std::memcmp(ca.params.data(), cb.params.data(), ca.params.size() * 4), 0)
          << model << " seed " << seed;
      const auto ra = nlohmann::json::parse(read_text(run_file(a, model, seed, "result.json")));
      const auto rb = nlohmann::json::parse(read_text(run_file(b, model, seed, "result.json")));
      EXPECT_EQ(ra["valid_bpb"], rb["valid_bpb"]) << model << " seed " << seed;
    }
}

TEST_F(SweepTest, BadSweepFilesFailBeforeTraining) {
  const std::string out = path("runs");
  // Exit 1: the sweep file is wrong; exit 2: a training flag in it is (a usage error).
  auto expect_bad = [&](const std::string& text, const std::string& needle, int exit_code = 1) {
    const std::string file = write_sweep("bad.json", text);
    expect_one_line_error(run(sweep_args(file, out)), exit_code, needle);
    EXPECT_EQ(::access(out.c_str(), F_OK), -1) << "created the output for: " << text;
  };
  expect_bad("not json", "JSON");
  expect_bad(R"({"name": "x", "seeds": [1], "models": []})", "models");
  expect_bad(R"({"name": "x", "models": [{"name": "a"}]})", "seeds");
  expect_bad(R"({"name": "x", "seeds": [1, 1], "models": [{"name": "a"}]})", "twice");
  expect_bad(R"({"name": "x", "seeds": [-1], "models": [{"name": "a"}]})", "seeds");
  expect_bad(R"({"name": "x", "seeds": [1], "models": [{"name": "a"}, {"name": "a"}]})", "twice");
  expect_bad(R"({"name": "x", "seeds": [1], "models": [{"name": "../a"}]})", "model name");
  expect_bad(R"({"name": "x", "seeds": [1], "models": [{"name": "a", "args": ["--out", "y"]}]})",
             "--out");
  expect_bad(R"({"name": "x", "seeds": [1], "baseline": "b", "models": [{"name": "a"}]})",
             "baseline");
  // Training flags are checked for every run before the first starts.
  const std::string protocol = R"("protocol": ["--train", "{data}/stories.txt"], )";
  expect_bad(R"({"name": "x", )" + protocol +
                 R"("seeds": [1], "models": [{"name": "a", "args": ["--bogus"]}]})",
             "--bogus", 2);
  expect_bad(R"({"name": "x", )" + protocol +
                 R"("seeds": [1], "models": [{"name": "a", "args": ["--lr", "-1"]}]})",
             "--lr", 2);

  // A directory that holds another sweep is refused.
  const std::string file = write_sweep("s.json", tiny_sweep("tiny"));
  ASSERT_EQ(run(sweep_args(file, out) + " --only gpt").exit_code, 0);
  const std::string other = write_sweep("o.json", tiny_sweep("other"));
  expect_one_line_error(run(sweep_args(other, out)), 2, "different sweep");
}

}  // namespace
}  // namespace atome::test
