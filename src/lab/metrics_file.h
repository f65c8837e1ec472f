// Reading a training run's metrics file (JSON Lines, written by the trainer) into the two curves
// `atome plot` draws: training loss and validation bits per byte, both in bits per byte.
//
// Lines used (one JSON object per line; unknown fields ignored):
//   training:   {"step": int, "train_loss": float (nats per byte), ...}  -> train point
//                                                                           (step, train_loss/ln 2)
//   validation: {"step": int, "valid_bpb": float, ...}                   -> valid point
// A line with neither pair of keys (e.g. {"event": "resume", ...}), or with a value that is not a
// finite number, contributes nothing; blank lines are skipped. When a step appears twice (a run
// resumed from an earlier checkpoint logs those steps again) the later line wins, and points are
// ordered by step.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace atome::lab {

struct MetricsPoint {
  double step = 0.0;
  double bpb = 0.0;
};

struct MetricsRun {
  std::string name;                 // legend label: the file's parent directory name
  std::vector<MetricsPoint> train;  // train_loss converted to bits per byte
  std::vector<MetricsPoint> valid;  // valid_bpb
};

// Throws Error naming the file (and the line number for a line that is not a JSON object)
// when the file cannot be read, a line is malformed, or no line gives a point.
MetricsRun read_metrics_file(const std::string& path);

// The chart `atome plot` draws (cmd_plot.cpp): train and valid bpb against step for each file,
// written to out_svg atomically. `atome train` draws its run's loss.svg with it.
// A curve's points as chart coordinates (step, bpb).
std::vector<std::pair<double, double>> step_bpb(const std::vector<MetricsPoint>& points);

void plot_metrics(const std::vector<std::string>& metrics_files, const std::string& out_svg,
                  const std::string& title);

}  // namespace atome::lab
