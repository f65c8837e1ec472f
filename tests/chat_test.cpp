// `atome chat`, driven as a person would: through a pseudo-terminal (typing, Ctrl-C, /quit), and
// through a pipe (plain text, no terminal codes).
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.h"
#include "random_model.h"
#include "screen_model.h"

namespace atome::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRows = 40, kCols = 100;

// The CLI in a pseudo-terminal of kRows x kCols: everything it prints is collected in out();
// type() is the keyboard.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& args, const std::string& home) {
    winsize ws{};
    ws.ws_row = kRows;
    ws.ws_col = kCols;
    pid_ = ::forkpty(&master_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      ::setenv("TERM", "xterm", 1);
      ::setenv("HOME", home.c_str(), 1);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(ATOME_CLI));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(ATOME_CLI, argv.data());
      ::_exit(127);
    }
  }
  ~PtyProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }
  bool started() const { return pid_ > 0 && master_ >= 0; }
  const std::string& out() const { return out_; }

  void type(const std::string& keys) {
    ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }

  // Types a line at the prompt once the line editor reads (the terminal's echo is off: on Linux
  // the master reports the terminal's modes). Typed earlier, while the terminal is still in its
  // ordinary mode, the terminal itself would echo the line too, a row more on the screen.
  void type_line(const std::string& keys) {
    const Clock::time_point end = Clock::now() + std::chrono::seconds(60);
    termios t{};
    while (::tcgetattr(master_, &t) == 0 && (t.c_lflag & ECHO) != 0 && Clock::now() < end)
      read_some(10);
    type(keys);
  }

  // Reads until `needle` appears at or after `from`, or `seconds` pass (a deadline against a
  // hang, not a speed requirement). Returns the needle's position or npos.
  size_t wait_for(const std::string& needle, size_t from = 0, int seconds = 60) {
    const Clock::time_point end = Clock::now() + std::chrono::seconds(seconds);
    for (;;) {
      const size_t at = out_.find(needle, from);
      if (at != std::string::npos) return at;
      if (Clock::now() > end || !read_some(100)) return std::string::npos;
    }
  }

  // Reads until at least `bytes` more have arrived.
  bool wait_for_bytes(size_t bytes, int seconds = 60) {
    const size_t want = out_.size() + bytes;
    const Clock::time_point end = Clock::now() + std::chrono::seconds(seconds);
    while (out_.size() < want)
      if (Clock::now() > end || !read_some(100)) return false;
    return true;
  }

  // The exit status once the process ends (within `seconds`), reading its last output; -1 if it
  // did not end or did not exit normally.
  int wait_exit(int seconds = 30) {
    const Clock::time_point end = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < end) {
      read_some(50);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        while (read_some(0)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
    }
    return -1;
  }

 private:
  // false on end of output (the child closed the terminal) or error.
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0) return false;
    if (ready == 0) return true;  // nothing yet
    char buf[4096];
    const ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the child is gone
    out_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  bool exited_ = false;
  std::string out_;
};

// The first screen row whose text starts with `prefix`, or -1.
int find_row(const ScreenModel& screen, const std::string& prefix) {
  for (int r = 0; r < screen.rows(); ++r)
    if (screen.row(r).rfind(prefix, 0) == 0) return r;
  return -1;
}

// `bytes` without the live panel's redraws (TerminalPanel::draw: from ESC 7 ESC [?7l to
// ESC [?7h ESC 8), which address rows absolutely and write nothing into the text.
std::string without_panel_draws(std::string bytes) {
  const std::string begin = "\0337\033[?7l", end = "\033[?7h\0338";  // \0337: ESC 7
  for (size_t at; (at = bytes.find(begin)) != std::string::npos;) {
    const size_t to = bytes.find(end, at);
    if (to == std::string::npos) break;
    bytes.erase(at, to + end.size() - at);
  }
  return bytes;
}

TEST(ChatScreenModel, TextWrapsAndScrollsIntoTheScrollback) {
  ScreenModel s(3, 5);
  s.feed("abcde\r\nf");  // a full row: the wrap waits for the next character, none comes
  EXPECT_EQ(s.screen(), (std::vector<std::string>{"abcde", "f", ""}));
  s.feed("ghijkl\r\nxy\tz\r\n\x1b[1mw\x1b[0m");  // wraps, tab to column 8 = last, SGR ignored
  EXPECT_EQ(s.scrollback(), (std::vector<std::string>{"abcde", "fghij"}));
  EXPECT_EQ(s.screen(), (std::vector<std::string>{"kl", "xy  z", "w"}));
  EXPECT_EQ(s.cursor_row(), 2);
  EXPECT_EQ(s.cursor_col(), 1);
}

TEST(ChatScreenModel, ScrollRegionCursorMovesAndErasing) {
  const std::string bar = "\xe2\x96\x88|!";  // a block character is one cell: '!' in column 2
  ScreenModel s(5, 10);
  s.feed("\033[1;3r");  // region: rows 0..2; homes the cursor
  // A panel row outside the region, the cursor saved and restored around it (\0337: ESC 7).
  s.feed("\0337\033[5;1H\xe2\x96\x88|\033[5;3H!\0338");
  EXPECT_EQ(s.row(4), bar);
  EXPECT_EQ(s.cursor_row(), 0);
  s.feed("a\r\nb\r\nc\r\nd\r\n");  // scrolls inside the region only
  EXPECT_EQ(s.scrollback(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.screen(), (std::vector<std::string>{"c", "d", "", "", bar}));
  s.feed("\x1b[9A\x1b[2C!");  // up stops at the region's top margin
  EXPECT_EQ(s.row(0), "c !");
  s.feed("\x1b[9B\x1b[1;31mx\x1b[0m");  // down stops at the bottom margin
  EXPECT_EQ(s.row(2), "   x");
  s.feed("\x1b[1;2H\x1b[K\x1b[2;1H\x1b[2K");  // erase to the end of row 0, all of row 1
  EXPECT_EQ(s.screen(), (std::vector<std::string>{"c", "", "   x", "", bar}));
  s.feed("\x1b[r\x1b[4;1H\x1b[J");  // region reset (cursor home), erase from row 3 down
  EXPECT_EQ(s.screen(), (std::vector<std::string>{"c", "", "   x", "", ""}));
  s.feed("\x1b[5;1Hz\r\n");  // without a region the whole screen scrolls
  EXPECT_EQ(s.scrollback().back(), "c");
  EXPECT_EQ(s.row(3), "z");
}

class ChatTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    model_ = path("m.atome");
    write_bytes(model_, write_native(random_model(small_config(16, 2, 8, 3, 2), 5)));
  }
  std::string model_;
};

TEST_F(ChatTest, TerminalSessionStreamsShowsBarsAndSurvivesCtrlC) {
  PtyProcess chat({"chat", "--model", model_, "--max-tokens", "40", "--no-stop", "--seed", "1"},
                  dir_);
  ASSERT_TRUE(chat.started());
  ASSERT_NE(chat.wait_for("/help for commands"), std::string::npos) << chat.out();
  ASSERT_NE(chat.wait_for("> "), std::string::npos) << chat.out();

  // A prompt: the reply, its summary line, and the router panel (2 layers) with colours, drawn
  // in a scroll region at the bottom of the screen.
  size_t mark = chat.out().size();
  chat.type_line("Once upon a time\r");
  const size_t done = chat.wait_for("[max tokens; 40 tokens", mark);
  ASSERT_NE(done, std::string::npos) << chat.out().substr(mark);
  ASSERT_NE(chat.wait_for("> ", done), std::string::npos);
  const std::string first = chat.out().substr(mark);
  EXPECT_NE(first.find("router mean over 40 tokens"), std::string::npos) << first;
  EXPECT_NE(first.find("L0  |"), std::string::npos);
  EXPECT_NE(first.find("L1  |"), std::string::npos);
  EXPECT_NE(first.find("conv "), std::string::npos);
  EXPECT_NE(first.find("\x1b[1;37r"), std::string::npos) << "no scroll region above 3 panel rows";
  EXPECT_NE(first.find("\x1b[3"), std::string::npos) << "no colour on a terminal";

  // What the screen shows now: the typed line, then the reply, its summary, the panel right
  // below it and the next prompt, with no blank rows between (the panel's rows at the bottom
  // given back), and the reply on screen.
  ScreenModel screen(kRows, kCols);
  const size_t fed = chat.out().size();
  screen.feed(chat.out());
  const int typed = find_row(screen, "> Once upon a time");
  const int summary = find_row(screen, "[max tokens; 40 tokens");
  ASSERT_GE(typed, 0) << screen.dump();
  ASSERT_GT(summary, typed) << screen.dump();
  EXPECT_EQ(find_row(screen, "router mean over 40 tokens"), summary + 1) << screen.dump();
  EXPECT_EQ(find_row(screen, "L0  |"), summary + 2) << screen.dump();
  EXPECT_EQ(find_row(screen, "L1  |"), summary + 3) << screen.dump();
  EXPECT_EQ(screen.row(summary + 4), ">") << screen.dump();
  EXPECT_EQ(screen.cursor_row(), summary + 4);
  for (int r = summary + 5; r < kRows; ++r) EXPECT_EQ(screen.row(r), "") << screen.dump();
  // Between the typed line and the summary: exactly the rows the reply shows by itself (its
  // own blank lines included), down to its last line.
  const size_t reply_from = first.find("\x1b[2mOnce upon a time");
  const size_t reply_to = first.find("\x1b[2m[max tokens");
  ASSERT_NE(reply_from, std::string::npos);
  ASSERT_NE(reply_to, std::string::npos);
  ScreenModel alone(200, kCols);
  alone.feed(without_panel_draws(first.substr(reply_from, reply_to - reply_from)));
  ASSERT_EQ(summary - typed - 1, alone.cursor_row()) << screen.dump() << alone.dump();
  for (int r = 0; r < alone.cursor_row(); ++r)
    EXPECT_EQ(screen.row(typed + 1 + r), alone.row(r)) << r << "\n" << screen.dump();

  // A setting changes.
  mark = chat.out().size();
  chat.type_line("/temp 1.5\r");
  ASSERT_NE(chat.wait_for("temperature 1.5", mark), std::string::npos) << chat.out().substr(mark);

  // A long reply streams (text arrives while it is still being generated) until Ctrl-C stops
  // it; the REPL stays.
  chat.type_line("/max 4000000000\r");
  ASSERT_NE(chat.wait_for("max 4000000000", mark), std::string::npos);
  mark = chat.out().size();
  chat.type_line("\r");  // an empty line: the model continues
  ASSERT_TRUE(chat.wait_for_bytes(2000)) << "no streamed output";
  EXPECT_EQ(chat.out().find("tok/s]", mark), std::string::npos) << "the reply ended by itself";
  chat.type("\x03");
  const size_t stopped = chat.wait_for("[interrupted; ", mark);
  ASSERT_NE(stopped, std::string::npos) << chat.out().substr(mark, 400);
  ASSERT_NE(chat.wait_for("> ", stopped), std::string::npos);

  // Ctrl-C at the prompt gives a fresh prompt; /quit leaves cleanly.
  mark = chat.out().size();
  chat.type("\x03");
  ASSERT_NE(chat.wait_for("> ", mark), std::string::npos);
  chat.type_line("/quit\r");
  EXPECT_EQ(chat.wait_exit(), 0) << chat.out().substr(mark);
  // In the scrollback too, each reply's summary is followed by its panel (no gap of blank
  // lines), and no live panel ("router at token N") was left behind.
  screen.feed(chat.out().substr(fed));
  const std::vector<std::string> transcript = screen.transcript();
  size_t summaries = 0;
  for (size_t i = 0; i < transcript.size(); ++i) {
    EXPECT_EQ(transcript[i].rfind("router at token", 0), std::string::npos) << i;
    if (transcript[i].rfind("[max tokens; ", 0) != 0 &&
        transcript[i].rfind("[interrupted; ", 0) != 0)
      continue;
    ++summaries;
    ASSERT_LT(i + 1, transcript.size());
    EXPECT_EQ(transcript[i + 1].rfind("router mean over ", 0), 0u) << i << ": " << transcript[i];
  }
  EXPECT_EQ(summaries, 2u);
  // Line editing came with history, saved on exit (libedit writes a space as \040).
  const std::string history = read_text(path(".atome_history"));
  EXPECT_NE(history.find("Once"), std::string::npos) << history;
  EXPECT_NE(history.find("/temp"), std::string::npos) << history;
}

TEST_F(ChatTest, PipedSessionIsPlainTextAndMatchesGenerate) {
  write_bytes(path("in.txt"),
              {'H', 'i', '\n', '/', 'b', 'o', 'g', 'u', 's', '\n', '/', 't', 'o',  'p', '-', 'p',
               ' ', '2', '\n', '/', 'b', 'a', 'r', 's', ' ', 'o',  'f', 'f', '\n', 'x', '\n'});
  const CliResult r =
      run("chat --model " + shell_quote(model_) + " --temperature 0 --max-tokens 20 --no-stop < " +
          shell_quote(path("in.txt")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "terminal codes in a pipe";
  // The reply to "Hi" is the first 20 bytes after the banner line: greedy, so the same bytes as
  // `atome generate` from 0x04 "Hi" (a new story starting with "Hi").
  const size_t banner_end = r.out.find('\n');
  ASSERT_NE(banner_end, std::string::npos);
  const std::string text = r.out.substr(banner_end + 1, 20);
  const std::vector<unsigned char> reply(text.begin(), text.end());
  const CliResult g = run("generate --model " + shell_quote(model_) +
                          " --prompt \"$(printf '\\004')Hi\" -n 20 --no-stop --json");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const auto tokens = nlohmann::json::parse(g.out).at("tokens").get<std::vector<uint32_t>>();
  EXPECT_EQ(std::vector<uint32_t>(reply.begin(), reply.end()), tokens);

  EXPECT_NE(r.out.find("[max tokens; 20 tokens"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("router mean over 20 tokens: entropy per layer, 0 .. ln 3"),
            std::string::npos);
  EXPECT_NE(r.out.find("L1  |"), std::string::npos);
  EXPECT_NE(r.out.find("error: unknown command /bogus"), std::string::npos);
  EXPECT_NE(r.out.find("error: /top-p"), std::string::npos);
  // After /bars off the second reply has no bars: exactly one router block.
  const size_t block = r.out.find("router mean over");
  EXPECT_EQ(r.out.find("router mean over", block + 1), std::string::npos);
}

TEST_F(ChatTest, BadFlagsFailWithOneLine) {
  expect_one_line_error(run("chat --model " + shell_quote(path("none.atome")) + " < /dev/null"), 1,
                        "none.atome");
  expect_one_line_error(
      run("chat --model " + shell_quote(model_) + " --temperature -1 < /dev/null"), 2,
      "--temperature");
  expect_one_line_error(run("chat --model " + shell_quote(model_) + " --top-k 300 < /dev/null"), 2,
                        "--top-k");
}

}  // namespace
}  // namespace atome::test
