// Reading the REPL's input lines: with line editing and history (libedit) when stdin is a
// terminal, plain lines otherwise (so `atome chat < script.txt` works the same, minus editing).
#pragma once

#include <csignal>
#include <string>

namespace atome::cli {

class LineReader {
 public:
  // history_file: where the history is loaded from and saved to ("" = none). Only used when
  // stdin is a terminal. A read ends early when *interrupt becomes nonzero (a signal handler
  // sets it; the reader polls it at least every 100 ms, so no signal can slip in between a
  // check and a blocking read).
  LineReader(std::string history_file, const volatile std::sig_atomic_t* interrupt);
  ~LineReader();  // saves the history
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool interactive() const { return interactive_; }

  // The next line without its newline. false at the end of input (Ctrl-D, end of file), or when
  // the read was interrupted (*interrupt set; then *interrupted is true).
  bool read(const char* prompt, std::string* line, bool* interrupted);

 private:
  bool interactive_ = false;
  std::string history_file_;
};

}  // namespace atome::cli
