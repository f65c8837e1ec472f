// --max-state BYTES (src/cli/state_limit.h): every command that opens a decoding session
// (generate, chat, eval, bench) refuses a session whose state would exceed the limit, with one
// line naming the bytes needed and the flag, instead of allocating it; the default is 1 GiB.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

class MaxStateTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    image_ = write_native(random_model(small_config(16, 2, 8, 3, 2), 5));
    write_bytes(path("m.atn"), image_);
    write_bytes(path("text.txt"), {'O', 'n', 'c', 'e', ' ', 'u', 'p', 'o', 'n', '\n'});
  }

  // atome_state_bytes of the test model at `window`.
  uint64_t state_bytes(uint32_t window) const {
    const LoadedModel m = load_native_image(image_);
    return atome_state_bytes(&m.model, window);
  }

  // `atome <command> --model m.atn --window W <extra>`, with the arguments each command needs.
  CliResult run_command(const std::string& command, uint32_t window,
                        const std::string& extra) const {
    const std::string model = " --model " + shell_quote(path("m.atn"));
    const std::string w = " --window " + std::to_string(window) + " ";
    if (command == "generate") return run("generate" + model + w + "--prompt ab -n 2 " + extra);
    if (command == "chat") return run("chat" + model + w + "--no-bars " + extra + " </dev/null");
    if (command == "eval")
      return run("eval" + model + w + "--data " + shell_quote(path("text.txt")) + " " + extra);
    return run("bench" + model + w + "--tokens 2 --repeat 1 --prompt-tokens 2 " + extra);
  }

  std::vector<uint8_t> image_;
};

const char* const kCommands[] = {"generate", "chat", "eval", "bench"};

TEST_F(MaxStateTest, EveryCommandRefusesAStateAboveTheLimitNamingBytesAndFlag) {
  const uint32_t window = 64;
  const uint64_t need = state_bytes(window);
  ASSERT_GT(need, 1024u);
  for (const char* command : kCommands) {
    SCOPED_TRACE(command);
    const CliResult over = run_command(command, window, "--max-state " + std::to_string(need - 1));
    expect_one_line_error(over, 2, "needs " + std::to_string(need) + " bytes");
    EXPECT_NE(over.err.find("--max-state"), std::string::npos) << over.err;
    // Exactly the bytes needed is enough.
    const CliResult exact = run_command(command, window, "--max-state " + std::to_string(need));
    EXPECT_EQ(exact.exit_code, 0) << exact.err;
  }
}

TEST_F(MaxStateTest, SuffixesArePowersOf1024) {
  const uint64_t need = state_bytes(64);
  ASSERT_LT(need, 64u << 10);  // 64K is enough, 1K is not
  for (const char* ok : {"64K", "64k", "64KiB", "1M", "1G", "1T", "65536"})
    EXPECT_EQ(run_command("generate", 64, std::string("--max-state ") + ok).exit_code, 0) << ok;
  expect_one_line_error(run_command("generate", 64, "--max-state 1K"), 2, "--max-state");
}

TEST_F(MaxStateTest, BadValuesAreUsageErrorsNamingTheFlag) {
  for (const char* bad : {"0", "0K", "abc", "-1", "1X", "1.5G", "K", "''", "99999999999999999999",
                          "16777216T", "1GG"}) {
    SCOPED_TRACE(bad);
    expect_one_line_error(run_command("generate", 64, std::string("--max-state ") + bad), 2,
                          "--max-state");
  }
}

// The default is 1 GiB: a 1.6 MB model at the largest window (2.1 GB of state) is refused
// without --max-state, and never allocated.
TEST_F(MaxStateTest, DefaultLimitIsOneGiB) {
  image_ = write_native(random_model(small_config(512, 8, 64, 3, 2), 6));
  write_bytes(path("m.atn"), image_);
  const uint64_t need = state_bytes(ATOME_MAX_WINDOW);
  ASSERT_GT(need, uint64_t{1} << 30);
  for (const char* command : kCommands) {
    SCOPED_TRACE(command);
    const CliResult r = run_command(command, ATOME_MAX_WINDOW, "");
    expect_one_line_error(r, 2, "needs " + std::to_string(need) + " bytes");
    EXPECT_NE(r.err.find("--max-state 1073741824"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace atome::test
