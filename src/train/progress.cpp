// Progress line (see progress.h).
#include "train/progress.h"

#include <unistd.h>

#include <cmath>

namespace atome::train {

std::string format_duration(double seconds) {
  if (!(seconds >= 0.0) || seconds > 1e7) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

Progress::Progress(int total_steps, bool quiet)
    : total_(total_steps), quiet_(quiet), tty_(isatty(fileno(stderr)) != 0) {}

void Progress::report(int step, double loss, double lr, double tokens_per_s, double eta_s) {
  if (quiet_) return;
  const double bpb = loss / std::log(2.0);
  char stats[160];
  std::snprintf(stats, sizeof stats,
                "step %d/%d  loss %.4f (%.3f bpb)  lr %.2e  %.1fK tok/s  ETA %s", step, total_,
                loss, bpb, lr, tokens_per_s / 1000.0, format_duration(eta_s).c_str());
  if (!tty_) {
    std::fprintf(stderr, "%s\n", stats);
    return;
  }
  constexpr int kWidth = 24;
  const int filled = total_ > 0 ? static_cast<int>(static_cast<long>(kWidth) * step / total_) : 0;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  std::fprintf(stderr, "\r\033[K[%s] %s", bar.c_str(), stats);
  std::fflush(stderr);
  bar_drawn_ = true;
}

void Progress::message(const std::string& line) {
  if (quiet_) return;
  if (tty_ && bar_drawn_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", line.c_str());
  bar_drawn_ = false;
}

void Progress::finish() {
  if (!quiet_ && tty_ && bar_drawn_) std::fprintf(stderr, "\n");
  bar_drawn_ = false;
}

}  // namespace atome::train
