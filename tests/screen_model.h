// A tiny terminal emulator for tests: feed it what a program wrote to a terminal and read back
// what the screen (and the scrollback) would show. It interprets what `atome chat` and libedit
// emit, the way xterm and tmux do:
//   printable characters (a UTF-8 sequence is one cell), with deferred autowrap at the last
//   column (DECAWM, ESC [ ? 7 h / l); CR, LF (scrolls the scroll region at its bottom), BS, TAB;
//   CUU/CUD/CUF/CUB (ESC [ n A/B/C/D; up and down stop at the region's margins), CUP (ESC [ r;c H
//   or f), CHA (G), VPA (d); DECSTBM (ESC [ t;b r, which homes the cursor); EL (ESC [ n K),
//   ED (ESC [ n J); DECSC/DECRC (ESC 7, ESC 8); RI (ESC M).
// SGR and every other sequence are parsed and ignored. A line scrolled off the top of the screen
// goes to the scrollback when the region starts at the top row (as xterm and tmux keep it).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace atome::test {

class ScreenModel {
 public:
  ScreenModel(int rows, int cols)
      : rows_(rows), cols_(cols), bottom_(rows - 1), grid_(rows, blank_row()) {}

  void feed(const std::string& bytes) {
    for (char ch : bytes) feed_byte(static_cast<unsigned char>(ch));
  }

  int rows() const { return rows_; }
  int cursor_row() const { return row_; }
  int cursor_col() const { return col_; }

  // Row r of the screen (0-based) as text, trailing spaces removed.
  std::string row(int r) const { return text(grid_[r]); }
  std::vector<std::string> screen() const {
    std::vector<std::string> s;
    for (const Row& r : grid_) s.push_back(text(r));
    return s;
  }
  // The lines scrolled off the top, oldest first.
  const std::vector<std::string>& scrollback() const { return scrollback_; }
  // Scrollback then screen, as a terminal's history shows it.
  std::vector<std::string> transcript() const {
    std::vector<std::string> t = scrollback_;
    for (const Row& r : grid_) t.push_back(text(r));
    return t;
  }
  // The screen as numbered lines, for failure messages.
  std::string dump() const {
    std::string s;
    for (int r = 0; r < rows_; ++r) s += std::to_string(r) + ": " + row(r) + "\n";
    return s;
  }

 private:
  using Row = std::vector<std::string>;  // one UTF-8 character per cell
  enum class State { kText, kEsc, kEscIntermediate, kCsi, kOsc, kOscEsc };

  Row blank_row() const { return Row(static_cast<size_t>(cols_), " "); }
  static std::string text(const Row& r) {
    std::string s;
    for (const std::string& c : r) s += c;
    return s.substr(0, s.find_last_not_of(' ') + 1);
  }

  void feed_byte(unsigned char c) {
    switch (state_) {
      case State::kText:
        return text_byte(c);
      case State::kEsc:
        return esc_byte(c);
      case State::kEscIntermediate:  // ESC ( B and the like: one more byte
        state_ = State::kText;
        return;
      case State::kCsi:
        return csi_byte(c);
      case State::kOsc:  // ends at BEL or ESC backslash
        if (c == 0x07) state_ = State::kText;
        if (c == 0x1b) state_ = State::kOscEsc;
        return;
      case State::kOscEsc:
        state_ = State::kText;
        return;
    }
  }

  void text_byte(unsigned char c) {
    if (c == 0x1b) {
      state_ = State::kEsc;
    } else if (c == '\r') {
      col_ = 0;
      wrap_pending_ = false;
    } else if (c == '\n' || c == 0x0b || c == 0x0c) {
      linefeed();
    } else if (c == '\b') {
      if (col_ > 0) --col_;
      wrap_pending_ = false;
    } else if (c == '\t') {
      col_ = std::min(cols_ - 1, (col_ / 8 + 1) * 8);
      wrap_pending_ = false;
    } else if (c < 0x20 || c == 0x7f) {
      // other controls (BEL, ...): nothing to show
    } else if (c >= 0x80 && c < 0xc0 && last_row_ >= 0) {
      grid_[last_row_][last_col_] += static_cast<char>(c);  // UTF-8 continuation: same cell
    } else {
      put(static_cast<char>(c));
    }
  }

  void put(char c) {
    if (wrap_pending_) {
      wrap_pending_ = false;
      col_ = 0;
      linefeed();
    }
    grid_[row_][col_].assign(1, c);
    last_row_ = row_;
    last_col_ = col_;
    if (col_ == cols_ - 1) {
      if (autowrap_) wrap_pending_ = true;
    } else {
      ++col_;
    }
  }

  void linefeed() {
    wrap_pending_ = false;
    if (row_ == bottom_) {
      scroll_up();
    } else if (row_ < rows_ - 1) {
      ++row_;
    }
  }

  void scroll_up() {
    if (top_ == 0) scrollback_.push_back(text(grid_[0]));
    grid_.erase(grid_.begin() + top_);
    grid_.insert(grid_.begin() + bottom_, blank_row());
    last_row_ = -1;
  }

  void scroll_down() {
    grid_.erase(grid_.begin() + bottom_);
    grid_.insert(grid_.begin() + top_, blank_row());
    last_row_ = -1;
  }

  void esc_byte(unsigned char c) {
    state_ = State::kText;
    if (c == '[') {
      state_ = State::kCsi;
      params_.clear();
      private_ = false;
    } else if (c == ']') {
      state_ = State::kOsc;
    } else if (c == '7') {
      saved_row_ = row_;
      saved_col_ = col_;
    } else if (c == '8') {
      row_ = saved_row_;
      col_ = saved_col_;
      wrap_pending_ = false;
    } else if (c == 'M') {  // reverse index
      if (row_ == top_)
        scroll_down();
      else if (row_ > 0)
        --row_;
    } else if (c >= 0x20 && c <= 0x2f) {
      state_ = State::kEscIntermediate;
    }
  }

  void csi_byte(unsigned char c) {
    if (c >= '0' && c <= '9') {
      if (params_.empty()) params_.push_back(0);
      params_.back() = params_.back() * 10 + (c - '0');
    } else if (c == ';') {
      if (params_.empty()) params_.push_back(0);
      params_.push_back(0);
    } else if (c == '?' || c == '>' || c == '=') {
      private_ = true;
    } else if (c >= 0x40 && c <= 0x7e) {
      state_ = State::kText;
      csi_final(c);
    }
    // intermediate bytes (0x20-0x2f): ignored
  }

  // Parameter i, or `fallback` when absent or 0.
  int param(size_t i, int fallback = 1) const {
    return i < params_.size() && params_[i] != 0 ? params_[i] : fallback;
  }

  void csi_final(unsigned char f) {
    wrap_pending_ = false;
    if (private_) {
      if ((f == 'h' || f == 'l') && param(0, 0) == 7) autowrap_ = f == 'h';
      return;  // other private modes: ignored
    }
    const int n = param(0);
    switch (f) {
      case 'A':
        row_ = std::max(row_ >= top_ ? top_ : 0, row_ - n);
        break;
      case 'B':
        row_ = std::min(row_ <= bottom_ ? bottom_ : rows_ - 1, row_ + n);
        break;
      case 'C':
        col_ = std::min(cols_ - 1, col_ + n);
        break;
      case 'D':
        col_ = std::max(0, col_ - n);
        break;
      case 'G':
        col_ = std::clamp(n - 1, 0, cols_ - 1);
        break;
      case 'd':
        row_ = std::clamp(n - 1, 0, rows_ - 1);
        break;
      case 'H':
      case 'f':
        row_ = std::clamp(param(0) - 1, 0, rows_ - 1);
        col_ = std::clamp(param(1) - 1, 0, cols_ - 1);
        break;
      case 'K':
        erase_in_row(row_, param(0, 0));
        break;
      case 'J': {
        const int mode = param(0, 0);
        if (mode == 3) {  // the scrollback only
          scrollback_.clear();
          break;
        }
        erase_in_row(row_, mode);
        for (int r = 0; r < rows_; ++r)
          if ((mode == 0 && r > row_) || (mode == 1 && r < row_) || mode == 2)
            grid_[r] = blank_row();
        last_row_ = -1;
        break;
      }
      case 'r': {
        const int top = param(0) - 1, bottom = param(1, rows_) - 1;
        if (top < bottom && bottom < rows_) {
          top_ = top;
          bottom_ = bottom;
          row_ = 0;
          col_ = 0;
        }
        break;
      }
      case 'S':
        for (int i = 0; i < n; ++i) scroll_up();
        break;
      case 'T':
        for (int i = 0; i < n; ++i) scroll_down();
        break;
      default:  // SGR (m) and everything else: no effect on the text
        break;
    }
  }

  // EL: 0 = cursor to end, 1 = start to cursor, 2 = whole row.
  void erase_in_row(int r, int mode) {
    const int from = mode == 0 ? col_ : 0, to = mode == 1 ? col_ + 1 : cols_;
    for (int c = from; c < to; ++c) grid_[r][c] = " ";
    last_row_ = -1;
  }

  int rows_, cols_;
  int row_ = 0, col_ = 0, saved_row_ = 0, saved_col_ = 0;
  int top_ = 0, bottom_;
  bool autowrap_ = true, wrap_pending_ = false, private_ = false;
  State state_ = State::kText;
  std::vector<int> params_;
  std::vector<Row> grid_;
  std::vector<std::string> scrollback_;
  int last_row_ = -1, last_col_ = 0;  // the cell a UTF-8 continuation byte joins (-1: none)
};

}  // namespace atome::test
