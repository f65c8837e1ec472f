#include "host/feature_tokenize.h"

#include <cmath>

namespace atome {

FeatureBand feature_band(const ClassSpec& spec, uint32_t i) {
  // Levels per feature and the band feature i starts at (FORMAT.md §17.4).
  const uint32_t F = spec.n_features();
  const uint32_t C = static_cast<uint32_t>(spec.channels.size());
  FeatureBand b;
  if (spec.quant_mode == ATOME_QUANT_BANDED) b = {i * (256u / F), 256u / F};
  if (spec.quant_mode == ATOME_QUANT_CHANNEL) b = {(i % C) * (256u / C), 256u / C};
  return b;
}

std::vector<uint32_t> tokenize_features(const ClassSpec& spec, const std::vector<double>& row) {
  const uint32_t F = spec.n_features();
  std::vector<uint32_t> tokens(F);
  for (uint32_t i = 0; i < F; ++i) {
    const FeatureBand band = feature_band(spec, i);
    double u = (row[i] - spec.vmin[i]) / (spec.vmax[i] - spec.vmin[i]);
    u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    // nearbyint in the default rounding mode rounds half to even.
    const double level = std::nearbyint(u * static_cast<double>(band.levels - 1));
    tokens[i] = static_cast<uint32_t>(level) + band.first;
  }
  return tokens;
}

}  // namespace atome
