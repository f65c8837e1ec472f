// Reading a sweep's run directory (written by `atome sweep`: models x seeds) and summarising each
// model over its finished seeds, for `atome report`.
//
// Layout read:
//   RUNS/sweep.json                        the sweep definition (below)
//   RUNS/<model>/seed-<n>/result.json      present only when that run finished (below)
//   RUNS/<model>/seed-<n>/metrics.jsonl    the run's curves (metrics_file.h)
//
// sweep.json: {"name": "ab", "title": "...", "seeds": [1, 2, 3], "baseline": "atome-60k",
//              "models": [{"name": "atome-60k", "label": "...", "seed_reported": "...",
//                          "args": [...]}, ...], "protocol": [...]}
//   name: required; also names the figures and the RESULTS markers, so [A-Za-z0-9._-] only.
//   seeds: required, non-negative integers, each once. models: required, at least one; a model's
//   name is a directory name ([A-Za-z0-9._-], unique), label defaults to the name, seed_reported
//   (the original project's single-seed figure, free text) is optional. title defaults to the
//   name; baseline defaults to the first model. protocol, args and unknown keys are ignored.
// result.json: {"valid_bpb": finite number, "params": int, "model_bytes": int,
//               "train_seconds": finite number >= 0, "valid_mode": "chunk 64" (optional), ...}
//   other keys (arch, seed, steps, best_*, tokens_per_s) are ignored.
// Every problem is a CliError naming the file and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/seed_stats.h"

namespace atome::cli {

struct SweepModel {
  std::string name;           // directory under RUNS
  std::string label;          // shown in tables and charts
  std::string seed_reported;  // empty: none given
};

struct SweepDefinition {
  std::string name;
  std::string title;
  std::vector<uint64_t> seeds;
  std::vector<SweepModel> models;
  size_t baseline = 0;  // index into models
};

// What result.json holds that the report shows.
struct RunResult {
  double valid_bpb = 0;
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
  SweepDefinition definition;
  std::vector<ModelRuns> models;  // in the sweep's model order
};

// Throws CliError when sweep.json is missing or malformed, or a result.json is malformed.
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

}  // namespace atome::cli
