// A run's options: what `atome train` was given, checked once (validate_options), and their JSON
// form (run.json, and the "options" of every checkpoint, which `--resume` restores), plus the
// counters a checkpoint carries beside the weights.
#pragma once

#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "train/gpt_model.h"
#include "train/optim.h"

namespace atome::train {

struct TrainOptions {
  std::string arch = "atome";  // "atome" (model) or "gpt" (gpt)
  atome_config model{};
  GptConfig gpt{};
  std::string train_path, valid_path;  // valid_path may be empty (no validation)
  uint64_t seed = 1;
  uint32_t batch = 16;
  uint32_t seq_len = 64;
  int steps = 3000;
  AdamWConfig adam;
  LrSchedule::Kind schedule = LrSchedule::Kind::kCosine;
  int warmup = 0;
  float min_lr_ratio = 0.1f;
  float clip = 1.0f;   // max global gradient norm; 0 = off
  int eval_every = 0;  // validation every N steps (0: only at the end)
  // Validation (train/evaluation.h): 0 = story mode; N = chunk mode over N-byte chunks, the
  // original's protocol and the only one a GPT's positions allow.
  uint32_t eval_chunk = 0;
  int checkpoint_every = 100;
  int log_every = 10;
  bool legacy = false;  // also write model.atome01
  // Atome only. numerics: what the training forward emulates (AtomeModel::set_numerics:
  // ATOME_NUMERICS_F32, _A8 or _Q15, i.e. quantisation-aware training for a8 / q15 files);
  // export_numerics: the numerics of the model files written (host/numerics_convert.h), by
  // default the same; f32 training exported to q15 is post-training conversion.
  uint32_t numerics = ATOME_NUMERICS_F32;
  uint32_t export_numerics = ATOME_NUMERICS_F32;
  // task "classify" (class_trainer.h): a classifier on a data directory. model holds the block's
  // dimensions (the class count comes from the data); steps = epochs * batches per epoch, fixed
  // when the run starts; warmup -1 = auto (min(500, steps / 20)), resolved then too.
  std::string task = "lm";         // "lm" or "classify"
  std::string data_dir, group_by;  // group_by "" = the data's default (spec.json group_by)
  int epochs = 40;
  int patience = 10;  // early stopping: epochs without a better validation loss
  float target_risk = 0.01f;
  float risk_confidence = 0.9f;  // the threshold's risk bound (calibration.h); 0 = observed risk
  // "pooled": the bound over the validation split; "leave-group-out": also with each validation
  // group left out (calibration.h, choose_threshold_leave_group_out)
  std::string threshold_rule = "pooled";
  // "nll": the temperature minimising the validation NLL; "leave-group-out": the largest of the
  // fits with one validation group left out (calibration.h, fit_temperature_leave_group_out)
  std::string temperature_rule = "nll";
  std::string quant = "banded";  // tokenisation: "banded" or "global" (FORMAT.md §17.4)
  float jitter = 0.0f;  // train batches: each token moves one level up or down with this chance
  float label_smoothing = 0.0f;  // the class head's target: (1 - s) onehot + s / C
  int level_fit = 0;  // embedding rows of a band projected onto degree <= this in the level (0 off)
  double range_tail = 0.005;      // quantisation range: the tail-th and (1 - tail)-th percentiles
  uint32_t data_fingerprint = 0;  // CRC-32 of the data files when the run started (resume check)
};

// "f32", "a8", "q15" -> ATOME_NUMERICS_* (names: host/numerics_convert.h); std::invalid_argument
// naming `flag` for another name.
uint32_t parse_train_numerics(const std::string& name, const std::string& flag);

// Throws std::invalid_argument naming the flag when the options cannot describe a run.
void validate_options(const TrainOptions& options);

// Options <-> JSON text (run.json, checkpoints). Throws std::invalid_argument on bad JSON.
std::string options_to_json(const TrainOptions& options);
TrainOptions options_from_json(const std::string& json);

// The counters a checkpoint carries beside the weights.
struct RunCounters {
  int step = 0;
  double best_valid_bpb = -1.0;
  int best_step = 0;
  double elapsed_s = 0.0;  // wall time of all processes of this run so far
};

// A checkpoint's JSON: {"options": ..., "step", "best_valid_bpb", "best_step", "elapsed_s"}.
std::string checkpoint_json(const TrainOptions& options, const RunCounters& counters);
// Its counters; std::runtime_error on anything malformed.
RunCounters counters_from_json(const std::string& checkpoint_json);
// Its options; std::runtime_error (naming `where`) when missing or malformed.
TrainOptions options_from_checkpoint_json(const std::string& checkpoint_json,
                                          const std::string& where);

}  // namespace atome::train
