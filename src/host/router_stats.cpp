// See router_stats.h.
#include "host/router_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace atome {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

bool is_constant(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Indices of v in ascending order of value; equal values keep their index order.
std::vector<size_t> ascending_order(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  return order;
}

}  // namespace

Distribution distribution_of(std::vector<double> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) {
    d.mean = d.sd = d.min = d.p05 = d.median = d.p95 = d.max = kNaN;
    return d;
  }
  d.mean = mean_of(values);
  double ss = 0;
  for (double v : values) ss += (v - d.mean) * (v - d.mean);
  d.sd = std::sqrt(ss / static_cast<double>(values.size()));
  std::sort(values.begin(), values.end());
  const auto quantile = [&](double q) {
    const double at = q * static_cast<double>(values.size() - 1);
    const size_t lo = static_cast<size_t>(at);
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  d.min = values.front();
  d.p05 = quantile(0.05);
  d.median = quantile(0.5);
  d.p95 = quantile(0.95);
  d.max = values.back();
  return d;
}

double mixture_entropy(const float* r, uint32_t n) {
  double h = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const double p = r[i];
    if (p > 0) h -= p * std::log(p);
  }
  return std::clamp(h, 0.0, std::log(static_cast<double>(n)));
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("pearson: samples of different sizes");
  // Constancy is tested on the values themselves: the mean of equal values need not equal them
  // in floating point, which would leave rounding noise to correlate.
  if (x.size() < 2 || !all_finite(x) || !all_finite(y) || is_constant(x) || is_constant(y))
    return kNaN;
  // Two passes (means, then centred sums): no cancellation from large means.
  const double mx = mean_of(x), my = mean_of(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

std::vector<double> average_ranks(const std::vector<double>& x) {
  const std::vector<size_t> order = ascending_order(x);
  std::vector<double> ranks(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && x[order[j]] == x[order[i]]) ++j;
    // Positions i..j-1 hold ranks i+1..j; their mean is the tie's shared rank.
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("spearman: samples of different sizes");
  if (!all_finite(x) || !all_finite(y)) return kNaN;  // ranks would hide the bad value
  return pearson(average_ranks(x), average_ranks(y));
}

RouterStats router_stats(const RouterTrace& trace, size_t loss_bins) {
  const size_t n = trace.size();
  const uint32_t L = trace.n_layers, P = trace.n_paths;
  RouterStats s;
  s.predictions = n;
  s.max_entropy = std::log(static_cast<double>(P));
  s.mean_loss = mean_of(trace.loss);

  // Entropy of every layer at every prediction, and their mean over layers.
  std::vector<std::vector<double>> entropy(L, std::vector<double>(n));
  std::vector<double> mean_entropy(n, 0.0);
  for (size_t t = 0; t < n; ++t) {
    for (uint32_t l = 0; l < L; ++l) {
      entropy[l][t] = mixture_entropy(trace.mixture_of(t, l), P);
      mean_entropy[t] += entropy[l][t];
    }
    mean_entropy[t] /= L;
  }
  s.mean_entropy = mean_of(mean_entropy);
  s.pearson = pearson(mean_entropy, trace.loss);
  s.spearman = spearman(mean_entropy, trace.loss);

  for (uint32_t l = 0; l < L; ++l) {
    LayerRouterStats layer;
    layer.mean_entropy = mean_of(entropy[l]);
    layer.mean_mixture.assign(P, n == 0 ? kNaN : 0.0);
    for (size_t t = 0; t < n; ++t) {
      const float* r = trace.mixture_of(t, l);
      for (uint32_t p = 0; p < P; ++p) layer.mean_mixture[p] += r[p];
    }
    if (n > 0) {
      for (double& m : layer.mean_mixture) m /= static_cast<double>(n);
    }
    layer.pearson = pearson(entropy[l], trace.loss);
    layer.spearman = spearman(entropy[l], trace.loss);
    s.layers.push_back(std::move(layer));
  }

  const std::vector<size_t> by_loss = ascending_order(trace.loss);
  const size_t bins = std::min(loss_bins, n);
  for (size_t b = 0; b < bins; ++b) {
    LossBin bin;
    const size_t first = b * n / bins, last = (b + 1) * n / bins;
    for (size_t i = first; i < last; ++i) {
      bin.mean_loss += trace.loss[by_loss[i]];
      bin.mean_entropy += mean_entropy[by_loss[i]];
    }
    bin.count = last - first;
    bin.mean_loss /= static_cast<double>(bin.count);
    bin.mean_entropy /= static_cast<double>(bin.count);
    s.by_loss.push_back(bin);
  }

  std::vector<double> span_means;
  for (size_t i = 0; i < trace.span_first.size(); ++i) {
    const size_t first = trace.span_first[i];
    const size_t last = i + 1 < trace.span_first.size() ? trace.span_first[i + 1] : n;
    if (last <= first) continue;  // a span without predictions has no mean
    double sum = 0;
    for (size_t t = first; t < last; ++t) sum += mean_entropy[t];
    span_means.push_back(sum / static_cast<double>(last - first));
  }
  s.span_entropy = distribution_of(std::move(span_means));
  s.token_entropy = distribution_of(std::move(mean_entropy));
  return s;
}

}  // namespace atome
