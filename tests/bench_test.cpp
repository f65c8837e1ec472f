// `atome bench`: the --json schema (every window, sane spreads, state bytes from the C API, peak
// RSS), the generated text against greedy decoding through the C API, --compare against a saved
// run, and one-line errors for bad flags and bad saved files. On a small random model, so no
// fixture is needed; nothing here asserts a speed (timings are noisy).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "host/model_data.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

using nlohmann::json;

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

bool positive(const json& v) {
  return v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
}

class BenchCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    image_ = write_native(random_model(small_config(32, 2, 8, 3, 2), 5));
    write_bytes(path("m.atn"), image_);
  }

  // A quick bench: 16 tokens, 3 repetitions unless `flags` says otherwise.
  std::string bench(const std::string& flags) const {
    std::string args = "bench --model " + shell_quote(path("m.atn")) + " " + flags;
    if (flags.find("--tokens") == std::string::npos) args += " --tokens 16";
    if (flags.find("--repeat") == std::string::npos) args += " --repeat 3";
    return args;
  }

  json bench_json(const std::string& flags) const {
    const CliResult r = run(bench(flags + " --json"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  // A saved run to compare against.
  std::string save(const std::string& name, const std::string& flags) const {
    const CliResult r = run(bench(flags + " --json"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    write_bytes(path(name), std::vector<uint8_t>(r.out.begin(), r.out.end()));
    return path(name);
  }

  std::vector<uint8_t> image_;
};

TEST_F(BenchCliTest, JsonListsEveryWindowWithSaneNumbers) {
  const LoadedModel m = load_native_image(image_);
  const json j = bench_json("--windows 8,32,128");
  EXPECT_EQ(j["schema"], "atome-bench");
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_FALSE(j["atome_version"].get<std::string>().empty());
  EXPECT_EQ(j["source_format"], "native");
  EXPECT_EQ(j["model_crc32"], hex32(atome_crc32(0, image_.data(), image_.size())));
  EXPECT_EQ(j["model_bytes"], image_.size());
  EXPECT_EQ(j["file_bytes"], image_.size());
  EXPECT_EQ(j["param_count"], atome_model_param_count(&m.model));
  for (const char* key : {"kernel", "cpu"}) EXPECT_TRUE(j[key].is_string()) << key;
  EXPECT_GE(j["nproc"].get<int>(), 1);
  EXPECT_EQ(j["threads"], 1);
  EXPECT_EQ(j["tokens"], 16);
  EXPECT_EQ(j["repeat"], 3);
  EXPECT_EQ(j["warmup"], 1);
  EXPECT_TRUE(j["load_average_1m"].is_number());
  // At least the model image and the largest session are resident.
  EXPECT_GT(j["peak_rss_bytes"].get<uint64_t>(), image_.size() + atome_state_bytes(&m.model, 128));
  ASSERT_EQ(j["windows"].size(), 3u);
  uint64_t previous_state = 0;
  const uint32_t expected[] = {8, 32, 128};
  for (size_t i = 0; i < 3; ++i) {
    const json& w = j["windows"][i];
    SCOPED_TRACE("window " + w["window"].dump());
    EXPECT_EQ(w["window"], expected[i]);
    EXPECT_EQ(w["prompt_tokens"], expected[i]);  // default: as many as the window
    EXPECT_EQ(w["state_bytes"], atome_state_bytes(&m.model, expected[i]));
    EXPECT_GT(w["state_bytes"].get<uint64_t>(), previous_state);
    previous_state = w["state_bytes"].get<uint64_t>();
    for (const char* stat : {"prefill_tok_s", "decode_tok_s", "ms_per_token"}) {
      const json& s = w[stat];
      EXPECT_TRUE(positive(s["median"]) && positive(s["min"]) && positive(s["max"])) << stat;
      EXPECT_LE(s["min"].get<double>(), s["median"].get<double>()) << stat;
      EXPECT_LE(s["median"].get<double>(), s["max"].get<double>()) << stat;
    }
    ASSERT_EQ(w["runs"].size(), 3u);
    for (const json& run : w["runs"]) {
      EXPECT_GE(run["prefill_ms"].get<double>(), 0.0);
      EXPECT_GE(run["decode_ms"].get<double>(), 0.0);
    }
    EXPECT_EQ(w["generated_crc32"].get<std::string>().size(), 10u);
    EXPECT_EQ(w["prompt_crc32"].get<std::string>().rfind("0x", 0), 0u);
  }
}

TEST_F(BenchCliTest, GeneratesWhatGreedyDecodingThroughTheCApiGenerates) {
  const json j = bench_json("--windows 4,64 --prompt-tokens 7 --prompt abc");
  const LoadedModel m = load_native_image(image_);
  const std::string prompt = "abcabca";  // 7 bytes cut from "abc" repeated
  for (const json& w : j["windows"]) {
    const uint32_t window = w["window"].get<uint32_t>();
    SCOPED_TRACE("window " + std::to_string(window));
    EXPECT_EQ(w["prompt_tokens"], 7);
    EXPECT_EQ(w["prompt_crc32"], hex32(atome_crc32(0, prompt.data(), prompt.size())));
    OwnedSession s(m.model, window, kNoStateLimit);
    ASSERT_NE(s.get(), nullptr);
    const float* logits = nullptr;
    for (char c : prompt)
      ASSERT_EQ(atome_step(s.get(), static_cast<uint8_t>(c), &logits), ATOME_OK);
    std::string generated;
    for (int i = 0; i < 16; ++i) {
      const uint32_t token = atome_argmax(logits, 256);
      generated.push_back(static_cast<char>(token));
      ASSERT_EQ(atome_step(s.get(), token, &logits), ATOME_OK);
    }
    EXPECT_EQ(w["generated_crc32"], hex32(atome_crc32(0, generated.data(), generated.size())));
  }
}

TEST_F(BenchCliTest, SameArgumentsGenerateTheSameText) {
  const json a = bench_json("--windows 8,32");
  const json b = bench_json("--windows 8,32 --repeat 1");
  ASSERT_EQ(a["windows"].size(), 2u);
  ASSERT_EQ(b["windows"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a["windows"][i]["generated_crc32"], b["windows"][i]["generated_crc32"]);
    EXPECT_EQ(a["windows"][i]["prompt_crc32"], b["windows"][i]["prompt_crc32"]);
  }
}

TEST_F(BenchCliTest, WindowIsOneWindow) {
  const json j = bench_json("--window 16");
  ASSERT_EQ(j["windows"].size(), 1u);
  EXPECT_EQ(j["windows"][0]["window"], 16);
}

TEST_F(BenchCliTest, TextReportListsEveryWindow) {
  const CliResult r = run(bench("--windows 8,32"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("\n       8  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n      32  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak RSS "), std::string::npos) << r.out;
}

TEST_F(BenchCliTest, CompareWithItselfIsLikeForLike) {
  const std::string saved = save("old.json", "--windows 8,32,128");
  const json j = bench_json("--windows 8,32,128 --compare " + shell_quote(saved));
  const json& c = j["compare"];
  EXPECT_EQ(c["file"], saved);
  EXPECT_EQ(c["like_for_like"], true);
  EXPECT_TRUE(c["differences"].empty()) << c["differences"].dump();
  EXPECT_EQ(c["model_bytes"].get<double>(), 1.0);
  ASSERT_EQ(c["windows"].size(), 3u);
  for (const json& w : c["windows"]) {
    EXPECT_EQ(w["state_bytes"].get<double>(), 1.0);
    // Timing ratios: only finite and positive (a noisy machine can move them a lot).
    for (const char* key : {"decode_tok_s_median", "prefill_tok_s_median", "ms_per_token_median"})
      EXPECT_TRUE(positive(w[key])) << key << " = " << w[key];
  }
  EXPECT_TRUE(c["windows_only_new"].empty());
  EXPECT_TRUE(c["windows_only_old"].empty());

  const CliResult text = run(bench("--windows 8,32,128 --compare " + shell_quote(saved)));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(text.err.empty()) << text.err;
  EXPECT_NE(text.out.find("compared with " + saved), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("warning"), std::string::npos) << text.out;
}

TEST_F(BenchCliTest, CompareSaysWhatDiffers) {
  const std::string saved = save("old.json", "--windows 8,32,128");
  const CliResult r =
      run(bench("--windows 8,64 --tokens 8 --json --compare " + shell_quote(saved)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json c = json::parse(r.out)["compare"];
  EXPECT_EQ(c["like_for_like"], false);
  EXPECT_NE(c["differences"].dump().find("tokens 16 (old) vs 8 (new)"), std::string::npos)
      << c["differences"];
  ASSERT_EQ(c["windows"].size(), 1u);
  EXPECT_EQ(c["windows"][0]["window"], 8);
  EXPECT_EQ(c["windows_only_new"], json::array({64}));
  EXPECT_EQ(c["windows_only_old"], json::array({32, 128}));
  // The warning is one line on stderr too, so that a person running a script sees it.
  EXPECT_EQ(r.err.rfind("atome: warning: not like for like: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;

  // Another model; and, for the same model and workload, other generated text (a saved run
  // edited here): the engine would not be computing the same thing.
  write_bytes(path("other.atn"), write_native(random_model(small_config(32, 2, 8, 3, 2), 6)));
  const CliResult other =
      run("bench --model " + shell_quote(path("other.atn")) +
          " --windows 8 --tokens 16 --repeat 1 --json --compare " + shell_quote(saved));
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.err.find("model " + path("m.atn")), std::string::npos) << other.err;
  json edited = json::parse(read_text(saved));
  edited["windows"][0]["generated_crc32"] = "0x12345678";
  const std::string edited_text = edited.dump();
  write_bytes(path("edited.json"), std::vector<uint8_t>(edited_text.begin(), edited_text.end()));
  const CliResult same =
      run(bench("--windows 8 --json --compare " + shell_quote(path("edited.json"))));
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.err.find("window 8: generated text (same model and workload!) 0x12345678 (old)"),
            std::string::npos)
      << same.err;

  // A different prompt at the same window is a different workload.
  const CliResult text =
      run(bench("--windows 8 --prompt-tokens 3 --compare " + shell_quote(saved)));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("warning: not like for like: window 8: prompt 8 bytes"),
            std::string::npos)
      << text.out;
}

TEST_F(BenchCliTest, BadFlagsGiveOneLineErrors) {
  expect_one_line_error(run(bench("--windows ''")), 2, "--windows");
  expect_one_line_error(run(bench("--windows 8,,32")), 2, "--windows");
  expect_one_line_error(run(bench("--windows 0")), 2, "--windows");
  expect_one_line_error(run(bench("--windows 8,x")), 2, "'x'");
  expect_one_line_error(run(bench("--windows 8,8")), 2, "twice");
  expect_one_line_error(run(bench("--windows 70000")), 2, "--windows");
  expect_one_line_error(run(bench("--window 8 --windows 16")), 2, "--window");
  expect_one_line_error(run(bench("--window 0")), 2, "--window");
  expect_one_line_error(run(bench("--tokens 0")), 2, "--tokens");
  expect_one_line_error(run(bench("--repeat -1")), 2, "--repeat");
  expect_one_line_error(run(bench("--prompt-tokens 0")), 2, "--prompt-tokens");
  expect_one_line_error(run(bench("--prompt-tokens many")), 2, "--prompt-tokens");
  expect_one_line_error(run(bench("--prompt ''")), 2, "--prompt");
  expect_one_line_error(run("bench --model " + shell_quote(path("m.atn")) + " --compare"), 2,
                        "--compare");
}

TEST_F(BenchCliTest, BadCompareFilesGiveOneLineErrors) {
  const auto write = [&](const std::string& name, const std::string& text) {
    write_bytes(path(name), std::vector<uint8_t>(text.begin(), text.end()));
    return shell_quote(path(name));
  };
  const auto compare = [&](const std::string& file) {
    return run(bench("--windows 8 --compare " + file));
  };
  expect_one_line_error(compare(shell_quote(path("missing.json"))), 1, "missing.json");
  expect_one_line_error(compare(shell_quote(dir_)), 1, "not a regular file");
  expect_one_line_error(compare(write("empty.json", "")), 1, "not valid JSON");
  expect_one_line_error(compare(write("text.json", "tok/s: 10000\n")), 1, "not valid JSON");
  expect_one_line_error(compare(write("list.json", "[1, 2]")), 1, "JSON object");
  expect_one_line_error(compare(write("other.json", R"({"tokens": [1, 2]})")), 1, "\"schema\"");
  expect_one_line_error(compare(write("v1.json", R"({"decode_tok_s_median": 9000.5})")), 1,
                        "older atome bench");
  expect_one_line_error(compare(write("schema.json", R"({"schema": "x", "schema_version": 2})")), 1,
                        "expected 'atome-bench'");
  expect_one_line_error(
      compare(write("version.json", R"({"schema": "atome-bench", "schema_version": 3})")), 1,
      "schema_version");

  // A real saved run with one field broken at a time.
  const std::string saved = save("good.json", "--windows 8");
  const json good = json::parse(read_text(saved));
  const auto broken = [&](const std::string& name, const std::function<void(json&)>& edit) {
    json j = good;
    edit(j);
    return write(name, j.dump());
  };
  expect_one_line_error(compare(broken("a.json", [](json& j) { j.erase("windows"); })), 1,
                        "\"windows\" is missing");
  expect_one_line_error(compare(broken("b.json", [](json& j) { j["windows"] = json::array(); })), 1,
                        "non-empty list");
  expect_one_line_error(
      compare(broken("c.json", [](json& j) { j["windows"][0]["decode_tok_s"]["median"] = 0; })), 1,
      "positive");
  expect_one_line_error(
      compare(broken("d.json", [](json& j) { j["windows"][0]["state_bytes"] = "big"; })), 1,
      "state_bytes");
  expect_one_line_error(compare(broken("e.json", [](json& j) { j["model_bytes"] = -5; })), 1,
                        "model_bytes");
  expect_one_line_error(compare(broken("f.json", [](json& j) { j["windows"][0] = 8; })), 1,
                        "windows[0]");
}

}  // namespace
}  // namespace atome::test
