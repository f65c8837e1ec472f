// Level fit (see level_fit.h).
#include "train/level_fit.h"

#include <set>
#include <utility>

namespace atome::train {
namespace {

// The orthogonal polynomials P_0..P_degree over the levels 0..L-1 (Gram-Schmidt on the
// monomials of the centred level, in binary64): basis[k][l].
std::vector<std::vector<double>> level_basis(uint32_t L, int degree) {
  std::vector<std::vector<double>> basis;
  const double centre = (static_cast<double>(L) - 1.0) / 2.0;
  for (int k = 0; k <= degree; ++k) {
    std::vector<double> p(L);
    for (uint32_t l = 0; l < L; ++l) {
      double v = 1.0;
      for (int e = 0; e < k; ++e) v *= static_cast<double>(l) - centre;
      p[l] = v;
    }
    for (const std::vector<double>& q : basis) {
      double dot = 0.0, qq = 0.0;
      for (uint32_t l = 0; l < L; ++l) {
        dot += p[l] * q[l];
        qq += q[l] * q[l];
      }
      for (uint32_t l = 0; l < L; ++l) p[l] -= dot / qq * q[l];
    }
    basis.push_back(std::move(p));
  }
  return basis;
}

}  // namespace

void project_level_fit(float* embed, uint32_t d, const std::vector<FeatureBand>& bands,
                       int degree) {
  if (degree < 1) return;
  std::set<std::pair<uint32_t, uint32_t>> done;
  for (const FeatureBand& band : bands) {
    if (band.levels <= static_cast<uint32_t>(degree) + 1) continue;
    if (!done.insert({band.first, band.levels}).second) continue;
    const uint32_t L = band.levels;
    const std::vector<std::vector<double>> basis = level_basis(L, degree);
    for (uint32_t c = 0; c < d; ++c) {
      std::vector<double> fit(L, 0.0);
      for (const std::vector<double>& q : basis) {
        double dot = 0.0, qq = 0.0;
        for (uint32_t l = 0; l < L; ++l) {
          dot += q[l] * embed[static_cast<size_t>(band.first + l) * d + c];
          qq += q[l] * q[l];
        }
        for (uint32_t l = 0; l < L; ++l) fit[l] += dot / qq * q[l];
      }
      for (uint32_t l = 0; l < L; ++l)
        embed[static_cast<size_t>(band.first + l) * d + c] = static_cast<float>(fit[l]);
    }
  }
}

}  // namespace atome::train
