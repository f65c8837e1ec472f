// The statistics behind `atome eval --router-stats` (src/host/router_stats.h) on inputs whose
// answers are known by hand: mixture entropy, Pearson, average ranks and Spearman with ties,
// quantiles, the undefined cases (constant input, too few values, NaN), and the summary of a
// small hand-made trace.
#include "host/router_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "atome/atome.h"

namespace atome::test {
namespace {

using atome::average_ranks;
using atome::Distribution;
using atome::distribution_of;
using atome::mixture_entropy;
using atome::pathway_names;
using atome::pearson;
using atome::RouterStats;
using atome::RouterTrace;
using atome::spearman;

TEST(RouterStats, PathwayNamesFollowTheMask) {
  EXPECT_EQ(pathway_names(ATOME_PATH_ALL), (std::vector<std::string>{"conv", "ssm", "attn"}));
  EXPECT_EQ(pathway_names(ATOME_PATH_CONV | ATOME_PATH_ATTN),
            (std::vector<std::string>{"conv", "attn"}));
  EXPECT_EQ(pathway_names(ATOME_PATH_SSM), (std::vector<std::string>{"ssm"}));
}

TEST(RouterStats, MixtureEntropy) {
  const float uniform3[] = {1.0f / 3, 1.0f / 3, 1.0f / 3};
  EXPECT_NEAR(mixture_entropy(uniform3, 3), std::log(3.0), 1e-7);
  const float half[] = {0.5f, 0.5f};
  EXPECT_DOUBLE_EQ(mixture_entropy(half, 2), std::log(2.0));
  const float one_hot[] = {0.0f, 1.0f, 0.0f};
  EXPECT_EQ(mixture_entropy(one_hot, 3), 0.0);
  // A mixture rounded a hair past one-hot would give a tiny negative entropy: clamped to 0.
  const float over[] = {1.0000001f, 0.0f};
  EXPECT_EQ(mixture_entropy(over, 2), 0.0);
  const float single[] = {1.0f};  // one pathway: nothing to choose
  EXPECT_EQ(mixture_entropy(single, 1), 0.0);
  const float known[] = {0.25f, 0.75f};
  EXPECT_NEAR(mixture_entropy(known, 2), -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)), 1e-15);
}

TEST(RouterStats, PearsonOfKnownData) {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(pearson(x, {3, 5, 7, 9, 11}), 1.0);  // y = 2x + 1
  EXPECT_DOUBLE_EQ(pearson(x, {-3, -6, -9, -12, -15}), -1.0);
  // Centred: dx = -2..2, dy = -2 0 1 0 1; sxy 6, sxx 10, syy 6 -> 6 / sqrt(60).
  EXPECT_NEAR(pearson(x, {2, 4, 5, 4, 5}), 6 / std::sqrt(60.0), 1e-15);
  EXPECT_NEAR(pearson({1, 2, 3, 4}, {1, -1, -1, 1}), 0.0, 1e-15);  // symmetric: uncorrelated
  // Large offsets do not cancel away the correlation (two-pass sums).
  EXPECT_NEAR(pearson({1e9 + 1, 1e9 + 2, 1e9 + 3}, {1, 2, 3}), 1.0, 1e-12);
}

TEST(RouterStats, PearsonUndefinedIsNaN) {
  EXPECT_TRUE(std::isnan(pearson({0.1, 0.1, 0.1}, {1, 2, 3})));  // constant x
  EXPECT_TRUE(std::isnan(pearson({1, 2, 3}, {7, 7, 7})));        // constant y
  EXPECT_TRUE(std::isnan(pearson({1}, {2})));                    // one pair
  EXPECT_TRUE(std::isnan(pearson({}, {})));
  EXPECT_TRUE(std::isnan(pearson({1, NAN, 3}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(pearson({1, 2, 3}, {1, INFINITY, 3})));
  EXPECT_THROW(pearson({1, 2}, {1, 2, 3}), std::invalid_argument);
}

TEST(RouterStats, AverageRanksShareTies) {
  EXPECT_EQ(average_ranks({10, 20, 20, 20, 5}), (std::vector<double>{2, 4, 4, 4, 1}));
  EXPECT_EQ(average_ranks({3, 1, 2}), (std::vector<double>{3, 1, 2}));
  EXPECT_EQ(average_ranks({7, 7}), (std::vector<double>{1.5, 1.5}));
  EXPECT_TRUE(average_ranks({}).empty());
}

TEST(RouterStats, SpearmanOfKnownData) {
  // Monotone but not linear: Spearman 1, Pearson below 1.
  const std::vector<double> x = {1, 2, 3, 4, 5}, cube = {1, 8, 27, 64, 125};
  EXPECT_DOUBLE_EQ(spearman(x, cube), 1.0);
  EXPECT_LT(pearson(x, cube), 0.99);
  EXPECT_DOUBLE_EQ(spearman(x, {50, 40, 30, 20, 10}), -1.0);
  // Ties: ranks of x are 1 2.5 2.5 4; against 1 2 3 4 that is 4.5 / sqrt(4.5 * 5).
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 4.5 / std::sqrt(22.5), 1e-15);
  EXPECT_TRUE(std::isnan(spearman({2, 2, 2}, {1, 2, 3})));  // all tied: constant ranks
  EXPECT_TRUE(std::isnan(spearman({1, NAN, 3}, {1, 2, 3})));
  EXPECT_THROW(spearman({1}, {1, 2}), std::invalid_argument);
}

TEST(RouterStats, DistributionQuantiles) {
  const Distribution d = distribution_of({5, 1, 4, 2, 3});
  EXPECT_EQ(d.count, 5u);
  EXPECT_DOUBLE_EQ(d.mean, 3.0);
  EXPECT_DOUBLE_EQ(d.sd, std::sqrt(2.0));  // population sd
  EXPECT_EQ(d.min, 1.0);
  EXPECT_EQ(d.max, 5.0);
  EXPECT_DOUBLE_EQ(d.median, 3.0);
  EXPECT_DOUBLE_EQ(d.p05, 1.2);  // at 0.05 * 4 = 0.2 between 1 and 2
  EXPECT_DOUBLE_EQ(d.p95, 4.8);
  const Distribution one = distribution_of({2.5});
  EXPECT_EQ(one.p05, 2.5);
  EXPECT_EQ(one.p95, 2.5);
  EXPECT_EQ(one.sd, 0.0);
  const Distribution none = distribution_of({});
  EXPECT_EQ(none.count, 0u);
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_TRUE(std::isnan(none.median));
}

// Two layers of two pathways, four predictions in two spans. Layer 0's entropy grows with the
// loss; layer 1 always picks its first pathway (entropy 0: no correlation defined).
TEST(RouterStats, SummaryOfAHandMadeTrace) {
  RouterTrace t;
  t.pathways = ATOME_PATH_CONV | ATOME_PATH_SSM;
  t.n_layers = 2;
  t.n_paths = 2;
  t.loss = {0.5, 2.0, 1.0, 4.0};
  const float p[] = {0.9f, 0.6f, 0.8f, 0.5f};  // layer 0's r_conv: 0.5 (ln 2) at the worst loss
  for (size_t i = 0; i < 4; ++i) {
    const float rows[] = {p[i], 1 - p[i], 1.0f, 0.0f};
    t.mixture.insert(t.mixture.end(), rows, rows + 4);
  }
  t.span_first = {0, 2};

  const RouterStats s = atome::router_stats(t, 2);
  EXPECT_EQ(s.predictions, 4u);
  EXPECT_DOUBLE_EQ(s.max_entropy, std::log(2.0));
  EXPECT_DOUBLE_EQ(s.mean_loss, 1.875);
  std::vector<double> h0, mean;
  for (float v : p) {
    const float r[] = {v, 1 - v};
    h0.push_back(mixture_entropy(r, 2));
    mean.push_back(h0.back() / 2);
  }
  ASSERT_EQ(s.layers.size(), 2u);
  EXPECT_NEAR(s.layers[0].mean_entropy, (h0[0] + h0[1] + h0[2] + h0[3]) / 4, 1e-15);
  EXPECT_EQ(s.layers[1].mean_entropy, 0.0);
  EXPECT_NEAR(s.layers[0].mean_mixture[0], (0.9 + 0.6 + 0.8 + 0.5) / 4, 1e-7);
  EXPECT_EQ(s.layers[1].mean_mixture[0], 1.0);
  EXPECT_EQ(s.layers[1].mean_mixture[1], 0.0);
  EXPECT_DOUBLE_EQ(s.layers[0].spearman, 1.0);  // entropy and loss in the same order
  EXPECT_NEAR(s.layers[0].pearson, pearson(h0, t.loss), 1e-15);
  EXPECT_GT(s.layers[0].pearson, 0.5);
  EXPECT_TRUE(std::isnan(s.layers[1].pearson));
  EXPECT_TRUE(std::isnan(s.layers[1].spearman));
  EXPECT_NEAR(s.pearson, pearson(mean, t.loss), 1e-15);
  EXPECT_DOUBLE_EQ(s.spearman, 1.0);
  EXPECT_NEAR(s.mean_entropy, (mean[0] + mean[1] + mean[2] + mean[3]) / 4, 1e-15);

  // Two loss bins: {0.5, 1.0} and {2.0, 4.0}.
  ASSERT_EQ(s.by_loss.size(), 2u);
  EXPECT_EQ(s.by_loss[0].count, 2u);
  EXPECT_DOUBLE_EQ(s.by_loss[0].mean_loss, 0.75);
  EXPECT_NEAR(s.by_loss[0].mean_entropy, (mean[0] + mean[2]) / 2, 1e-15);
  EXPECT_DOUBLE_EQ(s.by_loss[1].mean_loss, 3.0);
  EXPECT_NEAR(s.by_loss[1].mean_entropy, (mean[1] + mean[3]) / 2, 1e-15);

  EXPECT_EQ(s.token_entropy.count, 4u);
  EXPECT_NEAR(s.token_entropy.mean, s.mean_entropy, 1e-15);
  EXPECT_NEAR(s.token_entropy.max, *std::max_element(mean.begin(), mean.end()), 1e-15);

  // Spans {0, 1} and {2, 3}.
  EXPECT_EQ(s.span_entropy.count, 2u);
  EXPECT_NEAR(s.span_entropy.min, std::min(mean[0] + mean[1], mean[2] + mean[3]) / 2, 1e-15);
  EXPECT_NEAR(s.span_entropy.mean, s.mean_entropy, 1e-15);  // equal spans: the same mean

  // More bins than predictions: one per prediction. No spans given: no span figures.
  t.span_first.clear();
  const RouterStats fine = atome::router_stats(t, 10);
  EXPECT_EQ(fine.by_loss.size(), 4u);
  EXPECT_EQ(fine.span_entropy.count, 0u);
}

TEST(RouterStats, EmptyTraceIsAllUndefined) {
  RouterTrace t;
  t.pathways = ATOME_PATH_ALL;
  t.n_layers = 1;
  t.n_paths = 3;
  const RouterStats s = atome::router_stats(t);
  EXPECT_EQ(s.predictions, 0u);
  EXPECT_TRUE(std::isnan(s.mean_entropy));
  EXPECT_TRUE(std::isnan(s.pearson));
  EXPECT_TRUE(std::isnan(s.layers.at(0).mean_entropy));
  EXPECT_TRUE(s.by_loss.empty());
}

}  // namespace
}  // namespace atome::test
