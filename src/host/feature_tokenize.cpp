#include "host/feature_tokenize.h"

#include <cmath>

namespace atome {

std::vector<uint32_t> tokenize_features(const ClassSpec& spec, const std::vector<double>& row) {
  const uint32_t F = spec.n_features();
  const uint32_t C = static_cast<uint32_t>(spec.channels.size());
  // Levels per feature and the band feature i starts at (FORMAT.md §17.4).
  uint32_t levels = 256;
  if (spec.quant_mode == ATOME_QUANT_BANDED) levels = 256u / F;
  if (spec.quant_mode == ATOME_QUANT_CHANNEL) levels = 256u / C;
  std::vector<uint32_t> tokens(F);
  for (uint32_t i = 0; i < F; ++i) {
    double u = (row[i] - spec.vmin[i]) / (spec.vmax[i] - spec.vmin[i]);
    u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    // nearbyint in the default rounding mode rounds half to even.
    const double level = std::nearbyint(u * static_cast<double>(levels - 1));
    uint32_t band = 0;
    if (spec.quant_mode == ATOME_QUANT_BANDED) band = i * levels;
    if (spec.quant_mode == ATOME_QUANT_CHANNEL) band = (i % C) * levels;
    tokens[i] = static_cast<uint32_t>(level) + band;
  }
  return tokens;
}

}  // namespace atome
