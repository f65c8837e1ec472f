// Reading a sweep's run directory (written by `atome sweep`: models x seeds) and summarising each
// model over its finished seeds, for `atome report`.
//
// Layout read:
//   RUNS/sweep.json                        the sweep definition (below)
//   RUNS/<model>/seed-<n>/result.json      present only when that run finished (below)
//   RUNS/<model>/seed-<n>/metrics.jsonl    the run's curves (metrics_file.h)
//
// sweep.json: the sweep file as `atome sweep` copied it there (sweep_file.h), checked the same way.
// result.json: {"valid_bpb": finite number, "params": int, "model_bytes": int,
//               "engine_valid_bpb": finite number (required when the sweep's metric is it),
//               "train_seconds": finite number >= 0, "valid_mode": "chunk 64" (optional), ...}
//   other keys (arch, seed, steps, best_*, tokens_per_s) are ignored.
// Every problem is a Error naming the file and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/spread.h"
#include "lab/sweep_file.h"

namespace atome::lab {

// What result.json holds that the report shows.
struct RunResult {
  double valid_bpb = 0;          // the sweep's metric (sweep_file.h): what the tables show
  double trainer_valid_bpb = 0;  // result.json's valid_bpb (the trainer's forward)
  uint64_t params = 0;
  uint64_t model_bytes = 0;
  double train_seconds = 0;
  std::string valid_mode;  // empty: not given
};

struct SeedRun {
  uint64_t seed = 0;
  std::string dir;                  // RUNS/<model>/seed-<n>
  std::optional<RunResult> result;  // none: the run has not finished (no result.json)
};

struct ModelRuns {
  SweepModel model;
  std::vector<SeedRun> runs;  // one per seed of the sweep, in the sweep's seed order
};

struct Sweep {
  std::string dir;  // RUNS as given
  SweepFile definition;
  size_t baseline = 0;            // index of definition.baseline in definition.models
  std::vector<ModelRuns> models;  // in the sweep's model order
};

// Throws Error when sweep.json is missing or malformed, or a result.json is malformed.
Sweep read_sweep(const std::string& runs_dir);

// One model over its finished seeds.
struct ModelSummary {
  size_t finished = 0;  // seeds with a result
  size_t seeds = 0;     // seeds in the sweep
  Spread valid_bpb;     // these four: only when finished > 0
  Spread params;        // the same for every seed unless the runs disagree
  Spread model_bytes;
  double train_seconds = 0;  // median
};

ModelSummary summarize(const ModelRuns& model);

}  // namespace atome::lab
