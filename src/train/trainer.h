// The training loop: batches from a text corpus, forward, backward, clipping, AdamW with the
// schedule, validation, checkpoints every N steps, metrics (JSON Lines) and a progress line.
//
// A run lives in one directory:
//   run.json          the options (what `--resume` restores)
//   checkpoint.bin    latest checkpoint (atomic), see checkpoint.h
//   metrics.jsonl     one JSON object per log line / validation / event
//   model.atome       the final model (native format), best.atome the best by validation bpb
//   model.atome01     the final model as legacy ATOME01, with --legacy
//   result.json       written last: the run's final numbers (the experiment runner's "done")
//
// Two architectures train here: the Atome LM (arch "atome", exported to the engine's files) and
// the vanilla GPT baseline (arch "gpt", float32, not exportable: no model files).
//
// Determinism: batch b of step s is drawn from a generator seeded by (seed, s) alone, and every
// reduction has a fixed order (gemm.h), so the same options give bit-identical weights for any
// thread count, and a resumed run equals an uninterrupted one.
#pragma once

#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "train/gpt_model.h"
#include "train/model.h"
#include "train/optim.h"
#include "host/text_corpus.h"

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
  // Validation: 0 = story mode (evaluate_stories); N = chunk mode over N-byte chunks
  // (evaluate_chunks), the original's protocol and the only one a GPT's positions allow.
  uint32_t eval_chunk = 0;
  int checkpoint_every = 100;
  int log_every = 10;
  bool legacy = false;  // also write model.atome01
};

struct RunControl {
  std::string out_dir;
  int threads = 0;        // 0: OpenMP default
  bool quiet = false;     // no progress output
  int step_delay_ms = 0;  // sleep after each step (tests that kill a run mid-way)
};

struct TrainResult {
  int steps = 0;            // steps done in total
  double train_loss = 0.0;  // mean loss (nats/byte) over the last log interval
  double valid_bpb = -1.0;  // at the end (-1: no validation data)
  double best_valid_bpb = -1.0;
  int best_step = 0;
  double seconds = 0.0;       // wall time of this process's steps
  double tokens_per_s = 0.0;  // training tokens per second in this process
};

TrainResult train(const TrainOptions& options, const RunControl& control);
// Continues the run in control.out_dir from its checkpoint with the options in its run.json.
TrainResult resume(const RunControl& control);

// Story-mode bits per byte (docs/FORMAT.md): every story is fed after an end-of-story byte, and
// every story byte and the closing end-of-story byte are predicted. max_stories 0: all.
struct EvalResult {
  double bpb = 0.0;
  double nats = 0.0;
  size_t predicted = 0;
};
EvalResult evaluate_stories(LanguageModel& model, const TextCorpus& corpus, size_t max_stories = 0);
// Chunk mode, as `atome eval --chunk N`: the token stream cut into non-overlapping N-byte chunks
// from the start (a final partial chunk dropped), bytes 1..N-1 of each predicted from their
// prefix within the chunk.
EvalResult evaluate_chunks(LanguageModel& model, const TextCorpus& corpus, uint32_t chunk);

// Options <-> JSON text (run.json, checkpoints). Throws std::invalid_argument on bad JSON.
std::string options_to_json(const TrainOptions& options);
TrainOptions options_from_json(const std::string& json);

}  // namespace atome::train
