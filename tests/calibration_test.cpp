// Calibration and selective-classification metrics (train/calibration.h) on hand-made inputs
// whose answers are worked out in the comments.
#include "train/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
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
