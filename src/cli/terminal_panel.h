// A fixed panel at the bottom of a terminal, redrawn in place while text streams above it.
//
// The text area is made a scroll region (DECSTBM, "ESC [ top ; bottom r", the way apt draws its
// progress line): text written there scrolls inside it and never over the panel, and the panel
// is redrawn by saving the cursor, addressing the panel's rows absolutely and restoring the
// cursor. Only plain VT100 sequences are used (xterm, tmux, the Linux console, macOS Terminal).
// The panel is only for terminals: callers check isatty first.
//
// The panel lives at the bottom only while text streams. When it is done (finish, or the
// destructor), its rows are erased, the region is reset and the cursor goes back to where the
// text stopped; finish then prints its last content there, in the flow of the text. So the text
// and the panel end up together: no blank rows between them on screen or in the scrollback, and
// the text above stays in view however far up the screen it ended. (Leaving the panel at the
// bottom and continuing below it, as a first version did, left the rows between the end of the
// text and the panel blank; the next output then scrolled the text out of view and that gap
// into the scrollback.)
#pragma once

#include <string>
#include <vector>

namespace atome::cli {

class TerminalPanel {
 public:
  // Reserves `lines` rows at the bottom of the terminal on stdout. active() is false when the
  // terminal is too small (fewer than lines + 4 rows) or its size is unknown.
  explicit TerminalPanel(size_t lines);
  // Gives the rows back (as finish with no lines, if finish was not called).
  ~TerminalPanel();
  TerminalPanel(const TerminalPanel&) = delete;
  TerminalPanel& operator=(const TerminalPanel&) = delete;

  bool active() const { return active_; }

  // Redraws the panel (at most its line count; each line cut to the terminal width by the
  // caller's content). If the terminal was resized, the scroll region is set up again first.
  void draw(const std::vector<std::string>& lines);

  // Ends the panel: erases its rows, resets the scroll region and prints `lines` (cut at the
  // terminal width) where the text stopped, which must be at the start of a line; the cursor
  // ends below them. active() is false afterwards.
  void finish(const std::vector<std::string>& lines);

 private:
  void set_region();
  size_t lines_;
  int rows_ = 0, cols_ = 0;
  bool active_ = false;
};

}  // namespace atome::cli
