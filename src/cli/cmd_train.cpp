// atome train --train FILE [--valid FILE] --out DIR [model flags] [optimiser flags] [--resume]
//
// Trains an Atome LM on a text file (docs/FORMAT.md "Text convention") with the C++ trainer
// (src/train): quantisation-aware, AdamW, warmup + cosine. Writes into DIR: run.json,
// checkpoint.bin (every --checkpoint-every steps, atomic), metrics.jsonl, model.atome (the final
// model), best.atome (best validation bpb), model.atome01 with --legacy, and loss.svg (the loss
// curves, as `atome plot` draws them). `--resume` continues the run in DIR from its checkpoint
// with the options saved in it; a run killed at any moment resumes to bit-identical weights.
//
// Model: --preset 60k (d 64, 4 layers, d_head 16: the seed's A/B model) or 944k (256/8/64);
// --d / --layers / --d-head / --kernel / --top-k override single dimensions, --drop leaves
// pathways out (an ablation; the file says which pathways exist). --preset vanilla-60k or
// vanilla-6k trains the float GPT baseline instead (train/gpt_model.h: --heads, --d-ff,
// --max-seq), which validates in chunk mode (--eval-chunk) and writes no model file.
// --numerics a8|q15: quantisation-aware training (the forward fake-quantises as the engine's a8 /
// q15, straight-through backward; train/token_ops.h), model files in that numerics;
// --export-numerics overrides the files' numerics (f32 training + q15 files = post-training
// conversion). The validation bpb is the trainer's forward; the engine's bpb on model.atome is
// printed after it and kept in result.json as engine_valid_bpb.
// The flags themselves are in train_flags.cpp (`atome sweep` reads them from sweep files).
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/train_flags.h"
#include "host/errors.h"
#include "lab/metrics_file.h"

namespace atome::cli {

using namespace atome::lab;  // the lab does the work; this file parses flags and prints
namespace {

void run_train(const TrainFlags& f) {
  const train::RunControl control = run_control(f);
  if (f.out.empty()) throw UsageError("--out DIR is required");
  train::TrainResult r;
  if (f.resume) {
    r = resume_run(control);
  } else {
    if (f.train.empty()) throw UsageError("--train FILE is required (or --resume)");
    r = start_run(train_options(f), control);
  }
  if (!f.no_plot)
    plot_metrics({f.out + "/metrics.jsonl"}, f.out + "/loss.svg", "Training: " + f.out);
  if (!f.quiet) {
    std::printf("trained %d steps: train loss %.4f (%.3f bpb), %.0f tok/s over %.1f s", r.steps,
                r.train_loss, r.train_loss / 0.6931471805599453, r.tokens_per_s, r.seconds);
    if (r.valid_bpb >= 0.0)
      std::printf("; valid %.4f bpb (best %.4f at step %d)", r.valid_bpb, r.best_valid_bpb,
                  r.best_step);
    if (r.engine_valid_bpb >= 0.0)
      std::printf("; engine on model.atome %.4f bpb", r.engine_valid_bpb);
    const std::string model = f.out + "/model.atome";
    struct stat st;
    std::printf("\nwrote %s\n",
                (::stat(model.c_str(), &st) == 0 ? model : f.out + "/result.json").c_str());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd =
      app.add_subcommand("train", "Train an Atome LM (QAT, AdamW) or a GPT baseline on text");
  add_train_flags(*cmd, *f);
  cmd->callback([f] { run_train(*f); });
}

}  // namespace atome::cli
