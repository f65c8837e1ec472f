// The level fit of the classifier trainer (train/level_fit.h, `--level-fit DEG`): the embedding
// rows of a band projected onto polynomials of degree <= DEG in the level.
#include "train/level_fit.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace atome::train {
namespace {

constexpr uint32_t kLevelFitD = 3, kLevelFitVocab = 20;

std::vector<float> level_fit_table(uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> t(kLevelFitVocab * kLevelFitD);
  for (float& v : t) v = normal(rng);
  return t;
}

// Two bands of 8 levels (tokens 0..7 and 8..15); tokens 16..19 in no band.
const std::vector<FeatureBand> kLevelFitBands = {{0, 8}, {8, 8}};

TEST(LevelFit, KeepsRowsThatAreAlreadyPolynomial) {
  std::vector<float> t = level_fit_table(1);
  for (uint32_t l = 0; l < 8; ++l)
    for (uint32_t c = 0; c < kLevelFitD; ++c) {
      t[l * kLevelFitD + c] = 0.5f * c - 0.25f * l;                           // linear
      t[(8 + l) * kLevelFitD + c] = 1.0f + 0.125f * (l - 3.5f) * (l - 3.5f);  // quadratic
    }
  std::vector<float> quad = t;
  project_level_fit(quad.data(), kLevelFitD, kLevelFitBands, 2);
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(quad[i], t[i], 1e-5) << i;
  // Degree 1: the linear band stays, the quadratic one becomes its least-squares line (its mean
  // at every level: the parabola is symmetric about the band's centre).
  std::vector<float> lin = t;
  project_level_fit(lin.data(), kLevelFitD, kLevelFitBands, 1);
  double mean = 0.0;
  for (uint32_t l = 0; l < 8; ++l) mean += t[(8 + l) * kLevelFitD] / 8.0;
  for (uint32_t l = 0; l < 8; ++l) {
    EXPECT_NEAR(lin[l * kLevelFitD + 1], t[l * kLevelFitD + 1], 1e-5);
    EXPECT_NEAR(lin[(8 + l) * kLevelFitD], mean, 1e-5);
  }
}

TEST(LevelFit, ProjectsBandsOnlyAndIsIdempotent) {
  const std::vector<float> t = level_fit_table(2);
  std::vector<float> once = t;
  project_level_fit(once.data(), kLevelFitD, kLevelFitBands, 1);
  for (uint32_t r = 16; r < kLevelFitVocab; ++r)  // outside every band: untouched
    for (uint32_t c = 0; c < kLevelFitD; ++c)
      EXPECT_EQ(once[r * kLevelFitD + c], t[r * kLevelFitD + c]);
  // Inside a band the rows are now a + b * level, column by column.
  for (uint32_t c = 0; c < kLevelFitD; ++c) {
    const float a = once[c], b = once[kLevelFitD + c] - once[c];
    for (uint32_t l = 0; l < 8; ++l) EXPECT_NEAR(once[l * kLevelFitD + c], a + b * l, 1e-5);
  }
  EXPECT_NE(once[2 * kLevelFitD], t[2 * kLevelFitD]);  // a random band is not linear
  std::vector<float> twice = once;
  project_level_fit(twice.data(), kLevelFitD, kLevelFitBands, 1);
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(twice[i], once[i], 1e-5) << i;
  // The residual is orthogonal to the fit (least squares): sum over levels of fit * (t - fit).
  for (uint32_t c = 0; c < kLevelFitD; ++c) {
    double dot = 0.0;
    for (uint32_t l = 0; l < 8; ++l) {
      const size_t i = static_cast<size_t>(l) * kLevelFitD + c;
      dot += static_cast<double>(once[i]) * (t[i] - once[i]);
    }
    EXPECT_NEAR(dot, 0.0, 1e-4) << c;
  }
}

TEST(LevelFit, OffOrTooFewLevelsLeavesTheTable) {
  const std::vector<float> t = level_fit_table(3);
  std::vector<float> off = t, small = t;
  project_level_fit(off.data(), kLevelFitD, kLevelFitBands, 0);
  EXPECT_EQ(off, t);
  project_level_fit(small.data(), kLevelFitD, {{0, 2}, {2, 3}}, 2);  // <= 3 levels: exact
  EXPECT_EQ(small, t);
}

}  // namespace
}  // namespace atome::train
