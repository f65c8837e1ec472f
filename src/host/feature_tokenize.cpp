#include "host/feature_tokenize.h"

#include <cmath>

namespace atome {

std::vector<uint32_t> tokenize_features(const ClassSpec& spec, const std::vector<double>& row) {
  const uint32_t F = spec.n_features();
  const uint32_t band = spec.quant_mode == ATOME_QUANT_BANDED ? 256u / F : 256u;
  std::vector<uint32_t> tokens(F);
  for (uint32_t i = 0; i < F; ++i) {
    double u = (row[i] - spec.vmin[i]) / (spec.vmax[i] - spec.vmin[i]);
    u = u < 0.0 ? 0.0 : (u > 1.0 ? 1.0 : u);
    // nearbyint in the default rounding mode rounds half to even.
    const double level = std::nearbyint(u * static_cast<double>(band - 1));
    tokens[i] =
        static_cast<uint32_t>(level) + (spec.quant_mode == ATOME_QUANT_BANDED ? i * band : 0u);
  }
  return tokens;
}

}  // namespace atome
