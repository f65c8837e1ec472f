// `atome generate` and the end-of-story byte 0x04 (docs/FORMAT.md, "Text convention"): it stops
// when the model produces 0x04 and does not print it (unless --no-stop), and an empty prompt
// starts from 0x04.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.h"
#include "engine/format.h"
#include "host/model_data.h"
#include "random_model.h"

namespace atome::test {
namespace {

constexpr uint32_t kStopByte = 0x04;
constexpr int kStopTestTokens = 24;

class GenerateStopTest : public CliTest {
 protected:
  nlohmann::json generate_json(const std::string& model, const std::string& flags) const {
    const CliResult r = run("generate --model " + shell_quote(model) + " -n " +
                            std::to_string(kStopTestTokens) + " " + flags + " --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
};

// The first position k >= 2 whose greedy token appears there for the first time, with no 0x04
// before it (or tokens.size() if there is none).
size_t first_new_token(const std::vector<uint32_t>& tokens) {
  for (size_t k = 2; k < tokens.size(); ++k) {
    const auto before_end = tokens.begin() + static_cast<ptrdiff_t>(k);
    if (tokens[k] == kStopByte || std::count(tokens.begin(), before_end, kStopByte) > 0)
      return tokens.size();
    if (std::find(tokens.begin(), before_end, tokens[k]) == before_end) return k;
  }
  return tokens.size();
}

// Swapping two rows of the unembedding swaps those two logits at every step and changes nothing
// else. With rows 0x04 and tokens[k] swapped, greedy decoding reproduces tokens[0..k) (none of
// them is either byte, so no argmax moves) and then produces 0x04 at step k.
TEST_F(GenerateStopTest, StopsAtEndOfStoryWithoutPrintingIt) {
  HostModel host;
  std::vector<uint32_t> tokens;
  size_t k = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    host = random_model(small_config(16, 1, 8, 3, 2), seed);
    write_bytes(path("a.atn"), write_native(host));
    tokens = generate_json(path("a.atn"), "--prompt Hi --no-stop")
                 .at("tokens")
                 .get<std::vector<uint32_t>>();
    ASSERT_EQ(tokens.size(), static_cast<size_t>(kStopTestTokens));
    k = first_new_token(tokens);
    if (k < tokens.size()) break;
  }
  ASSERT_LT(k, tokens.size()) << "no random model with a usable greedy sequence";

  for (HostTensor& t : host.tensors) {
    if (t.kind != format::kUnembed) continue;
    const auto row = [&](uint32_t r) { return t.trits.begin() + r * t.cols; };
    std::swap_ranges(row(kStopByte), row(kStopByte) + t.cols, row(tokens[k]));
  }
  const std::string model = path("b.atn");
  write_bytes(model, write_native(host));

  const nlohmann::json stopped = generate_json(model, "--prompt Hi");
  const std::vector<uint32_t> want(tokens.begin(), tokens.begin() + static_cast<ptrdiff_t>(k));
  EXPECT_EQ(stopped.at("tokens").get<std::vector<uint32_t>>(), want);
  EXPECT_EQ(stopped.at("stopped"), "end_of_story");

  const CliResult text = run("generate --model " + shell_quote(model) + " --prompt Hi -n " +
                             std::to_string(kStopTestTokens));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::vector<uint8_t> printed(text.out.begin(), text.out.end());
  EXPECT_EQ(std::vector<uint32_t>(printed.begin(), printed.end()), want);

  const nlohmann::json no_stop = generate_json(model, "--prompt Hi --no-stop");
  const auto all = no_stop.at("tokens").get<std::vector<uint32_t>>();
  ASSERT_EQ(all.size(), static_cast<size_t>(kStopTestTokens));
  EXPECT_EQ(all[k], kStopByte);
  EXPECT_EQ(no_stop.at("stopped"), "max_tokens");
}

TEST_F(GenerateStopTest, EmptyPromptStartsFromEndOfStory) {
  const std::string model = path("m.atn");
  write_bytes(model, write_native(random_model(small_config(16, 1, 8, 3, 2), 3)));
  const nlohmann::json empty = generate_json(model, "--prompt '' --no-stop");
  const nlohmann::json eot = generate_json(model, "--prompt \"$(printf '\\004')\" --no-stop");
  EXPECT_EQ(empty.at("first_logits"), eot.at("first_logits"));
  EXPECT_EQ(empty.at("tokens"), eot.at("tokens"));
  EXPECT_EQ(empty.at("tokens").size(), static_cast<size_t>(kStopTestTokens));
}

}  // namespace
}  // namespace atome::test
