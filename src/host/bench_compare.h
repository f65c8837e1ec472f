// `atome bench --compare FILE`: ratios of this run to a saved one (new / old), window by window,
// and the reasons the two runs may not be like for like.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/bench_report.h"

namespace atome {

// new / old at one window both runs measured. Above 1 means the new run is faster for the two
// rates, slower for ms per token, bigger for the state.
struct WindowRatios {
  uint32_t window = 0;
  double decode_tok_s_median = 0;
  double prefill_tok_s_median = 0;
  double ms_per_token_median = 0;
  double state_bytes = 0;
};

struct BenchComparison {
  std::string file;       // the saved run's path
  std::string old_model;  // its "model" field
  // One entry per difference that makes the timings incomparable or suspicious: model (CRC-32 of
  // the native image), kernel, cpu, workload (tokens, repeat, a window's prompt), and generated
  // text that differs although model and workload are the same (a different computation).
  std::vector<std::string> differences;
  double model_bytes = 0;             // new / old
  std::vector<WindowRatios> windows;  // windows in both runs, in this run's order
  std::vector<uint32_t> only_new;     // windows only this run measured
  std::vector<uint32_t> only_old;     // windows only the saved run measured
};

BenchComparison compare_bench(const BenchReport& now, const BenchReport& old,
                              const std::string& file);

nlohmann::ordered_json comparison_json(const BenchComparison& c);

// "not like for like: kernel avx2 (old) vs avx512 (new); ..." or "" when there is nothing to say.
std::string comparison_warning(const BenchComparison& c);

// The ratios table and the warning, for the text report.
void print_comparison(const BenchComparison& c);

}  // namespace atome
