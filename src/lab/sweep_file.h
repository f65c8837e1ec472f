// A sweep file (experiments/*.json): a named set of training runs, models x seeds, all sharing
// one protocol. `atome sweep` runs it; `atome report` turns its finished runs into tables.
//
//   {
//     "name": "ab",                          runs go to OUT/<model>/seed-<n>/
//     "title": "A/B at 60K parameters",
//     "protocol": ["--train", "{data}/train.txt", "--steps", "3000", ...],   atome train flags
//     "seeds": [1, 2, 3],
//     "baseline": "atome-60k",               optional: the model others are compared with
//     "metric": "engine_valid_bpb",          optional: the result.json number tabulated:
//                                            "valid_bpb" (default: the trainer's validation) or
//                                            "engine_valid_bpb" (the engine on the exported file)
//     "models": [
//       {"name": "atome-60k", "label": "Atome 60K (ternary)", "args": ["--preset", "60k"],
//        "seed_reported": "2.657 bpb (ppl 6.31)"},          optional: the original's figure
//       ...
//     ]
//   }
//
// "{data}" in an argument is replaced by the data directory given to `atome sweep --data`.
// The runner owns --out, --resume, --seed and --threads, so the file may not set them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atome::lab {

struct SweepModel {
  std::string name;   // [a-z0-9._-]+, a directory name
  std::string label;  // for tables and legends (default: name)
  std::vector<std::string> args;
  std::string seed_reported;  // empty: none
};

struct SweepFile {
  std::string name, title, baseline;
  std::string metric = "valid_bpb";  // or "engine_valid_bpb"
  std::vector<std::string> protocol;
  std::vector<uint64_t> seeds;
  std::vector<SweepModel> models;
};

// Parses and checks a sweep file's text; Error naming `origin` and the problem otherwise.
SweepFile parse_sweep(const std::string& text, const std::string& origin);
SweepFile read_sweep_file(const std::string& path);

// The directory of one run: <out>/<model>/seed-<seed>.
std::string run_dir(const std::string& out, const std::string& model, uint64_t seed);

}  // namespace atome::lab
