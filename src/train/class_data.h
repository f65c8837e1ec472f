// A classifier's training data directory (issue 14, item 3) and what the trainer makes of it:
// the examples, their grouped train / valid / test split, and the quantisation ranges.
//
// Layout of DIR (docs/CLASSIFIER_TRAINING.md):
//   DIR/spec.json     {"head": name, "classes": [names], "channels": [{"name", "unit", "min",
//                     "max"}] (physical limits), "window": T, "sample_rate_hz": r,
//                     "pipeline": {"name", "params": {name: number}}, "group_by": default group
//                     column, "generator": {...} (free-form, copied into result.json)}
//   DIR/examples.csv  header "label,site,subject,device,<channel>@<t>..." then one example a row:
//                     label = class index; site / subject / device are integer group ids, each
//                     optional (any subset, in that order); the C * T features in time-major order
//                     (all channels of t = 0 first), named <channel>@<t>.
// At most 32 features (one token each, DESIGN §8). Every problem is a one-line FormatError naming
// the file, and for the CSV the row (line number) and column.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "host/class_spec.h"

namespace atome::train {

constexpr uint32_t kMaxClassFeatures = 32;

struct ClassDataset {
  std::string head;
  ClassSpec spec;             // classes, channels, window, rate, pipeline; no ranges yet
  std::string default_group;  // spec.json's group_by ("" when absent)
  std::string generator;      // spec.json's generator, as JSON text ("null" when absent)
  std::vector<std::vector<double>> features;  // n rows of F values, time-major
  std::vector<uint32_t> labels;
  std::map<std::string, std::vector<int64_t>> groups;  // group column -> id per row
  uint32_t fingerprint = 0;  // CRC-32 of spec.json and examples.csv: a resume checks it
};

ClassDataset read_class_dataset(const std::string& dir);

// train / valid / test rows by group (never one group in two splits). The distinct group ids,
// sorted, are shuffled by a generator seeded from `seed`; the first round(15%) (at least 1) go to
// test, the next round(15%) (at least 1) to valid, the rest to train. Needs >= 3 groups.
struct ClassSplit {
  std::vector<size_t> train, valid, test;  // row indices, increasing
  std::vector<int64_t> train_groups, valid_groups, test_groups;
};
ClassSplit grouped_split(const ClassDataset& data, const std::string& group_by, uint64_t seed);

// The quantisation ranges, from the TRAIN rows only, for quant_mode ATOME_QUANT_GLOBAL (256
// levels per feature) or ATOME_QUANT_BANDED (feature i in its own band of 256 / F levels, so the
// token also says which feature it is: the block has no position embedding). Per channel, pooled
// over its timesteps, the 0.5th and 99.5th percentiles (nearest rank), clipped to the channel's
// physical limits, the same pair for every timestep. A degenerate channel (lo == hi) gets its
// physical range when recorded, else lo - 0.5 .. hi + 0.5. Never a range the sensor cannot produce.
// A text head (pipeline "bytes") gets its channels' physical limits (0..255): identity tokens.
// `tail` (--range-tail, default 0.005) moves the percentiles to tail and 1 - tail.
void fit_ranges(ClassSpec& spec, const ClassDataset& data, const std::vector<size_t>& train_rows,
                uint32_t quant_mode, double tail = 0.005);

}  // namespace atome::train
