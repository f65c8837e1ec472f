// The classifier trainer (see class_trainer.h): data, the epoch loop, best.atome, then
// calibration, abstention and the test report.
#include "train/class_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "engine/numerics.h"
#include "host/class_spec.h"
#include "host/classify.h"
#include "host/errors.h"
#include "host/feature_tokenize.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "host/owned_session.h"
#include "train/checkpoint.h"
#include "train/class_data.h"
#include "train/gemm.h"
#include "train/level_fit.h"
#include "train/metrics_log.h"
#include "train/model.h"
#include "train/optim.h"
#include "train/progress.h"
#include "train/run_steps.h"

namespace atome::train {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// The data as the run sees it: examples, split, the spec with its fitted ranges, and every
// example's tokens (through the classifier file's own tokeniser).
struct Prepared {
  ClassDataset data;
  std::string group_by;
  ClassSplit split;
  ClassSpec spec;
  std::vector<std::vector<uint8_t>> tokens;  // per row, F each
  std::vector<FeatureBand> bands;            // per feature
  uint32_t F = 0, C = 0;
};

Prepared prepare(const TrainOptions& o) {
  Prepared p;
  p.data = read_class_dataset(o.data_dir);
  p.group_by = o.group_by.empty() ? p.data.default_group : o.group_by;
  if (p.group_by.empty())
    throw UsageError(o.data_dir + "/spec.json has no \"group_by\": give --group-by");
  if (p.group_by != "site" && p.group_by != "subject" && p.group_by != "device")
    throw UsageError("group column must be site, subject or device (got '" + p.group_by + "')");
  p.split = grouped_split(p.data, p.group_by, o.seed);
  // With one validation group nothing is left when it is left out: every threshold would bound
  // at 1 and the head would abstain on everything. Said before training, not after.
  for (const auto& [flag, rule, other] :
       {std::tuple{"--threshold-rule", o.threshold_rule, "pooled"},
        std::tuple{"--temperature-rule", o.temperature_rule, "nll"}})
    if (rule == "leave-group-out" && p.split.valid_groups.size() < 2)
      throw UsageError(std::string(flag) + " leave-group-out needs at least 2 validation groups; " +
                       "the " + p.group_by + " split has " +
                       std::to_string(p.split.valid_groups.size()) +
                       " (more groups in the data, or " + flag + " " + other + ")");
  p.spec = p.data.spec;
  fit_ranges(p.spec, p.data, p.split.train, parse_quant_mode(o.quant), o.range_tail);
  p.F = p.spec.n_features();
  p.C = static_cast<uint32_t>(p.spec.classes.size());
  for (uint32_t i = 0; i < p.F; ++i) p.bands.push_back(feature_band(p.spec, i));
  p.tokens.reserve(p.data.features.size());
  for (const std::vector<double>& row : p.data.features) {
    const std::vector<uint32_t> t = tokenize_features(p.spec, row);
    p.tokens.emplace_back(t.begin(), t.end());  // global mode: every token < 256
  }
  return p;
}

atome_config classifier_config(const TrainOptions& o, uint32_t n_classes) {
  atome_config c = o.model;
  c.arch = ATOME_ARCH_CLASSIFIER;
  c.n_classes = n_classes;
  c.no_unembed = 1;
  return c;
}

// Balanced class weights from the train labels: n / (C * count_k), 0 for an absent class.
std::vector<float> class_weights(const Prepared& p) {
  std::vector<double> count(p.C, 0.0);
  for (size_t r : p.split.train) count[p.data.labels[r]] += 1.0;
  std::vector<float> w(p.C, 0.0f);
  for (uint32_t k = 0; k < p.C; ++k)
    if (count[k] > 0)
      w[k] = static_cast<float>(static_cast<double>(p.split.train.size()) / (p.C * count[k]));
  return w;
}

// The order of the train rows in epoch e: Fisher-Yates seeded by (seed, e) alone, so a resumed
// run draws the same batches without replaying anything.
std::vector<size_t> epoch_order(const std::vector<size_t>& rows, uint64_t seed, int epoch) {
  std::vector<size_t> order(rows);
  uint64_t state = splitmix64_mix(seed * 0x9E3779B97F4A7C15ull +
                                  static_cast<uint64_t>(epoch) * 0xD1B54A32D192ED03ull);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[splitmix64(&state) % i]);
  return order;
}

// tokens (B, F) and targets (B, F): the label at each sequence's last position (model.h).
void fill_batch(const Prepared& p, const size_t* rows, size_t B, std::vector<uint8_t>& in,
                std::vector<uint8_t>& target) {
  in.assign(B * p.F, 0);
  target.assign(B * p.F, 0);
  for (size_t b = 0; b < B; ++b) {
    std::copy(p.tokens[rows[b]].begin(), p.tokens[rows[b]].end(), in.begin() + b * p.F);
    target[b * p.F + p.F - 1] = static_cast<uint8_t>(p.data.labels[rows[b]]);
  }
}

// Level jitter (--jitter P): each token of a training batch moves to a neighbouring level of its
// own band with probability P (inward at the band's ends). Why: a token is a level of an ordered
// quantity, but its embedding row is learnt on its own, and held-out sites put features at levels
// (and level combinations) the train sites rarely reached; the jitter teaches neighbouring levels
// to mean nearly the same. Seeded by (seed, step) alone, so a resumed run draws the same.
void jitter_batch(const Prepared& p, std::vector<uint8_t>& in, size_t B, float P, uint64_t seed,
                  int step) {
  if (P <= 0.0f) return;
  uint64_t state = splitmix64_mix(seed * 0xA24BAED4963EE407ull +
                                  static_cast<uint64_t>(step) * 0x9FB21C651E98DF25ull);
  const double p_move = static_cast<double>(P);
  for (size_t b = 0; b < B; ++b) {
    for (uint32_t i = 0; i < p.F; ++i) {
      const uint64_t r = splitmix64(&state);
      if (static_cast<double>(r >> 11) * 0x1.0p-53 >= p_move) continue;
      uint8_t& t = in[b * p.F + i];
      const uint32_t level = t - p.bands[i].first, top = p.bands[i].levels - 1;
      const bool up = level == 0 || (level < top && (r & 1u) != 0);
      t = static_cast<uint8_t>(up ? t + 1 : t - 1);
    }
  }
}

// --level-fit: the embedding's band rows back onto smooth functions of the level (level_fit.h),
// after init and after every step, so the checkpoint, validation and the file all see them.
void fit_levels(AtomeModel& model, const Prepared& p, int degree) {
  if (degree < 1) return;
  for (const ParamTensor& t : model.tensors())
    if (t.kind == format::kEmbed)
      project_level_fit(model.params().data() + t.offset, t.cols, p.bands, degree);
}

struct SplitScore {
  double loss = 0.0;  // mean NLL (unweighted)
  double accuracy = 0.0, macro_f1 = 0.0;
};

// The trainer's forward (with its fake quantisation) over a split, in batches.
SplitScore score_split(AtomeModel& model, const Prepared& p, const std::vector<size_t>& rows) {
  SplitScore s;
  if (rows.empty()) return s;
  std::vector<float> logits;
  std::vector<uint32_t> labels;
  std::vector<uint8_t> in, target;
  double total = 0.0;
  constexpr size_t kChunk = 256;
  for (size_t at = 0; at < rows.size(); at += kChunk) {
    const size_t B = std::min(kChunk, rows.size() - at);
    fill_batch(p, rows.data() + at, B, in, target);
    std::vector<double> row_loss(B);
    model.forward(in.data(), target.data(), B, p.F, row_loss.data());
    for (double l : row_loss) total += l;
    logits.insert(logits.end(), model.logits(), model.logits() + B * p.C);
    for (size_t b = 0; b < B; ++b) labels.push_back(p.data.labels[rows[at + b]]);
  }
  s.loss = total / static_cast<double>(rows.size());
  const std::vector<ScoredExample> scored = score_examples(logits, labels, p.C, 1.0);
  s.accuracy = accuracy(scored);
  s.macro_f1 = macro_f1(scored, labels, p.C);
  return s;
}

// best.atome's model: the quantised weights, the spec (ranges, calibration, abstention), in the
// run's export numerics.
std::vector<uint8_t> classifier_file(const AtomeModel& model, const TrainOptions& o,
                                     const ClassSpec& spec, uint32_t F) {
  HostModel host = with_class_spec(model.export_model(F), spec);
  if (o.export_numerics != ATOME_NUMERICS_F32) {
    try {
      host = convert_numerics(host, o.export_numerics);
    } catch (const Error& e) {  // a value outside q15's fixed-point range
      throw std::runtime_error(e.what());
    }
  }
  return write_native(host);
}

// The engine's logits on a split, through best.atome as `atome classify` runs it.
std::vector<float> engine_logits(const ModelFile& f, const Prepared& p,
                                 const std::vector<size_t>& rows) {
  OwnedSession session(f.model, p.F, UINT64_MAX);
  const Calibration plain;  // temperature 1, no abstention: the raw logits
  std::vector<float> out;
  for (size_t r : rows) {
    const std::vector<uint32_t> tokens(p.tokens[r].begin(), p.tokens[r].end());
    const Classification c = classify_tokens(session.get(), f.model, tokens, plain);
    out.insert(out.end(), c.logits.begin(), c.logits.end());
  }
  return out;
}

std::vector<uint32_t> labels_of(const Prepared& p, const std::vector<size_t>& rows) {
  std::vector<uint32_t> out;
  for (size_t r : rows) out.push_back(p.data.labels[r]);
  return out;
}

// The largest float <= x (the file stores the threshold as f32; rounding up would make the
// example that set it abstain).
float float_at_most(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) > x) f = std::nextafter(f, 0.0f);
  return f;
}

// One split's predictions under the file's calibration, one line per example: its row of
// examples.csv, label, class, calibrated p, abstain (0/1), logits, tokens.
std::string predictions_csv(const Prepared& p, const std::vector<size_t>& rows,
                            const std::vector<float>& logits, const std::vector<uint32_t>& labels,
                            const Calibration& cal) {
  std::string csv = "row,label,class,p,abstain,logits,tokens\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Classification c =
        decide(std::vector<float>(logits.begin() + i * p.C, logits.begin() + (i + 1) * p.C), cal);
    char line[96];
    std::snprintf(line, sizeof line, "%zu,%u,%u,%.17g,%d,", rows[i], labels[i], c.cls, c.p,
                  c.abstain ? 1 : 0);
    csv += line;
    for (size_t k = 0; k < c.logits.size(); ++k) {
      char v[32];
      std::snprintf(v, sizeof v, "%s%.9g", k ? " " : "", static_cast<double>(c.logits[k]));
      csv += v;
    }
    csv += ",";
    const std::vector<uint8_t>& t = p.tokens[rows[i]];
    for (size_t k = 0; k < t.size(); ++k) csv += (k ? " " : "") + std::to_string(t[k]);
    csv += "\n";
  }
  return csv;
}

// Calibrates best.atome on valid, writes the calibrated file, scores test.
void finish(const TrainOptions& o, const RunControl& ctl, const Prepared& p, ClassifyReport& rep,
            MetricsLog& metrics) {
  const std::string best_path = path_in(ctl.out_dir, "best.atome");
  const ModelFile uncal = model_from_image(read_file(best_path), best_path);
  const std::vector<uint32_t> valid_labels = labels_of(p, p.split.valid);
  const std::vector<uint32_t> test_labels = labels_of(p, p.split.test);
  const std::vector<float> valid_logits = engine_logits(uncal, p, p.split.valid);
  const std::vector<float> test_logits = engine_logits(uncal, p, p.split.test);

  // Temperature, as the file stores it (f32): every later number uses the stored value.
  std::vector<int64_t> valid_groups;
  for (size_t r : p.split.valid) valid_groups.push_back(p.data.groups.at(p.group_by)[r]);
  const float temperature = static_cast<float>(
      o.temperature_rule == "leave-group-out"
          ? fit_temperature_leave_group_out(valid_logits, valid_labels, p.C, valid_groups)
          : fit_temperature(valid_logits, valid_labels, p.C));
  const std::vector<ScoredExample> valid_scored =
      score_examples(valid_logits, valid_labels, p.C, temperature);
  const ThresholdChoice choice =
      o.threshold_rule == "leave-group-out"
          ? choose_threshold_leave_group_out(valid_scored, valid_groups,
                                             static_cast<double>(o.target_risk),
                                             static_cast<double>(o.risk_confidence))
          : choose_threshold(risk_coverage_curve(valid_scored), static_cast<double>(o.target_risk),
                             static_cast<double>(o.risk_confidence));
  const float threshold = float_at_most(choice.threshold);

  ClassSpec spec = class_spec_of(uncal.model);
  spec.temperature = temperature;
  spec.abstain_rule = ATOME_ABSTAIN_MAX_PROB;
  spec.abstain_threshold = threshold;
  HostModel host = read_native(read_file(best_path));
  const std::vector<uint8_t> image = write_native(with_class_spec(std::move(host), spec));
  write_file_atomic(best_path, image);
  rep.model_bytes = image.size();

  // Test, once: before (T = 1) and after calibration; the abstention as the file decides it.
  const std::vector<ScoredExample> before = score_examples(test_logits, test_labels, p.C, 1.0);
  const std::vector<ScoredExample> after =
      score_examples(test_logits, test_labels, p.C, temperature);
  rep.temperature = temperature;
  rep.threshold = threshold;
  rep.threshold_found = choice.found;
  rep.accuracy = accuracy(after);
  rep.macro_f1 = macro_f1(after, test_labels, p.C);
  rep.ece_before = expected_calibration_error(before);
  rep.ece_after = expected_calibration_error(after);
  rep.nll_before = mean_nll(test_logits, test_labels, p.C, 1.0);
  rep.nll_after = mean_nll(test_logits, test_labels, p.C, temperature);
  rep.curve = risk_coverage_curve(after);
  rep.aurc = aurc(after);
  rep.coverage_at_1 = coverage_at_risk(rep.curve, 0.01);
  rep.coverage_at_5 = coverage_at_risk(rep.curve, 0.05);
  rep.confusion = confusion_matrix(after, test_labels, p.C);

  const Calibration cal{temperature, ATOME_ABSTAIN_MAX_PROB, threshold};
  // The validation split's predictions too: they are what the threshold was chosen on, so a
  // different rule can be tried on them afterwards (scripts/classify_threshold_rules.py).
  write_text_file(path_in(ctl.out_dir, "valid_predictions.csv"),
                  predictions_csv(p, p.split.valid, valid_logits, valid_labels, cal));
  write_text_file(path_in(ctl.out_dir, "test_predictions.csv"),
                  predictions_csv(p, p.split.test, test_logits, test_labels, cal));
  size_t accepted = 0, errors = 0;
  for (size_t i = 0; i < p.split.test.size(); ++i) {
    const Classification c = decide(
        std::vector<float>(test_logits.begin() + i * p.C, test_logits.begin() + (i + 1) * p.C),
        cal);
    if (!c.abstain) {
      ++accepted;
      errors += c.cls != test_labels[i];
    }
  }
  rep.coverage = p.split.test.empty() ? 0.0 : static_cast<double>(accepted) / p.split.test.size();
  rep.selective_risk = accepted ? static_cast<double>(errors) / accepted : 0.0;
  metrics.write({{"event", "calibrated"},
                 {"temperature", temperature},
                 {"threshold", threshold},
                 {"threshold_found", choice.found},
                 {"valid_nll_before", mean_nll(valid_logits, valid_labels, p.C, 1.0)},
                 {"valid_nll_after", mean_nll(valid_logits, valid_labels, p.C, temperature)}});
}

json report_json(const TrainOptions& o, const ClassifyReport& r, const Prepared& p) {
  json curve = json::array();
  for (const RiskCoveragePoint& c : r.curve) curve.push_back({c.threshold, c.coverage, c.risk});
  return {{"task", "classify"},
          {"head", r.head},
          {"classes", r.classes},
          {"group_by", r.group_by},
          {"groups",
           {{"train", p.split.train_groups},
            {"valid", p.split.valid_groups},
            {"test", p.split.test_groups}}},
          {"n_train", r.n_train},
          {"n_valid", r.n_valid},
          {"n_test", r.n_test},
          {"seed", o.seed},
          {"numerics", numerics_name(o.numerics)},
          {"export_numerics", numerics_name(o.export_numerics)},
          {"steps", r.steps},
          {"epochs_run", r.epochs_run},
          {"best_epoch", r.best_epoch},
          {"stopped_early", r.stopped_early},
          {"best_valid_loss", r.best_valid_loss},
          {"early_stopping", "validation loss (mean NLL, trainer forward)"},
          {"temperature", r.temperature},
          {"abstain_rule", "max-prob"},
          {"threshold", r.threshold},
          {"threshold_found", r.threshold_found},
          {"target_risk", r.target_risk},
          {"risk_confidence", r.risk_confidence},
          {"threshold_rule", r.threshold_rule},
          {"temperature_rule", r.temperature_rule},
          {"test",
           {{"scored_by", "engine on best.atome"},
            {"accuracy", r.accuracy},
            {"macro_f1", r.macro_f1},
            {"ece_before", r.ece_before},
            {"ece_after", r.ece_after},
            {"nll_before", r.nll_before},
            {"nll_after", r.nll_after},
            {"aurc", r.aurc},
            {"coverage_at_risk_1pct", r.coverage_at_1},
            {"coverage_at_risk_5pct", r.coverage_at_5},
            {"coverage", r.coverage},
            {"selective_risk", r.selective_risk},
            {"confusion", r.confusion},
            {"risk_coverage", curve}}},
          {"model_bytes", r.model_bytes},
          {"quantisation",
           std::string(quant_mode_name(p.spec.quant_mode)) +
               (p.spec.pipeline == "bytes"
                    ? "; bytes: the channel's physical limits 0..255 (global: token = byte)"
                    : "; per channel the train split's 0.5th..99.5th percentiles, clipped to the "
                      "physical limits")},
          {"generator", json::parse(p.data.generator)},
          {"train_seconds", r.seconds}};
}

void validate_classify_options(const TrainOptions& o) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  if (o.arch != "atome") fail("--task classify trains the Atome block (not a GPT preset)");
  if (o.data_dir.empty()) fail("--task classify needs --data DIR");
  if (o.epochs < 1) fail("--epochs must be at least 1");
  if (o.patience < 1) fail("--patience must be at least 1");
  if (!(o.target_risk > 0.0f && o.target_risk < 1.0f)) fail("--target-risk must be in (0, 1)");
  if (o.batch == 0 || o.batch > 65536) fail("--batch must be 1..65536");
  if (!(o.adam.lr > 0.0f) || !(o.adam.lr < 10.0f)) fail("--lr must be in (0, 10)");
  if (!(o.adam.weight_decay >= 0.0f)) fail("--wd must be >= 0");
  if (!(o.clip >= 0.0f)) fail("--clip must be >= 0");
  if (!(o.jitter >= 0.0f && o.jitter <= 1.0f)) fail("--jitter must be in [0, 1]");
  if (!(o.label_smoothing >= 0.0f && o.label_smoothing < 1.0f))
    fail("--label-smoothing must be in [0, 1)");
  if (o.level_fit < 0 || o.level_fit > 4) fail("--level-fit must be 0..4");
  if (!(o.min_lr_ratio >= 0.0f && o.min_lr_ratio <= 1.0f)) fail("--min-lr-ratio must be in [0, 1]");
  if (o.legacy) fail("--legacy is for language models");
  for (uint32_t n : {o.numerics, o.export_numerics})
    if (n > ATOME_NUMERICS_Q15) fail("--numerics and --export-numerics must be f32, a8 or q15");
}

ClassifyReport run(TrainOptions o, const RunControl& ctl, const Checkpoint* from) {
  validate_classify_options(o);
  set_train_threads(ctl.threads);
  const Prepared p = prepare(o);
  if (from != nullptr && p.data.fingerprint != o.data_fingerprint)
    throw std::runtime_error(o.data_dir +
                             " has changed since the run started (CRC of spec.json "
                             "and examples.csv): resume needs the same data");
  if (p.split.train.empty() || p.split.valid.empty() || p.split.test.empty())
    throw FormatError("the grouped split left a split empty");
  const int per_epoch = static_cast<int>((p.split.train.size() + o.batch - 1) / o.batch);
  if (from == nullptr) {  // fixed now, kept in run.json for --resume
    o.data_fingerprint = p.data.fingerprint;
    o.steps = o.epochs * per_epoch;
    if (o.warmup < 0) o.warmup = std::min(500, o.steps / 20);
    if (o.warmup >= o.steps) throw std::invalid_argument("--warmup must be below the run's steps");
    o.seq_len = p.F;
  }
  AtomeModel model(classifier_config(o, p.C));
  model.set_numerics(o.numerics);
  model.set_class_weights(class_weights(p));
  model.set_label_smoothing(o.label_smoothing);
  AdamW adam(model.param_count());
  RunCounters counters;
  if (from != nullptr) {
    counters = restore_checkpoint(*from, model, adam);
    if (counters.step < 0 || counters.step > o.steps || counters.step % per_epoch != 0)
      throw std::runtime_error("checkpoint step " + std::to_string(counters.step) +
                               " is not an epoch end of this run");
  } else {
    model.init(o.seed);
    fit_levels(model, p, o.level_fit);
    write_text_file(path_in(ctl.out_dir, "run.json"), options_to_json(o) + "\n");
  }
  MetricsLog metrics(path_in(ctl.out_dir, "metrics.jsonl"), from != nullptr ? counters.step : -1);
  metrics.write({{"event", from ? "resume" : "start"},
                 {"step", counters.step},
                 {"task", "classify"},
                 {"params", model.param_count()},
                 {"n_train", p.split.train.size()},
                 {"n_valid", p.split.valid.size()},
                 {"n_test", p.split.test.size()},
                 {"numerics", numerics_name(o.numerics)}});

  ClassifyReport rep;
  rep.head = p.data.head;
  rep.classes = p.spec.classes;
  rep.group_by = p.group_by;
  rep.n_train = p.split.train.size();
  rep.n_valid = p.split.valid.size();
  rep.n_test = p.split.test.size();
  rep.target_risk = o.target_risk;
  rep.risk_confidence = o.risk_confidence;
  rep.threshold_rule = o.threshold_rule;
  rep.temperature_rule = o.temperature_rule;

  const LrSchedule schedule{o.schedule, o.warmup, o.steps, o.min_lr_ratio};
  Progress progress(o.steps, ctl.quiet);
  const auto started = Clock::now();
  std::vector<uint8_t> in, target;
  std::vector<size_t> order;
  auto stop_now = [&](int step) {  // early stopping, from the counters alone (so after a resume)
    const int epoch = step / per_epoch, best_epoch = counters.best_step / per_epoch;
    return step > 0 && epoch - best_epoch >= o.patience;
  };
  bool stopped = stop_now(counters.step) && counters.step < o.steps;
  double interval_loss = 0.0;
  int interval_steps = 0;
  for (int step = counters.step + 1; step <= o.steps && !stopped; ++step) {
    const int epoch = (step - 1) / per_epoch + 1, k = (step - 1) % per_epoch;
    if (k == 0 || order.empty()) order = epoch_order(p.split.train, o.seed, epoch);
    const size_t first = static_cast<size_t>(k) * o.batch;
    const size_t B = std::min<size_t>(o.batch, order.size() - first);
    fill_batch(p, order.data() + first, B, in, target);
    jitter_batch(p, in, B, o.jitter, o.seed, step);
    const StepResult s =
        train_step(model, adam, o, schedule, in.data(), target.data(), B, p.F, step);
    fit_levels(model, p, o.level_fit);
    const double loss = s.loss, grad_norm = s.grad_norm;
    const float lr = s.lr;
    counters.step = step;
    interval_loss += loss;
    ++interval_steps;
    if (k + 1 < per_epoch) continue;

    // End of an epoch: log, validate, keep the best, checkpoint, maybe stop.
    const double wall = std::chrono::duration<double>(Clock::now() - started).count();
    const SplitScore v = score_split(model, p, p.split.valid);
    metrics.write({{"step", step},
                   {"epoch", epoch},
                   {"train_loss", interval_loss / interval_steps},
                   {"lr", lr},
                   {"grad_norm", grad_norm},
                   {"valid_loss", v.loss},
                   {"valid_accuracy", v.accuracy},
                   {"valid_macro_f1", v.macro_f1},
                   {"elapsed_s", counters.elapsed_s + wall}});
    progress.report(step, interval_loss / interval_steps, lr, 0.0, 0.0);
    interval_loss = 0.0;
    interval_steps = 0;
    if (counters.best_step == 0 || v.loss < counters.best_valid_bpb) {
      // For a classifier: the validation loss (nats), as the checkpoint keeps it (f32), so that
      // a resumed run compares against the same number.
      counters.best_valid_bpb = static_cast<float>(v.loss);
      counters.best_step = step;
      ClassSpec spec = p.spec;  // uncalibrated until the run ends
      write_file_atomic(path_in(ctl.out_dir, "best.atome"), classifier_file(model, o, spec, p.F));
    }
    RunCounters at = counters;
    at.elapsed_s = counters.elapsed_s + wall;
    save_checkpoint(ctl.out_dir, o, at, model, adam);
    stopped = stop_now(step) && step < o.steps;
    if (ctl.stop_after_step > 0 && step >= ctl.stop_after_step)
      throw std::runtime_error("stopped after step " + std::to_string(step) + " (test hook)");
    if (ctl.step_delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(ctl.step_delay_ms));
  }
  progress.finish();
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  rep.steps = counters.step;
  rep.epochs_run = counters.step / per_epoch;
  rep.best_epoch = counters.best_step / per_epoch;
  rep.stopped_early = counters.step < o.steps;
  rep.best_valid_loss = counters.best_valid_bpb;
  rep.seconds = counters.elapsed_s + wall;
  if (rep.stopped_early)
    metrics.write(
        {{"event", "early_stop"}, {"step", counters.step}, {"best_step", counters.best_step}});
  finish(o, ctl, p, rep, metrics);
  metrics.write({{"event", "end"}, {"step", counters.step}, {"elapsed_s", rep.seconds}});
  write_text_file(path_in(ctl.out_dir, "result.json"), report_json(o, rep, p).dump(2) + "\n");
  return rep;
}

}  // namespace

ClassifyReport train_classifier(const TrainOptions& options, const RunControl& control) {
  return run(options, control, nullptr);
}

ClassifyReport resume_classifier(const RunControl& control) {
  const Checkpoint ckpt = read_checkpoint(path_in(control.out_dir, "checkpoint.bin"));
  return run(options_from_checkpoint_json(ckpt.json, control.out_dir), control, &ckpt);
}

bool is_classifier_run(const std::string& dir) {
  try {
    const Checkpoint ckpt = read_checkpoint(path_in(dir, "checkpoint.bin"));
    return options_from_checkpoint_json(ckpt.json, dir).task == "classify";
  } catch (const std::exception&) {
    return false;  // the LM path reports what is wrong with it
  }
}

}  // namespace atome::train
