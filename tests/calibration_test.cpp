// Calibration and selective-classification metrics (train/calibration.h) on hand-made inputs
// whose answers are worked out in the comments.
#include "train/calibration.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace atome::train {
namespace {

std::vector<ScoredExample> scored(const std::vector<double>& conf, const std::vector<int>& ok) {
  std::vector<ScoredExample> s;
  for (size_t i = 0; i < conf.size(); ++i) s.push_back({0, conf[i], ok[i] != 0});
  return s;
}

TEST(Calibration, EceOfTwoBins) {
  // Bin of 0.9: accuracy 1/2, confidence 0.9; bin of 0.6: accuracy 1, confidence 0.6.
  // ECE = 2/4 * 0.4 + 2/4 * 0.4 = 0.4.
  EXPECT_NEAR(expected_calibration_error(scored({0.9, 0.9, 0.6, 0.6}, {1, 0, 1, 1})), 0.4, 1e-12);
  // Perfectly calibrated: confidence 0.5 and half right.
  EXPECT_NEAR(expected_calibration_error(scored({0.5, 0.5}, {1, 0})), 0.0, 1e-12);
  // Bin edges: 1/15 belongs to the first bin (0, 1/15], 1.0 to the last.
  EXPECT_NEAR(expected_calibration_error(scored({1.0 / 15, 1.0}, {0, 1})), 0.5 / 15, 1e-12);
}

TEST(Calibration, AurcAndTheCurve) {
  // By confidence: right, wrong, right, right. Risks of the top k: 0, 1/2, 1/3, 1/4.
  const auto s = scored({0.6, 0.8, 0.9, 0.7}, {1, 0, 1, 1});
  EXPECT_NEAR(aurc(s), (0.0 + 0.5 + 1.0 / 3 + 0.25) / 4, 1e-12);
  const auto curve = risk_coverage_curve(s);
  ASSERT_EQ(curve.size(), 4u);
  EXPECT_DOUBLE_EQ(curve[0].threshold, 0.9);
  EXPECT_DOUBLE_EQ(curve[1].coverage, 0.5);
  EXPECT_DOUBLE_EQ(curve[1].risk, 0.5);
  EXPECT_DOUBLE_EQ(coverage_at_risk(curve, 0.01), 0.25);
  EXPECT_DOUBLE_EQ(coverage_at_risk(curve, 0.34), 1.0);  // 1/4 at full coverage
  EXPECT_DOUBLE_EQ(coverage_at_risk(curve, 0.2), 0.25);
  // The lowest threshold with risk <= target, even past a point above it (1/2 at 0.8).
  const ThresholdChoice c = choose_threshold(curve, 0.34);
  EXPECT_TRUE(c.found);
  EXPECT_DOUBLE_EQ(c.threshold, 0.6);
  EXPECT_DOUBLE_EQ(choose_threshold(curve, 0.2).threshold, 0.9);
  EXPECT_DOUBLE_EQ(choose_threshold(curve, 0.0).threshold, 0.9);
  const RiskCoveragePoint at = selective_at(s, 0.7);
  EXPECT_DOUBLE_EQ(at.coverage, 0.75);
  EXPECT_DOUBLE_EQ(at.risk, 1.0 / 3);
}

TEST(Calibration, TiesEnterTogether) {
  // 0.9 twice (one wrong) then 0.5: both tied examples take risk 1/2, then 1/3.
  const auto s = scored({0.9, 0.9, 0.5}, {1, 0, 1});
  EXPECT_NEAR(aurc(s), (0.5 + 0.5 + 1.0 / 3) / 3, 1e-12);
  EXPECT_EQ(risk_coverage_curve(s).size(), 2u);
  // The order of equal confidences does not matter.
  EXPECT_DOUBLE_EQ(aurc(s), aurc(scored({0.9, 0.9, 0.5}, {0, 1, 1})));
}

TEST(Calibration, NoThresholdReachesTheTarget) {
  const auto curve = risk_coverage_curve(scored({0.9, 0.8}, {0, 1}));
  const ThresholdChoice c = choose_threshold(curve, 0.01);
  EXPECT_FALSE(c.found);
  EXPECT_DOUBLE_EQ(c.threshold, 1.0);
}

// Clopper-Pearson upper bounds with closed forms or textbook values: 0 errors in n gives
// 1 - (1 - c)^(1/n); 1 in 10 at 95% is 0.3942 (P(X <= 1) = 0.05 there).
TEST(Calibration, RiskUpperBoundIsClopperPearson) {
  EXPECT_NEAR(risk_upper_bound(0, 100, 0.95), 1.0 - std::pow(0.05, 0.01), 1e-9);
  EXPECT_NEAR(risk_upper_bound(0, 300, 0.9), 1.0 - std::pow(0.1, 1.0 / 300), 1e-9);
  EXPECT_NEAR(risk_upper_bound(1, 10, 0.95), 0.3942, 1e-4);
  EXPECT_DOUBLE_EQ(risk_upper_bound(0, 0, 0.95), 1.0);
  EXPECT_GT(risk_upper_bound(5, 100, 0.95), 0.05);  // above the observed rate
}

// With a confidence, the threshold must keep the risk's upper bound under the target. 400
// examples, errors at ranks 301 and 400: the empirical rule at 1% takes all 400 (risk 0.5%);
// the bound at 90% (1 error needs n >= 389, 2 errors n >= 532) stops at 399.
TEST(Calibration, BoundedThresholdIsMoreCautiousThanTheEmpiricalOne) {
  std::vector<double> conf;
  std::vector<int> right;
  for (int i = 0; i < 400; ++i) {
    conf.push_back(1.0 - i / 1000.0);
    right.push_back(i == 300 || i == 399 ? 0 : 1);  // errors at ranks 301 and 400
  }
  const auto curve = risk_coverage_curve(scored(conf, right));
  const ThresholdChoice empirical = choose_threshold(curve, 0.01);
  const ThresholdChoice bounded = choose_threshold(curve, 0.01, 0.9);
  ASSERT_TRUE(empirical.found);
  ASSERT_TRUE(bounded.found);
  EXPECT_DOUBLE_EQ(empirical.threshold, conf[399]);  // 2 / 400 = 0.5%
  EXPECT_GT(bounded.threshold, empirical.threshold);
  // Where it stopped the bound holds; one step further (the last point) it does not.
  const RiskCoveragePoint& at = curve[curve.size() - 2];
  EXPECT_DOUBLE_EQ(bounded.threshold, at.threshold);
  EXPECT_EQ(at.accepted, 399u);
  EXPECT_LE(risk_upper_bound(at.errors, at.accepted, 0.9), 0.01);
  EXPECT_GT(risk_upper_bound(curve.back().errors, curve.back().accepted, 0.9), 0.01);
}

// Leave-group-out: 400 confident right answers from group 0, and 200 answers at the same
// confidence from groups 1..4 with 3 errors. Over all 600 the 90% bound is 1.1% (under a 2%
// target), so the pooled rule answers them; without group 0 it is 3/200 -> 3.3%, so the threshold
// rests on one easy group and the rule refuses it. Below them, 100 less confident answers spread
// over the groups, all right, change neither.
TEST(Calibration, LeaveGroupOutRefusesAThresholdThatRestsOnOneGroup) {
  std::vector<double> conf;
  std::vector<int> right;
  std::vector<int64_t> group;
  for (int i = 0; i < 400; ++i) conf.push_back(0.99), right.push_back(1), group.push_back(0);
  for (int i = 0; i < 200; ++i)
    conf.push_back(0.99), right.push_back(i >= 3), group.push_back(1 + i % 4);
  for (int i = 0; i < 100; ++i) conf.push_back(0.5), right.push_back(1), group.push_back(i % 5);
  const std::vector<ScoredExample> s = scored(conf, right);
  const ThresholdChoice pooled = choose_threshold(risk_coverage_curve(s), 0.02, 0.9);
  ASSERT_TRUE(pooled.found);
  EXPECT_DOUBLE_EQ(pooled.threshold, 0.5);  // 3 / 700: bound 1.0%
  EXPECT_FALSE(choose_threshold_leave_group_out(s, group, 0.02, 0.9).found);
  // Spread the easy answers over every group and the rule agrees with the pooled one.
  for (int i = 0; i < 400; ++i) group[i] = i % 5;
  const ThresholdChoice spread = choose_threshold_leave_group_out(s, group, 0.02, 0.9);
  ASSERT_TRUE(spread.found);
  EXPECT_DOUBLE_EQ(spread.threshold, 0.5);
  EXPECT_THROW(choose_threshold_leave_group_out(s, {0, 1}, 0.02, 0.9), std::invalid_argument);
}

// Against brute force on made-up predictions: the lowest distinct confidence at which the bound
// over all accepted AND over each group's complement is <= the target; never below the pooled
// threshold.
TEST(Calibration, LeaveGroupOutIsTheLowestThresholdWhoseEveryBoundHolds) {
  uint64_t state = 12345;
  const auto next = [&state] {  // splitmix64: a fixed stream
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  };
  for (int trial = 0; trial < 6; ++trial) {
    std::vector<double> conf;
    std::vector<int> right;
    std::vector<int64_t> group;
    for (int i = 0; i < 600; ++i) {
      const double c = std::round(next() * 100.0) / 100.0;  // many ties
      conf.push_back(c);
      right.push_back(next() >= 0.08 * (1.0 - c) ? 1 : 0);
      group.push_back(static_cast<int64_t>(next() * 6) * 7);  // ids 0, 7, .., 35
    }
    const std::vector<ScoredExample> s = scored(conf, right);
    for (double target : {0.01, 0.03}) {
      double want = 1.0;
      bool found = false;
      for (double t = 1.0; t >= 0.0; t -= 0.01) {
        const double tt = std::round(t * 100.0) / 100.0;
        size_t n = 0, k = 0, ng[6] = {}, kg[6] = {};
        if (std::find(conf.begin(), conf.end(), tt) == conf.end()) continue;  // not a point
        for (size_t i = 0; i < s.size(); ++i) {
          if (s[i].conf < tt) continue;
          ++n;
          k += !s[i].correct;
          ++ng[group[i] / 7];
          kg[group[i] / 7] += !s[i].correct;
        }
        double b = risk_upper_bound(k, n, 0.9);
        for (int g = 0; g < 6; ++g) b = std::max(b, risk_upper_bound(k - kg[g], n - ng[g], 0.9));
        if (b <= target) want = tt, found = true;
      }
      const ThresholdChoice got = choose_threshold_leave_group_out(s, group, target, 0.9);
      EXPECT_EQ(got.found, found) << "trial " << trial << " target " << target;
      if (found) {
        EXPECT_DOUBLE_EQ(got.threshold, want) << "trial " << trial;
      }
      const ThresholdChoice pooled = choose_threshold(risk_coverage_curve(s), target, 0.9);
      EXPECT_GE(got.threshold, pooled.threshold) << "trial " << trial;
    }
  }
}

TEST(Calibration, TemperatureOfAKnownOptimum) {
  // Logits (2, 0) five times, four labelled 0: the NLL is least where sigmoid(2 / T) = 4/5,
  // T = 2 / ln 4.
  std::vector<float> logits;
  for (int i = 0; i < 5; ++i) {
    logits.push_back(2.0f);
    logits.push_back(0.0f);
  }
  const std::vector<uint32_t> labels = {0, 0, 0, 0, 1};
  const double t = fit_temperature(logits, labels, 2);
  EXPECT_NEAR(t, 2.0 / std::log(4.0), 1e-4);
  // Scaling the logits scales the temperature.
  for (float& z : logits) z *= 3.0f;
  EXPECT_NEAR(fit_temperature(logits, labels, 2), 6.0 / std::log(4.0), 3e-4);
  EXPECT_NEAR(mean_nll({0.0f, 0.0f}, {0}, 2, 1.0), std::log(2.0), 1e-12);
  // No error: nothing to calibrate against (the NLL would fall to the bound), T = 1.
  EXPECT_EQ(fit_temperature({3.0f, 0.0f, 0.0f, 2.0f}, {0, 1}, 2), 1.0);
}

// Leave-group-out temperature: group 0's 40 answers are right and confident, group 1's 40 carry
// 10 confident errors. Without group 1 nothing is wrong (fit_temperature's T = 1); without group
// 0 the fit is group 1's alone, which its errors push above the pooled fit: the largest is that.
TEST(Calibration, LeaveGroupOutTemperatureIsTheLargestFitWithAGroupLeftOut) {
  std::vector<float> logits, g1_logits;
  std::vector<uint32_t> labels, g1_labels;
  std::vector<int64_t> group;
  for (int i = 0; i < 80; ++i) {
    const bool g1 = i >= 40, wrong = g1 && i % 4 == 0;
    const float z[2] = {3.0f + 0.05f * static_cast<float>(i % 7), 0.0f};
    logits.insert(logits.end(), z, z + 2);
    labels.push_back(wrong ? 1u : 0u);
    group.push_back(g1 ? 7 : 3);
    if (g1) {
      g1_logits.insert(g1_logits.end(), z, z + 2);
      g1_labels.push_back(labels.back());
    }
  }
  const double pooled = fit_temperature(logits, labels, 2);
  const double alone = fit_temperature(g1_logits, g1_labels, 2);
  EXPECT_GT(alone, pooled * 1.2);  // group 1 alone is the less confident fit
  EXPECT_DOUBLE_EQ(fit_temperature_leave_group_out(logits, labels, 2, group), alone);
  EXPECT_THROW(fit_temperature_leave_group_out(logits, labels, 2, std::vector<int64_t>(80, 3)),
               std::invalid_argument);
  EXPECT_THROW(fit_temperature_leave_group_out(logits, labels, 2, {3, 7}), std::invalid_argument);
}

TEST(Calibration, AccuracyMacroF1AndConfusion) {
  // labels 0 0 1 1 2, predictions 0 1 1 1 0: F1 0.5 (class 0), 0.8 (class 1), 0 (class 2).
  std::vector<float> logits;
  for (uint32_t pred : {0u, 1u, 1u, 1u, 0u}) {
    std::vector<float> z(3, 0.0f);
    z[pred] = 1.0f;
    logits.insert(logits.end(), z.begin(), z.end());
  }
  const std::vector<uint32_t> labels = {0, 0, 1, 1, 2};
  const auto s = score_examples(logits, labels, 3, 1.0);
  EXPECT_DOUBLE_EQ(accuracy(s), 0.6);
  EXPECT_NEAR(macro_f1(s, labels, 3), (0.5 + 0.8 + 0.0) / 3, 1e-12);
  const auto m = confusion_matrix(s, labels, 3);
  EXPECT_EQ(m[0][1], 1u);
  EXPECT_EQ(m[2][0], 1u);
  EXPECT_EQ(m[1][1], 2u);
  // Confidence is softmax(z / T)[argmax]: e / (e + 2) at T = 1.
  EXPECT_NEAR(s[0].conf, std::exp(1.0) / (std::exp(1.0) + 2.0), 1e-12);
}

}  // namespace
}  // namespace atome::train
