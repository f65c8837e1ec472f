#include "cli/terminal_panel.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace atome::cli {
namespace {

bool terminal_size(int* rows, int* cols) {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
    return false;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return true;
}

}  // namespace

TerminalPanel::TerminalPanel(size_t lines) : lines_(lines) {
  if (!terminal_size(&rows_, &cols_) || rows_ < static_cast<int>(lines_) + 4) return;
  // Make room first: newlines scroll the screen up if the cursor is near the bottom, then the
  // cursor goes back up to where the text continues.
  for (size_t i = 0; i < lines_; ++i) std::fputc('\n', stdout);
  std::printf("\x1b[%zuA", lines_);
  set_region();
  active_ = true;
}

TerminalPanel::~TerminalPanel() {
  finish({});
}

void TerminalPanel::finish(const std::vector<std::string>& lines) {
  if (!active_) return;
  active_ = false;
  // The cursor is where the text stopped. Save it; erase from the panel's first row to the end
  // of the screen; reset the region (that homes the cursor); back to the text.
  std::printf(
      "\x1b"
      "7\x1b[%zu;1H\x1b[J\x1b[r\x1b"
      "8",
      static_cast<size_t>(rows_) - lines_ + 1);
  // The last content in the flow of the text, autowrap off so that a long line is cut instead
  // of wrapping. Near the bottom these newlines scroll the whole screen, as any output would.
  std::fputs("\x1b[?7l", stdout);
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  std::fputs("\x1b[?7h", stdout);
  std::fflush(stdout);
}

void TerminalPanel::set_region() {
  // DECSTBM moves the cursor home: save and restore it around.
  std::printf(
      "\x1b"
      "7\x1b[1;%zur\x1b"
      "8",
      static_cast<size_t>(rows_) - lines_);
}

void TerminalPanel::draw(const std::vector<std::string>& lines) {
  if (!active_) return;
  int rows = 0, cols = 0;
  if (terminal_size(&rows, &cols) && (rows != rows_ || cols != cols_)) {
    if (rows < static_cast<int>(lines_) + 4) return;  // too small now: keep the text readable
    rows_ = rows;
    cols_ = cols;
    set_region();
  }
  // Autowrap off while drawing: a line wider than the terminal is cut at the edge instead of
  // wrapping (and, on the last row, scrolling the whole screen).
  std::fputs(
      "\x1b"
      "7\x1b[?7l",
      stdout);
  for (size_t i = 0; i < lines_; ++i) {
    // Row, column 1, clear the line, then the content (if any).
    std::printf("\x1b[%zu;1H\x1b[2K", static_cast<size_t>(rows_) - lines_ + 1 + i);
    if (i < lines.size()) std::fputs(lines[i].c_str(), stdout);
  }
  std::fputs(
      "\x1b[?7h\x1b"
      "8",
      stdout);
  std::fflush(stdout);
}

}  // namespace atome::cli
