// Feature row -> byte tokens, through a classifier's quantisation (docs/FORMAT.md §17.4): the
// original SuperESP tokeniser, made explicit. One token per feature, time-major.
#pragma once

#include <cstdint>
#include <vector>

#include "host/class_spec.h"

namespace atome {

// Tokens of one row of spec.n_features() finite values (the caller has checked them: the CSV
// reader does). u = clamp((x - vmin) / (vmax - vmin), 0, 1) in binary64, then
//   global: round(u * 255)
//   banded: i * B + round(u * (B - 1)),  B = floor(256 / n_features)
// with round = to nearest, ties to even (numpy's np.round, the original's).
std::vector<uint32_t> tokenize_features(const ClassSpec& spec, const std::vector<double>& row);

// Feature i's tokens are first .. first + levels - 1, its levels in order (the quant mode's band).
struct FeatureBand {
  uint32_t first = 0, levels = 256;
};
FeatureBand feature_band(const ClassSpec& spec, uint32_t i);

}  // namespace atome
