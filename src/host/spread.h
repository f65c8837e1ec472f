// Summaries over the seeds of one model: the median and the range of a few values, and the
// per-byte perplexity arithmetic of the results tables. Header-only pure functions, so the unit
// tests (which do not link the CLI's sources) call them directly.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace atome {

struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
};

// The median (of an even count: the mean of the two middle values), smallest and largest value.
// Throws std::invalid_argument for an empty list or a value that is not finite.
inline Spread spread_of(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("spread_of: no values");
  for (double v : values) {
    if (!std::isfinite(v)) throw std::invalid_argument("spread_of: a value is not finite");
  }
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return {median, values.front(), values.back()};
}

// Per-byte perplexity from bits per byte: 2^bpb.
inline double perplexity(double bpb) {
  return std::exp2(bpb);
}

// Relative change of per-byte perplexity against a baseline, from their bits per byte:
// 2^(bpb - baseline_bpb) - 1, e.g. 0.203 for a perplexity 20.3% higher than the baseline's.
inline double perplexity_change(double bpb, double baseline_bpb) {
  return std::exp2(bpb - baseline_bpb) - 1;
}

}  // namespace atome
