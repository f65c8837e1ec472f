// The `atome` command line tool, run as a user would (a child process via popen): conversion and
// inspection, greedy generation against the original engine's golden tokens, seeded sampling,
// export, and the error contract (one "atome: error:" line on stderr, nonzero exit, no crash).
// `atome bench` has its own file, bench_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "fixtures.h"

namespace atome::test {
namespace {

namespace fs = std::filesystem;

const char* const kToyModel = "original-models/toy_60k.atome01";
const char* const kToyGolden = "golden/toy60k-original-engine.jsonl";

std::string model_path() {
  return reference_path(kToyModel);
}

nlohmann::json golden_case(const std::string& prompt) {
  std::ifstream in(reference_path(kToyGolden));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line);
    const auto bytes = j.at("prompt_bytes").get<std::vector<uint8_t>>();
    if (std::string(bytes.begin(), bytes.end()) == prompt) return j;
  }
  return nullptr;
}

TEST_F(CliTest, ConvertLegacyThenInspectShowsConfig) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string native = path("toy.atn");
  const CliResult conv = run("convert " + shell_quote(model_path()) + " " + shell_quote(native));
  ASSERT_EQ(conv.exit_code, 0) << conv.err;
  EXPECT_TRUE(conv.err.empty()) << conv.err;

  const CliResult text = run("inspect " + shell_quote(native));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("format:          native 1.0"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("d_model:         64\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("n_layers:        4\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(ok)"), std::string::npos) << text.out;

  const CliResult js = run("inspect --json " + shell_quote(native));
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const nlohmann::json j = nlohmann::json::parse(js.out);
  EXPECT_EQ(j["config"]["d_model"], 64);
  EXPECT_EQ(j["config"]["n_layers"], 4);
  EXPECT_EQ(j["source_format"], "native");
  EXPECT_EQ(j["file_bytes"], fs::file_size(native));
  EXPECT_EQ(j["signature"]["present"], false);
  EXPECT_EQ(j["crc32"]["ok"], true);
  ASSERT_TRUE(j["tensors"].is_array());
  EXPECT_EQ(j["tensors"].size(),
            2u + 4u * 10u + 2u);  // embed, 4 x 10 per block, final norm, unembed
  EXPECT_EQ(j["tensors"][0]["kind"], "embed");
  EXPECT_GT(j["state_bytes"]["1024"].get<uint64_t>(), j["state_bytes"]["64"].get<uint64_t>());
}

TEST_F(CliTest, InspectAcceptsLegacyAndSaysItConverted) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const CliResult r = run("inspect " + shell_quote(model_path()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("legacy ATOME01, converted in memory"), std::string::npos) << r.out;
}

TEST_F(CliTest, ConvertBackToLegacyIsByteIdentical) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string native = path("toy.atn"), legacy = path("toy.atome01");
  ASSERT_EQ(run("convert " + shell_quote(model_path()) + " " + shell_quote(native)).exit_code, 0);
  const CliResult r =
      run("convert --to atome01 " + shell_quote(native) + " " + shell_quote(legacy));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_bytes(legacy), read_bytes(model_path()));
}

TEST_F(CliTest, GenerateGreedyMatchesOriginalEngine) {
  ATOME_REQUIRE_FIXTURE(model_path());
  ATOME_REQUIRE_FIXTURE(reference_path(kToyGolden));
  const nlohmann::json golden = golden_case("Hello");
  ASSERT_FALSE(golden.is_null()) << "no \"Hello\" case in " << kToyGolden;
  const auto want = golden.at("greedy").get<std::vector<uint32_t>>();
  const auto want_logits = golden.at("first_step_logits").get<std::vector<float>>();

  const CliResult r = run("generate --model " + shell_quote(model_path()) + " --prompt Hello -n " +
                          std::to_string(want.size()) + " --temperature 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);  // throws unless exactly one value
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j.at("stopped"), "max_tokens");
  EXPECT_EQ(j.at("tokens").get<std::vector<uint32_t>>(), want);
  const auto logits = j.at("first_logits").get<std::vector<float>>();
  ASSERT_EQ(logits.size(), 256u);
  for (size_t i = 0; i < 256; ++i) EXPECT_NEAR(logits[i], want_logits[i], 1e-4f) << "logit " << i;

  // The streamed text is the same bytes (not a terminal: no trailing newline is added).
  const CliResult text = run("generate --model " + shell_quote(model_path()) +
                             " --prompt Hello -n " + std::to_string(want.size()));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(std::vector<uint32_t>(text.out.begin(), text.out.end()), want);
}

TEST_F(CliTest, GenerateJsonLogitsRoundTripFloat32) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string native = path("toy.atn");
  ASSERT_EQ(run("convert " + shell_quote(model_path()) + " " + shell_quote(native)).exit_code, 0);
  // Native and legacy inputs are the same model: identical output, to the last bit.
  const std::string args = " --prompt 'Once upon a time' -n 16 --json";
  const CliResult a = run("generate --model " + shell_quote(native) + args);
  const CliResult b = run("generate --model " + shell_quote(model_path()) + args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

TEST_F(CliTest, SameSeedSameOutputDifferentSeedsDiffer) {
  ATOME_REQUIRE_FIXTURE(model_path());
  auto sample = [&](int seed) {
    const CliResult r =
        run("generate --model " + shell_quote(model_path()) +
            " --prompt 'Once upon a time' -n 48 --temperature 0.8 --seed " + std::to_string(seed));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const std::string first = sample(7);
  ASSERT_EQ(first.size(), 48u);
  EXPECT_EQ(sample(7), first);
  int differing = 0;
  for (int seed : {1, 2, 3, 4}) differing += sample(seed) != first;
  EXPECT_GE(differing, 3) << "other seeds should (almost always) give other text";
}

TEST_F(CliTest, ExportWritesHeaderAndNative) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string header = path("toy.h"), native = path("toy.atn"), ref = path("ref.atn");
  const CliResult r =
      run("export --model " + shell_quote(model_path()) + " --c-header " + shell_quote(header) +
          " --symbol toy_model --native " + shell_quote(native));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(run("convert " + shell_quote(model_path()) + " " + shell_quote(ref)).exit_code, 0);
  EXPECT_EQ(read_bytes(native), read_bytes(ref));
  const std::string text = read_text(header);
  EXPECT_NE(text.find("toy_model[" + std::to_string(fs::file_size(ref)) + "]"), std::string::npos);
  EXPECT_NE(text.find("toy_model_len"), std::string::npos);
}

TEST_F(CliTest, ErrorNonexistentModel) {
  expect_one_line_error(
      run("generate --model " + shell_quote(path("missing.atn")) + " --prompt Hi"), 1,
      "missing.atn");
  expect_one_line_error(run("inspect " + shell_quote(path("missing.atn"))), 1, "missing.atn");
}

TEST_F(CliTest, ErrorTruncatedModel) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string native = path("toy.atn"), cut = path("cut.atn"),
                    cut_legacy = path("cut.atome01");
  ASSERT_EQ(run("convert " + shell_quote(model_path()) + " " + shell_quote(native)).exit_code, 0);
  std::vector<uint8_t> bytes = read_bytes(native);
  bytes.resize(bytes.size() / 2);
  std::ofstream(cut, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  expect_one_line_error(run("inspect " + shell_quote(cut)), 1,
                        atome_status_str(ATOME_ERR_TRUNCATED));
  expect_one_line_error(run("generate --model " + shell_quote(cut) + " --prompt Hi"), 1,
                        "truncated");

  // A truncated legacy file matches no known size: the message names the flags to pass.
  std::vector<uint8_t> legacy = read_bytes(model_path());
  legacy.resize(legacy.size() - 100);
  std::ofstream(cut_legacy, std::ios::binary)
      .write(reinterpret_cast<const char*>(legacy.data()),
             static_cast<std::streamsize>(legacy.size()));
  expect_one_line_error(
      run("convert " + shell_quote(cut_legacy) + " " + shell_quote(path("o.atn"))), 2, "--d");
  EXPECT_FALSE(fs::exists(path("o.atn")));
}

TEST_F(CliTest, ErrorCorruptedModelChecksum) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string native = path("toy.atn");
  ASSERT_EQ(run("convert " + shell_quote(model_path()) + " " + shell_quote(native)).exit_code, 0);
  // Flip the lowest mantissa bit of final_gamma[0]: still a finite float, so only the CRC can tell.
  const nlohmann::json info =
      nlohmann::json::parse(run("inspect --json " + shell_quote(native)).out);
  size_t offset = 0;
  for (const auto& t : info["tensors"])
    if (t["kind"] == "final_gamma") offset = t["offset"].get<size_t>();
  ASSERT_GT(offset, 0u);
  std::vector<uint8_t> bytes = read_bytes(native);
  bytes[offset] ^= 0x01;
  std::ofstream(native, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  expect_one_line_error(run("inspect " + shell_quote(native)), 1, "CRC-32");
}

TEST_F(CliTest, ErrorBadFlagValues) {
  ATOME_REQUIRE_FIXTURE(model_path());
  const std::string gen = "generate --model " + shell_quote(model_path()) + " --prompt Hi ";
  expect_one_line_error(run(gen + "--top-p 5"), 2, "--top-p");
  expect_one_line_error(run(gen + "--top-p 0"), 2, "--top-p");
  expect_one_line_error(run(gen + "-n -1"), 2, "-n");
  expect_one_line_error(run(gen + "--temperature -0.5"), 2, "--temperature");
  expect_one_line_error(run(gen + "--window 0"), 2, "--window");
  expect_one_line_error(run(gen + "--seed -3"), 2, "--seed");
  expect_one_line_error(run(gen + "--no-such-flag"), 2, "--no-such-flag");
  expect_one_line_error(run("generate --model " + shell_quote(model_path())), 2, "--prompt");
  expect_one_line_error(run("bench --model " + shell_quote(model_path()) + " --repeat 0"), 2,
                        "--repeat");
  expect_one_line_error(run("export --model " + shell_quote(model_path())), 2, "nothing to export");
  expect_one_line_error(run(""), 2, "subcommand");
}

TEST_F(CliTest, ErrorNotAModel) {
  const std::string junk = path("junk.bin");
  std::ofstream(junk) << "hello, world\n";
  expect_one_line_error(run("inspect " + shell_quote(junk)), 1, "not an Atome model");
  expect_one_line_error(run("inspect " + shell_quote(dir_)), 1, "directory");
}

}  // namespace
}  // namespace atome::test
