// What a person watching a training run sees on stderr: on a terminal one line redrawn in place
// (bar, step, loss, bits per byte, tokens/s, ETA); otherwise (a log file, CI) one plain line per
// report.
#pragma once

#include <cstdio>
#include <string>

namespace atome::train {

class Progress {
 public:
  Progress(int total_steps, bool quiet);
  // A training report: mean loss over the interval (nats/byte), throughput, time left.
  void report(int step, double loss, double lr, double tokens_per_s, double eta_s);
  // A full line (validation, checkpoint, events) that must not be overwritten by the bar.
  void message(const std::string& line);
  void finish();

 private:
  int total_;
  bool quiet_;
  bool tty_;
  bool bar_drawn_ = false;
};

std::string format_duration(double seconds);  // "1:02:03", "4:05"

}  // namespace atome::train
