// Calibration and selective classification (see calibration.h).
#include "train/calibration.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "host/classify.h"

namespace atome::train {

std::vector<ScoredExample> score_examples(const std::vector<float>& logits,
                                          const std::vector<uint32_t>& labels, uint32_t C,
                                          double temperature) {
  std::vector<ScoredExample> out(labels.size());
  Calibration cal;
  cal.temperature = temperature;
  for (size_t i = 0; i < labels.size(); ++i) {
    const Classification r =
        decide(std::vector<float>(logits.begin() + i * C, logits.begin() + (i + 1) * C), cal);
    out[i] = {r.cls, r.p, r.cls == labels[i]};
  }
  return out;
}

double mean_nll(const std::vector<float>& logits, const std::vector<uint32_t>& labels, uint32_t C,
                double temperature) {
  if (labels.empty()) return 0.0;
  double total = 0.0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const float* z = logits.data() + i * C;
    const double max = *std::max_element(z, z + C) / temperature;
    double sum = 0.0;
    for (uint32_t k = 0; k < C; ++k) sum += std::exp(z[k] / temperature - max);
    total += std::log(sum) + max - z[labels[i]] / temperature;  // log-sum-exp - z_y / T
  }
  return total / static_cast<double>(labels.size());
}

double fit_temperature(const std::vector<float>& logits, const std::vector<uint32_t>& labels,
                       uint32_t C) {
  bool any_error = false;
  for (size_t i = 0; i < labels.size(); ++i) {
    const float* z = logits.data() + i * C;
    any_error = any_error || static_cast<uint32_t>(std::max_element(z, z + C) - z) != labels[i];
  }
  // Without an error the NLL falls all the way to T -> 0: the split says nothing about how
  // confident to be, and the bound would make every answer certain.
  if (!any_error) return 1.0;
  double lo = std::log(0.05), hi = std::log(20.0);
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  auto f = [&](double log_t) { return mean_nll(logits, labels, C, std::exp(log_t)); };
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  double fa = f(a), fb = f(b);
  while (hi - lo > 1e-6) {
    if (fa <= fb) {  // the minimum lies in [lo, b]
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  return std::exp((lo + hi) / 2.0);
}

// The distinct group ids, ascending.
static std::vector<int64_t> distinct_groups(const std::vector<int64_t>& group) {
  std::vector<int64_t> ids(group);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

double fit_temperature_leave_group_out(const std::vector<float>& logits,
                                       const std::vector<uint32_t>& labels, uint32_t C,
                                       const std::vector<int64_t>& group) {
  if (group.size() != labels.size() || logits.size() != labels.size() * C)
    throw std::invalid_argument("one group and C logits per example");
  const std::vector<int64_t> ids = distinct_groups(group);
  if (ids.size() < 2) throw std::invalid_argument("leave-group-out needs at least 2 groups");
  double largest = 0.0;
  for (int64_t left_out : ids) {
    std::vector<float> rest_logits;
    std::vector<uint32_t> rest_labels;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (group[i] == left_out) continue;
      rest_logits.insert(rest_logits.end(), logits.begin() + i * C, logits.begin() + (i + 1) * C);
      rest_labels.push_back(labels[i]);
    }
    largest = std::max(largest, fit_temperature(rest_logits, rest_labels, C));
  }
  return largest;
}

double accuracy(const std::vector<ScoredExample>& s) {
  if (s.empty()) return 0.0;
  size_t right = 0;
  for (const ScoredExample& e : s) right += e.correct;
  return static_cast<double>(right) / static_cast<double>(s.size());
}

std::vector<std::vector<uint32_t>> confusion_matrix(const std::vector<ScoredExample>& s,
                                                    const std::vector<uint32_t>& labels,
                                                    uint32_t C) {
  std::vector<std::vector<uint32_t>> m(C, std::vector<uint32_t>(C, 0));
  for (size_t i = 0; i < s.size(); ++i) ++m[labels[i]][s[i].pred];
  return m;
}

double macro_f1(const std::vector<ScoredExample>& s, const std::vector<uint32_t>& labels,
                uint32_t C) {
  const auto m = confusion_matrix(s, labels, C);
  double total = 0.0;
  int classes = 0;
  for (uint32_t k = 0; k < C; ++k) {
    uint32_t support = 0, predicted = 0;
    for (uint32_t j = 0; j < C; ++j) {
      support += m[k][j];
      predicted += m[j][k];
    }
    if (support == 0 && predicted == 0) continue;  // absent from this split: no F1 to take
    ++classes;
    const double tp = m[k][k];
    if (tp > 0) total += 2.0 * tp / (support + predicted);  // = 2PR / (P + R)
  }
  return classes ? total / classes : 0.0;
}

double expected_calibration_error(const std::vector<ScoredExample>& s, int bins) {
  if (s.empty()) return 0.0;
  std::vector<double> conf(bins, 0.0), right(bins, 0.0), count(bins, 0.0);
  for (const ScoredExample& e : s) {
    // (b/B, (b+1)/B]: ceil(conf * B) - 1, with 0 in the first bin.
    int b = static_cast<int>(std::ceil(e.conf * bins)) - 1;
    b = std::clamp(b, 0, bins - 1);
    conf[b] += e.conf;
    right[b] += e.correct;
    count[b] += 1.0;
  }
  double ece = 0.0;
  for (int b = 0; b < bins; ++b) {
    if (count[b] > 0) ece += std::fabs(right[b] - conf[b]) / static_cast<double>(s.size());
  }
  return ece;  // sum (n_b / n) |acc_b - conf_b| = sum |right_b - conf_sum_b| / n
}

namespace {
// Indices by confidence, highest first (index order among equals: only for determinism).
std::vector<size_t> by_confidence(const std::vector<ScoredExample>& s) {
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return s[a].conf > s[b].conf; });
  return order;
}
}  // namespace

std::vector<RiskCoveragePoint> risk_coverage_curve(const std::vector<ScoredExample>& s) {
  std::vector<RiskCoveragePoint> curve;
  const std::vector<size_t> order = by_confidence(s);
  size_t errors = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    errors += !s[order[k]].correct;
    const bool group_ends = k + 1 == order.size() || s[order[k + 1]].conf != s[order[k]].conf;
    if (!group_ends) continue;
    const double accepted = static_cast<double>(k + 1);
    curve.push_back({s[order[k]].conf, accepted / static_cast<double>(s.size()),
                     static_cast<double>(errors) / accepted, k + 1, errors});
  }
  return curve;
}

double aurc(const std::vector<ScoredExample>& s) {
  if (s.empty()) return 0.0;
  const std::vector<RiskCoveragePoint> curve = risk_coverage_curve(s);
  double total = 0.0, before = 0.0;
  for (const RiskCoveragePoint& p : curve) {  // each member of a group takes the group's risk
    total += p.risk * (p.coverage - before);
    before = p.coverage;
  }
  return total;
}

double coverage_at_risk(const std::vector<RiskCoveragePoint>& curve, double max_risk) {
  double best = 0.0;
  for (const RiskCoveragePoint& p : curve) {
    if (p.risk <= max_risk) best = std::max(best, p.coverage);
  }
  return best;
}

// P(Binomial(n, p) <= k), summed in log space (n is a split's size: thousands at most).
static double binomial_cdf(size_t k, size_t n, double p) {
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return k >= n ? 1.0 : 0.0;
  const double lp = std::log(p), lq = std::log1p(-p);
  double total = 0.0;
  for (size_t i = 0; i <= k && i <= n; ++i)
    total += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                      static_cast<double>(i) * lp + static_cast<double>(n - i) * lq);
  return total;
}

double risk_upper_bound(size_t errors, size_t n, double confidence) {
  if (n == 0 || errors >= n) return 1.0;
  double lo = static_cast<double>(errors) / static_cast<double>(n), hi = 1.0;
  for (int i = 0; i < 100; ++i) {  // the CDF falls as p rises
    const double mid = 0.5 * (lo + hi);
    (binomial_cdf(errors, n, mid) >= 1.0 - confidence ? lo : hi) = mid;
  }
  return lo;
}

// What a threshold rule compares with the target: the upper bound at `confidence`, or at 0 the
// observed risk (1 for an empty set, as the bound is).
static double risk_bound(size_t errors, size_t n, double confidence) {
  if (confidence > 0.0) return risk_upper_bound(errors, n, confidence);
  return n ? static_cast<double>(errors) / static_cast<double>(n) : 1.0;
}

ThresholdChoice choose_threshold(const std::vector<RiskCoveragePoint>& curve, double target_risk,
                                 double confidence) {
  ThresholdChoice c;
  for (const RiskCoveragePoint& p : curve) {  // thresholds decrease along the curve
    if (risk_bound(p.errors, p.accepted, confidence) <= target_risk) {
      c.threshold = p.threshold;
      c.found = true;
    }
  }
  return c;
}

ThresholdChoice choose_threshold_leave_group_out(const std::vector<ScoredExample>& s,
                                                 const std::vector<int64_t>& group,
                                                 double target_risk, double confidence) {
  if (group.size() != s.size()) throw std::invalid_argument("one group per example");
  const std::vector<int64_t> ids = distinct_groups(group);
  const std::vector<size_t> order = by_confidence(s);
  // Per group (index into ids): accepted and errors so far.
  std::vector<size_t> group_accepted(ids.size(), 0), group_errors(ids.size(), 0);
  size_t accepted = 0, errors = 0;
  ThresholdChoice c;
  for (size_t i = 0; i < order.size();) {
    const double t = s[order[i]].conf;
    for (; i < order.size() && s[order[i]].conf == t; ++i) {  // ties enter together
      const size_t g = static_cast<size_t>(
          std::lower_bound(ids.begin(), ids.end(), group[order[i]]) - ids.begin());
      const bool wrong = !s[order[i]].correct;
      ++accepted;
      ++group_accepted[g];
      errors += wrong;
      group_errors[g] += wrong;
    }
    // An empty rest (every answer in the group left out) bounds at 1: such a threshold rests on
    // that one group.
    double bound = risk_bound(errors, accepted, confidence);
    for (size_t g = 0; g < ids.size() && bound <= target_risk; ++g)
      bound = std::max(
          bound, risk_bound(errors - group_errors[g], accepted - group_accepted[g], confidence));
    if (bound <= target_risk) {
      c.threshold = t;
      c.found = true;
    }
  }
  return c;
}

RiskCoveragePoint selective_at(const std::vector<ScoredExample>& s, double threshold) {
  RiskCoveragePoint r;
  r.threshold = threshold;
  size_t accepted = 0, errors = 0;
  for (const ScoredExample& e : s) {
    if (e.conf < threshold) continue;
    ++accepted;
    errors += !e.correct;
  }
  if (!s.empty()) r.coverage = static_cast<double>(accepted) / static_cast<double>(s.size());
  if (accepted) r.risk = static_cast<double>(errors) / static_cast<double>(accepted);
  return r;
}

}  // namespace atome::train
