// The classifier trainer (issue 14, items 3 and 4): `atome train --task classify --data DIR`.
//
// Data (class_data.h): the examples of DIR, split by group (--group-by site|subject|device, a group
// in one split only) into train / valid / test, the quantisation ranges fitted on train, each
// example tokenised through the file's own tokeniser (host/feature_tokenize.h): F <= 32 tokens.
//
// Training: the Atome block with a class head on the last position (model.h; default the
// "superesp" preset: d 32, 2 layers), class-weighted cross-entropy (weight of class k =
// n_train / (C * count_k); 0 for a class absent from train), AdamW, warmup + cosine over
// epochs * ceil(n_train / batch) steps, the batches of epoch e a permutation of the train rows
// seeded by (seed, e). QAT in --numerics (the LM trainer's fake quantisation). After every epoch:
// the validation loss (mean NLL, the trainer's forward), accuracy and macro-F1; a lower
// validation LOSS writes best.atome (early stopping watches the loss, not macro-F1: it is smooth
// and is what temperature scaling then refines) and --patience epochs without one stop the run;
// a checkpoint (checkpoint.h) closes every epoch, so a resumed run equals an uninterrupted one.
//
// Calibration and abstention, on best.atome as the ENGINE runs it (its numerics), so that the
// numbers are the device's: the temperature minimises the validation NLL; the abstention
// threshold on the calibrated max probability is the lowest one whose selective risk on valid is
// <= --target-risk (calibration.h); both are written into best.atome's metadata (rule max-prob).
// The test split is scored once, at the end.
//
// RUN_DIR: run.json, checkpoint.bin, metrics.jsonl, best.atome (the classifier file, FORMAT.md
// §17), valid_predictions.csv and test_predictions.csv (row of examples.csv, label, class, p,
// abstain, logits, tokens), result.json (written last); the CLI adds confusion.svg and
// risk_coverage.svg (lab/class_charts.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "train/calibration.h"
#include "train/run_options.h"
#include "train/trainer.h"

namespace atome::train {

struct ClassifyReport {
  std::string head;
  std::vector<std::string> classes;
  std::string group_by;
  size_t n_train = 0, n_valid = 0, n_test = 0;
  int steps = 0, epochs_run = 0, best_epoch = 0;
  bool stopped_early = false;
  double best_valid_loss = 0.0;
  double temperature = 1.0;
  double threshold = 1.0;
  bool threshold_found = false;
  float target_risk = 0.01f;
  float risk_confidence = 0.9f;
  std::string threshold_rule;    // "pooled" or "leave-group-out" (run_options.h)
  std::string temperature_rule;  // "nll" or "leave-group-out" (run_options.h)
  // Test split, by the engine on best.atome.
  double accuracy = 0.0, macro_f1 = 0.0;
  double ece_before = 0.0, ece_after = 0.0;  // temperature 1, fitted temperature
  double nll_before = 0.0, nll_after = 0.0;
  double aurc = 0.0, coverage_at_1 = 0.0, coverage_at_5 = 0.0;
  double coverage = 0.0, selective_risk = 0.0;  // at the chosen threshold
  std::vector<std::vector<uint32_t>> confusion;
  std::vector<RiskCoveragePoint> curve;  // test, calibrated
  size_t model_bytes = 0;
  double seconds = 0.0;
};

// A fresh run in control.out_dir (an existing directory), or the run there continued from its
// checkpoint. std::invalid_argument for bad options, Error / FormatError for bad data.
ClassifyReport train_classifier(const TrainOptions& options, const RunControl& control);
ClassifyReport resume_classifier(const RunControl& control);

// Whether the run in `dir` is a classifier run (its checkpoint's options say task "classify").
bool is_classifier_run(const std::string& dir);

}  // namespace atome::train
