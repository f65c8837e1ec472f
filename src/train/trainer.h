// The training loop: batches from a text corpus, forward, backward, clipping, AdamW with the
// schedule, validation, checkpoints every N steps, metrics (JSON Lines) and a progress line.
//
// A run lives in one directory:
//   run.json          the options (what `--resume` restores)
//   checkpoint.bin    latest checkpoint (atomic), see checkpoint.h
//   metrics.jsonl     one JSON object per log line / validation / event
//   model.atome       the final model (native format), best.atome the best by validation bpb
//   model.atome01     the final model as legacy ATOME01, with --legacy
//   result.json       written last: the run's final numbers (the experiment runner's "done"):
//                     valid_bpb by the trainer's forward (with --numerics a8 / q15 its fake
//                     quantisation: "valid_forward" says so) and engine_valid_bpb, the engine's
//                     on model.atome in --export-numerics
//
// Two architectures train here: the Atome LM (arch "atome", exported to the engine's files) and
// the vanilla GPT baseline (arch "gpt", float32, not exportable: no model files).
//
// The run's options and their JSON: run_options.h; the validation: evaluation.h; metrics.jsonl:
// metrics_log.h.
//
// Determinism: batch b of step s is drawn from a generator seeded by (seed, s) alone, and every
// reduction has a fixed order (gemm.h), so the same options give bit-identical weights for any
// thread count, and a resumed run equals an uninterrupted one.
#pragma once

#include <cstdint>
#include <string>

#include "train/evaluation.h"
#include "train/gpt_model.h"
#include "train/model.h"
#include "train/run_options.h"

namespace atome::train {

struct RunControl {
  std::string out_dir;
  int threads = 0;        // 0: OpenMP default
  bool quiet = false;     // no progress output
  int step_delay_ms = 0;  // sleep after each step (tests that kill a run mid-way)
  // Classifier runs (class_trainer.h): throw right after the checkpoint of the first epoch end
  // at or past this step, as a run killed there would leave its directory (tests; 0 = never).
  int stop_after_step = 0;
};

struct TrainResult {
  int steps = 0;            // steps done in total
  double train_loss = 0.0;  // mean loss (nats/byte) over the last log interval
  double valid_bpb = -1.0;  // at the end, the trainer's forward (-1: no validation data)
  // The engine on the exported model.atome (its numerics), same protocol; -1: none (a GPT).
  double engine_valid_bpb = -1.0;
  double best_valid_bpb = -1.0;
  int best_step = 0;
  double seconds = 0.0;       // wall time of this process's steps
  double tokens_per_s = 0.0;  // training tokens per second in this process
};

TrainResult train(const TrainOptions& options, const RunControl& control);
// Continues the run in control.out_dir from its checkpoint with the options in its run.json.
TrainResult resume(const RunControl& control);

}  // namespace atome::train
