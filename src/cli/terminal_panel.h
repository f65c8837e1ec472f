// A fixed panel at the bottom of a terminal, redrawn in place while text streams above it.
//
// The text area is made a scroll region (DECSTBM, "ESC [ top ; bottom r", the way apt draws its
// progress line): text written there scrolls inside it and never over the panel, and the panel
// is redrawn by saving the cursor, addressing the panel's rows absolutely and restoring the
// cursor. Only plain VT100 sequences are used (xterm, tmux, the Linux console, macOS Terminal).
// The panel is only for terminals: callers check isatty first.
#pragma once

#include <string>
#include <vector>

namespace atome::cli {

class TerminalPanel {
 public:
  // Reserves `lines` rows at the bottom of the terminal on stdout. active() is false when the
  // terminal is too small (fewer than lines + 4 rows) or its size is unknown.
  explicit TerminalPanel(size_t lines);
  ~TerminalPanel();  // gives the rows back: scroll region reset, cursor below the panel
  TerminalPanel(const TerminalPanel&) = delete;
  TerminalPanel& operator=(const TerminalPanel&) = delete;

  bool active() const { return active_; }

  // Redraws the panel (at most its line count; each line cut to the terminal width by the
  // caller's content). If the terminal was resized, the scroll region is set up again first.
  void draw(const std::vector<std::string>& lines);

 private:
  void set_region();
  size_t lines_;
  int rows_ = 0, cols_ = 0;
  bool active_ = false;
};

}  // namespace atome::cli
