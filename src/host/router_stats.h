// What the router did over many predictions, and how it relates to the loss: the data behind
// the question "does router entropy track per-token loss or out-of-domain input?"
// (`atome eval --router-stats` / `--per-token`, docs/RESULTS.md §9).
//
// Each layer mixes its pathways per token with r = softmax(router(h)) (n_paths weights in the
// order conv, ssm, attn, only those present); its entropy H(r) = -sum_i r_i ln r_i is 0 when the
// layer picks one pathway and ln n_paths when it weighs all equally. This file holds the trace
// (one loss and L mixtures per prediction), the entropy, Pearson and Spearman correlation, and
// the summary of a trace. Pure functions of their inputs; no engine, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/model_config.h"  // pathway_names

namespace atome {

// One record per prediction, in the order predictions were made (span by span).
struct RouterTrace {
  uint32_t pathways = 0;  // ATOME_PATH_* mask of the model: which r columns exist
  uint32_t n_layers = 0;
  uint32_t n_paths = 0;
  std::vector<double> loss;        // (predictions)  -ln softmax(logits)[target], nats
  std::vector<float> mixture;      // (predictions, n_layers, n_paths)  r of the step that predicted
  std::vector<size_t> span_first;  // (spans) index of each span's first prediction; may be empty

  size_t size() const { return loss.size(); }
  const float* mixture_of(size_t prediction, uint32_t layer) const {
    return mixture.data() + (prediction * n_layers + layer) * n_paths;
  }
};

// H(r) in nats for a mixture of n weights; a weight <= 0 adds nothing (0 ln 0 = 0). Clamped to
// [0, ln n], because float rounding of a near one-hot mixture can land a hair outside it.
double mixture_entropy(const float* r, uint32_t n);

// Pearson's correlation of paired samples; NaN where it is undefined: fewer than two pairs, a
// constant x or y, or a value that is not finite. Throws std::invalid_argument if the sizes
// differ.
double pearson(const std::vector<double>& x, const std::vector<double>& y);

// Ranks 1..n of x in ascending order; tied values share the mean of the ranks they span (three
// values tied for ranks 2, 3, 4 all get 3).
std::vector<double> average_ranks(const std::vector<double>& x);

// Spearman's rank correlation: Pearson's of the average ranks. NaN where undefined, as pearson.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// How a set of values is spread: mean, population standard deviation, and quantiles (linear
// interpolation between the sorted values, at (count - 1) * q). All NaN for no values.
struct Distribution {
  size_t count = 0;
  double mean = 0, sd = 0;
  double min = 0, p05 = 0, median = 0, p95 = 0, max = 0;
};
Distribution distribution_of(std::vector<double> values);

struct LayerRouterStats {
  double mean_entropy = 0;           // mean of H(r) over predictions
  std::vector<double> mean_mixture;  // (n_paths) mean r per pathway
  double pearson = 0, spearman = 0;  // of this layer's H with the loss
};

// Predictions sorted by loss and cut into equal-count groups (ties keep prediction order).
struct LossBin {
  size_t count = 0;
  double mean_loss = 0;     // nats
  double mean_entropy = 0;  // of the per-prediction mean H over layers
};

struct RouterStats {
  size_t predictions = 0;
  double max_entropy = 0;            // ln n_paths: every pathway weighed equally
  double mean_loss = 0;              // nats per prediction
  double mean_entropy = 0;           // mean over predictions of the mean H over layers
  double pearson = 0, spearman = 0;  // of the per-prediction mean H with the loss
  std::vector<LayerRouterStats> layers;
  std::vector<LossBin> by_loss;  // min(loss_bins, predictions) bins, lowest loss first
  // Over predictions, of the per-prediction mean H (its mean is mean_entropy).
  Distribution token_entropy;
  // Over spans (stories or chunks), of each span's mean of the per-prediction mean H: how well
  // a whole span's entropy tells one kind of text from another. Count 0 without span_first.
  Distribution span_entropy;
};

// The summary of a trace. Means of an empty trace are NaN, as are undefined correlations.
RouterStats router_stats(const RouterTrace& trace, size_t loss_bins = 10);

}  // namespace atome
