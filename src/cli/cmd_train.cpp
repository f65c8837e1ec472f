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
//
// --task classify --data DIR [--group-by site|subject|device] [--epochs N] [--patience N]
// [--target-risk R] trains a classifier instead (train/class_trainer.h; data layout in
// train/class_data.h): grouped splits, class-weighted loss, early stopping, QAT in --numerics,
// then temperature scaling and a max-prob abstention threshold fitted on valid, and the test
// report. Writes best.atome (a 1.3 classifier file with its full input spec), result.json,
// test_predictions.csv, confusion.svg and risk_coverage.svg; --resume continues such a run too.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/train_flags.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "lab/class_charts.h"
#include "lab/metrics_file.h"

namespace atome::cli {

using namespace atome::lab;  // the lab does the work; this file parses flags and prints
namespace {

void write_text(const std::string& path, const std::string& text) {
  write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

void print_classify(const train::ClassifyReport& r, const std::string& out) {
  std::printf("%s: %zu train / %zu valid / %zu test examples, split by %s\n", r.head.c_str(),
              r.n_train, r.n_valid, r.n_test, r.group_by.c_str());
  std::printf("trained %d epochs (%d steps)%s; best valid loss %.4f at epoch %d\n", r.epochs_run,
              r.steps, r.stopped_early ? ", stopped early" : "", r.best_valid_loss, r.best_epoch);
  std::printf("calibration (valid): temperature %.4f; abstain when max prob < %.6f%s\n",
              r.temperature, r.threshold,
              r.threshold_found ? "" : " (no threshold reaches the target risk)");
  std::printf("test: accuracy %.4f, macro-F1 %.4f\n", r.accuracy, r.macro_f1);
  std::printf("test: ECE %.4f before, %.4f after calibration (NLL %.4f -> %.4f)\n", r.ece_before,
              r.ece_after, r.nll_before, r.nll_after);
  std::printf("test: AURC %.4f; coverage at 1%% risk %.4f, at 5%% risk %.4f\n", r.aurc,
              r.coverage_at_1, r.coverage_at_5);
  std::printf("test at the threshold (target risk %.4g): coverage %.4f, selective risk %.4f\n",
              static_cast<double>(r.target_risk), r.coverage, r.selective_risk);
  std::printf("wrote %s/best.atome (%zu bytes)\n", out.c_str(), r.model_bytes);
}

void run_classify_train(const TrainFlags& f, const train::RunControl& control) {
  const train::ClassifyReport r =
      f.resume ? resume_classifier_run(control) : start_classifier_run(train_options(f), control);
  if (!f.no_plot) {
    write_text(f.out + "/confusion.svg",
               render_confusion_svg(r.confusion, r.classes, "Test confusion: " + r.head));
    RiskCoverageChart chart;
    chart.title = "Risk-coverage (test): " + r.head;
    for (const train::RiskCoveragePoint& p : r.curve) chart.curve.push_back({p.coverage, p.risk});
    chart.chosen_coverage = r.coverage;
    chart.chosen_risk = r.selective_risk;
    chart.target_risk = r.target_risk;
    write_text(f.out + "/risk_coverage.svg", render_risk_coverage_svg(chart));
  }
  if (!f.quiet) print_classify(r, f.out);
}

void run_train(const TrainFlags& f) {
  const train::RunControl control = run_control(f);
  if (f.out.empty()) throw UsageError("--out DIR is required");
  if (f.resume ? train::is_classifier_run(f.out) : f.task == "classify")
    return run_classify_train(f, control);
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
