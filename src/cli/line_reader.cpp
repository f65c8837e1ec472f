#include "cli/line_reader.h"

// libedit's readline-compatible interface (BSD licence; GNU readline would make the binary GPL).
#include <editline/readline.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace atome::cli {
namespace {

const volatile std::sig_atomic_t* g_interrupt = nullptr;

// libedit's character source: stdin, polled so that a set interrupt flag ends the read within
// 100 ms whenever the signal came (a plain blocking read would miss one that arrived just
// before it started). EOF makes readline return NULL.
int interruptible_getc(FILE*) {
  for (;;) {
    if (g_interrupt != nullptr && *g_interrupt) return EOF;
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return EOF;
    if (ready <= 0) continue;
    unsigned char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n == 1) return c;
    if (n == 0 || errno != EINTR) return EOF;
  }
}

}  // namespace

LineReader::LineReader(std::string history_file, const volatile std::sig_atomic_t* interrupt)
    : interactive_(::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)),
      history_file_(std::move(history_file)) {
  if (!interactive_) return;
  g_interrupt = interrupt;
  rl_catch_signals = 0;  // the caller owns SIGINT
  rl_getc_function = interruptible_getc;
  using_history();
  stifle_history(1000);
  if (!history_file_.empty()) read_history(history_file_.c_str());  // missing file: fine
}

LineReader::~LineReader() {
  if (interactive_ && !history_file_.empty()) write_history(history_file_.c_str());
}

bool LineReader::read(const char* prompt, std::string* line, bool* interrupted) {
  *interrupted = false;
  if (!interactive_) {
    if (!std::getline(std::cin, *line)) return false;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return true;
  }
  char* text = readline(prompt);
  if (text == nullptr) {
    *interrupted = g_interrupt != nullptr && *g_interrupt;
    return false;
  }
  *line = text;
  std::free(text);
  if (line->find_first_not_of(" \t") != std::string::npos) add_history(line->c_str());
  return true;
}

}  // namespace atome::cli
