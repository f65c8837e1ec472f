// The flags of `atome train`, shared with `atome sweep` (whose sweep files list them): their
// registration on a CLI11 command, and their translation into the trainer's options, with every
// value range-checked (a UsageError names the flag).
#pragma once

#include <string>
#include <vector>

#include "train/class_trainer.h"
#include "train/trainer.h"

namespace CLI {
class App;
}

namespace atome::cli {

struct TrainFlags {
  std::string train, valid, out, preset;  // preset "": 60k (LM) or superesp (classify)
  std::string d, layers, d_head, kernel = "5", top_k = "4";
  std::vector<std::string> drop;  // Atome pathways left out: conv, ssm, attn
  std::string heads, d_ff, max_seq;
  std::string steps = "3000", batch, seq = "64", seed = "1";  // batch "": 16 (LM), 64 (classify)
  std::string lr, wd = "0.01", beta1 = "0.9", beta2 = "0.999", clip = "1";
  std::string schedule = "cosine", warmup = "auto", min_lr_ratio = "0.1";
  std::string eval_every = "0", eval_chunk = "0", checkpoint_every = "100", log_every = "10";
  std::string threads = "0", step_delay_ms = "0", stop_after_step = "0";
  std::string numerics = "f32", export_numerics;  // empty export: the same as --numerics
  bool legacy = false, resume = false, quiet = false, no_plot = false;
  // --task classify (train/class_trainer.h)
  std::string task = "lm", data, group_by, epochs = "40", patience = "10", target_risk = "0.01",
              risk_confidence = "0.9", quant = "banded", jitter = "0", label_smoothing = "0",
              range_tail = "0.005", threshold_rule = "pooled", temperature_rule = "nll";
  int level_fit = 0;
};

// Every flag of `atome train` on cmd, stored into f (which must outlive cmd's parsing).
void add_train_flags(CLI::App& cmd, TrainFlags& f);

// The run the flags describe (not --out, --resume, --threads: see run_control).
train::TrainOptions train_options(const TrainFlags& f);
train::RunControl run_control(const TrainFlags& f);

// A fresh run in control.out_dir (created; a directory that already holds a run is refused), or
// the run there continued from its checkpoint. The trainer's exceptions become UsageError (bad
// options) or Error (files, numbers), so callers print one line.
train::TrainResult start_run(const train::TrainOptions& options, const train::RunControl& control);
train::TrainResult resume_run(const train::RunControl& control);
// The same for a classifier run (--task classify).
train::ClassifyReport start_classifier_run(const train::TrainOptions& options,
                                           const train::RunControl& control);
train::ClassifyReport resume_classifier_run(const train::RunControl& control);

}  // namespace atome::cli
