#include "cli/line_reader.h"

// libedit's readline-compatible interface (BSD licence; GNU readline would make the binary GPL).
#include <editline/readline.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace atome::cli {

LineReader::LineReader(std::string history_file)
    : interactive_(::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)),
      history_file_(std::move(history_file)) {
  if (!interactive_) return;
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
  errno = 0;
  char* text = readline(prompt);
  if (text == nullptr) {
    *interrupted = errno == EINTR;
    return false;
  }
  *line = text;
  std::free(text);
  if (line->find_first_not_of(" \t") != std::string::npos) add_history(line->c_str());
  return true;
}

}  // namespace atome::cli
