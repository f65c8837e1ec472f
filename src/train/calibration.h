// Calibration and selective classification for the classifier trainer (issue 14, item 4): pure
// functions of logits and labels, so that each has a unit test with a known answer.
//
// - Temperature scaling: the T > 0 that minimises the mean NLL of softmax(z / T) on the
//   validation split (a 1-D minimisation: golden-section search on log T).
// - Confidence: the calibrated max probability p = softmax(z / T)[argmax z], as
//   host/classify.h's decide() computes it (and as `atome classify` reports it).
// - Risk-coverage: accept the examples with confidence >= t. Sorting by confidence, from the
//   highest, every distinct confidence ends a point (coverage = accepted / n, selective risk =
//   errors among the accepted / accepted). Ties enter together, so nothing depends on the order
//   of equal confidences.
// - AURC: the mean over k = 1..n of the selective risk of the k most confident examples (each
//   member of a tie group takes its group's risk): the area under the risk-coverage curve.
// - ECE: 15 equal-width bins of confidence on [0, 1] (bin b holds (b/15, (b+1)/15], the first
//   also 0): sum over bins of (bin size / n) * |accuracy - mean confidence|.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace atome::train {

// One example's decision under a temperature: the predicted class and its calibrated
// probability, and whether the prediction is right.
struct ScoredExample {
  uint32_t pred = 0;
  double conf = 0.0;
  bool correct = false;
};

// logits (n, C) row-major; labels (n). Uses decide() (host/classify.h) for the numbers.
std::vector<ScoredExample> score_examples(const std::vector<float>& logits,
                                          const std::vector<uint32_t>& labels, uint32_t C,
                                          double temperature);

// Mean negative log-likelihood of the labels under softmax(logits / temperature), in nats.
double mean_nll(const std::vector<float>& logits, const std::vector<uint32_t>& labels, uint32_t C,
                double temperature);
// argmin over T in [0.05, 20] of mean_nll, by golden-section search on log T (NLL is convex in
// 1/T, so unimodal in log T); to within a relative 1e-6 of T. 1 when every argmax is right (no
// error, no information: the NLL would only fall towards T -> 0).
double fit_temperature(const std::vector<float>& logits, const std::vector<uint32_t>& labels,
                       uint32_t C);

// The largest of the G temperatures fit_temperature gives with one validation group left out
// (group[i]: example i's group; at least 2 groups). A T that would still be reached without any
// one group, on the cautious side, since the test groups may be harder than the validation ones
// (docs/CLASSIFIER_TRAINING.md, "Temperature on new groups").
double fit_temperature_leave_group_out(const std::vector<float>& logits,
                                       const std::vector<uint32_t>& labels, uint32_t C,
                                       const std::vector<int64_t>& group);

double accuracy(const std::vector<ScoredExample>& s);
// Mean over the classes that occur among the labels or the predictions of F1 = 2PR / (P + R)
// (0 when a class is never right).
double macro_f1(const std::vector<ScoredExample>& s, const std::vector<uint32_t>& labels,
                uint32_t C);
// confusion[label][pred], counts.
std::vector<std::vector<uint32_t>> confusion_matrix(const std::vector<ScoredExample>& s,
                                                    const std::vector<uint32_t>& labels,
                                                    uint32_t C);
double expected_calibration_error(const std::vector<ScoredExample>& s, int bins = 15);

struct RiskCoveragePoint {
  double threshold = 0.0;  // accept confidence >= threshold
  double coverage = 0.0;
  double risk = 0.0;
  size_t accepted = 0, errors = 0;  // the counts behind coverage and risk
};
// From the highest confidence down, one point per distinct confidence (see above).
std::vector<RiskCoveragePoint> risk_coverage_curve(const std::vector<ScoredExample>& s);
double aurc(const std::vector<ScoredExample>& s);
// The largest coverage whose selective risk is <= max_risk (0 when no point reaches it).
double coverage_at_risk(const std::vector<RiskCoveragePoint>& curve, double max_risk);

// The one-sided Clopper-Pearson upper bound on an error rate seen as `errors` in `n` trials: the
// largest p with P(Binomial(n, p) <= errors) >= 1 - confidence (bisection; 1 when n = 0).
double risk_upper_bound(size_t errors, size_t n, double confidence);

// The abstention threshold for a target risk: the LOWEST threshold (so the largest coverage) of
// the curve whose selective risk is <= target — with confidence > 0, whose risk's upper bound at
// that confidence is (a threshold that holds on new data with that probability, at the price of
// coverage: the empirical rule fitted to one validation split overshoots on held-out groups).
// `found` is false when no threshold reaches the target; the threshold is then 1 (the head
// abstains unless it is certain).
struct ThresholdChoice {
  double threshold = 1.0;
  bool found = false;
};
ThresholdChoice choose_threshold(const std::vector<RiskCoveragePoint>& curve, double target_risk,
                                 double confidence = 0.0);

// The same threshold rule with the group (site, subject, device) as the unit that varies: a
// threshold must keep the bound <= target_risk over the whole validation split AND with each
// validation group left out in turn (the largest of the G + 1 bounds counts), so that it does not
// rest on one easy group. group[i] is example i's group. Chosen on development data for new
// groups (docs/CLASSIFIER_TRAINING.md, "Abstention on new groups"): at a 1 % target the pooled
// bound overshot on the test groups. Never a lower threshold than choose_threshold's.
ThresholdChoice choose_threshold_leave_group_out(const std::vector<ScoredExample>& s,
                                                 const std::vector<int64_t>& group,
                                                 double target_risk, double confidence);

// Coverage and selective risk when accepting conf >= threshold (risk 0 when nothing is accepted).
RiskCoveragePoint selective_at(const std::vector<ScoredExample>& s, double threshold);

}  // namespace atome::train
