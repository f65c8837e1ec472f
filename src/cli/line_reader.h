// Reading the REPL's input lines: with line editing and history (libedit) when stdin is a
// terminal, plain lines otherwise (so `atome chat < script.txt` works the same, minus editing).
#pragma once

#include <string>

namespace atome::cli {

class LineReader {
 public:
  // history_file: where the history is loaded from and saved to ("" = none). Only used when
  // stdin is a terminal.
  explicit LineReader(std::string history_file);
  ~LineReader();  // saves the history
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool interactive() const { return interactive_; }

  // The next line without its newline. false at the end of input (Ctrl-D, end of file), or when
  // the read was interrupted by a signal (Ctrl-C) and *interrupted is then set to true.
  bool read(const char* prompt, std::string* line, bool* interrupted);

 private:
  bool interactive_ = false;
  std::string history_file_;
};

}  // namespace atome::cli
