// Level fit (`--level-fit DEG`, classifier trainer): the embedding rows of each feature's band
// projected, after every optimiser step, onto polynomials of degree <= DEG in the level.
//
// Why: a banded token is a level of an ordered quantity, but each of its 256 embedding rows is
// learnt on its own, so a level that the train groups rarely reach has a row that means little,
// and held-out groups put features exactly there. Constraining row(level) = sum_k c_k P_k(level)
// (P_k orthogonal polynomials over the band's levels) makes the embedding a smooth function of
// the value, as a float model's input is (degree 1: a feature id plus the value times a
// direction, which the ternary quantiser then turns into a thermometer-like code). The device
// is untouched: the table keeps its shape, only its rows are related.
#pragma once

#include <cstdint>
#include <vector>

#include "host/feature_tokenize.h"

namespace atome::train {

// Projects rows [band.first, band.first + band.levels) of the (vocab, d) table `embed` (float
// master weights, row-major) onto degree <= degree polynomials in the level, column by column
// (least squares, which for an orthogonal basis is the sum of the projections). Bands that
// overlap (global mode: every feature shares one band) are projected once each; a band of
// <= degree + 1 levels is left as it is (the fit would be exact).
void project_level_fit(float* embed, uint32_t d, const std::vector<FeatureBand>& bands, int degree);

}  // namespace atome::train
