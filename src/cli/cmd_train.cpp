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
// --d / --layers / --d-head / --kernel / --top-k override single dimensions.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/metrics_file.h"
#include "cli/validate.h"
#include "train/trainer.h"

namespace atome::cli {
namespace {

struct TrainFlags {
  std::string train, valid, out, preset = "60k";
  std::string d, layers, d_head, kernel = "5", top_k = "4";
  std::string steps = "3000", batch = "16", seq = "64", seed = "1";
  std::string lr, wd = "0.01", beta1 = "0.9", beta2 = "0.999", clip = "1";
  std::string schedule = "cosine", warmup = "auto", min_lr_ratio = "0.1";
  std::string eval_every = "0", checkpoint_every = "100", log_every = "10";
  std::string threads = "0", step_delay_ms = "0";
  bool legacy = false, resume = false, quiet = false, no_plot = false;
};

atome_config model_config(const TrainFlags& f) {
  uint32_t d = 64, layers = 4, d_head = 16;
  if (f.preset == "944k") {
    d = 256;
    layers = 8;
    d_head = 64;
  } else if (f.preset != "60k") {
    throw UsageError("--preset must be 60k or 944k (got '" + f.preset + "')");
  }
  if (!f.d.empty()) d = parse_u32(f.d, "--d", 1, 8192);
  if (!f.layers.empty()) layers = parse_u32(f.layers, "--layers", 1, 1024);
  if (!f.d_head.empty()) d_head = parse_u32(f.d_head, "--d-head", 1, 8192);
  atome_config c{};
  c.arch = ATOME_ARCH_LM;
  c.vocab_size = 256;
  c.d_model = d;
  c.n_layers = layers;
  c.d_head = d_head;
  c.conv_kernel = parse_u32(f.kernel, "--kernel", 1, 64);
  c.top_k = parse_u32(f.top_k, "--top-k", 1, 1024);
  c.pathways = ATOME_PATH_ALL;
  c.n_paths = 3;
  c.act_bits = 32;
  c.norm_eps = 1e-5f;
  return c;
}

void plot_run(const std::string& dir) {
  plot_metrics({dir + "/metrics.jsonl"}, dir + "/loss.svg", "Atome LM training: " + dir);
}

void run_train(const TrainFlags& f) {
  train::RunControl control;
  control.out_dir = f.out;
  control.threads = static_cast<int>(parse_u32(f.threads, "--threads", 0, 1024));
  control.quiet = f.quiet;
  control.step_delay_ms = static_cast<int>(parse_u32(f.step_delay_ms, "--step-delay-ms", 0, 60000));
  train::TrainResult r;
  try {
    if (f.resume) {
      r = train::resume(control);
    } else {
      if (f.train.empty()) throw UsageError("--train FILE is required (or --resume)");
      train::TrainOptions o;
      o.model = model_config(f);
      o.train_path = f.train;
      o.valid_path = f.valid;
      o.seed = parse_uint(f.seed, "--seed", 0, UINT64_MAX);
      o.steps = static_cast<int>(parse_u32(f.steps, "--steps", 1, 100000000));
      o.batch = parse_u32(f.batch, "--batch", 1, 65536);
      o.seq_len = parse_u32(f.seq, "--seq", 2, 65536);
      // Defaults measured on valid.txt (docs/RESULTS.md §6): 3e-3 for the 60K model, 2e-3 wider.
      o.adam.lr = f.lr.empty() ? (o.model.d_model <= 64 ? 3e-3f : 2e-3f)
                               : parse_float(f.lr, "--lr", 0.0, true, 10.0);
      o.adam.weight_decay = parse_float(f.wd, "--wd", 0.0, false, 10.0);
      o.adam.beta1 = parse_float(f.beta1, "--beta1", 0.0, false, 0.9999);
      o.adam.beta2 = parse_float(f.beta2, "--beta2", 0.0, false, 0.99999);
      o.clip = parse_float(f.clip, "--clip", 0.0, false, 1e9);
      o.schedule = train::parse_schedule(f.schedule);
      o.warmup = f.warmup == "auto"
                     ? std::min(500, o.steps / 20)
                     : static_cast<int>(parse_u32(f.warmup, "--warmup", 0, 100000000));
      o.min_lr_ratio = parse_float(f.min_lr_ratio, "--min-lr-ratio", 0.0, false, 1.0);
      o.eval_every = static_cast<int>(parse_u32(f.eval_every, "--eval-every", 0, 100000000));
      o.checkpoint_every =
          static_cast<int>(parse_u32(f.checkpoint_every, "--checkpoint-every", 1, 100000000));
      o.log_every = static_cast<int>(parse_u32(f.log_every, "--log-every", 1, 100000000));
      o.legacy = f.legacy;
      if (::mkdir(f.out.c_str(), 0777) != 0 && errno != EEXIST)
        throw CliError("cannot create " + f.out);
      struct stat st;
      if (::stat((f.out + "/checkpoint.bin").c_str(), &st) == 0)
        throw UsageError(f.out +
                         " already holds a run: pass --resume to continue it, or pick "
                         "another --out");
      r = train::train(o, control);
    }
  } catch (const UsageError&) {
    throw;
  } catch (const CliError&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const std::runtime_error& e) {
    throw CliError(e.what());
  }
  if (!f.no_plot) plot_run(f.out);
  if (!f.quiet) {
    std::printf("trained %d steps: train loss %.4f (%.3f bpb), %.0f tok/s over %.1f s", r.steps,
                r.train_loss, r.train_loss / 0.6931471805599453, r.tokens_per_s, r.seconds);
    if (r.valid_bpb >= 0.0)
      std::printf("; valid %.4f bpb (best %.4f at step %d)", r.valid_bpb, r.best_valid_bpb,
                  r.best_step);
    std::printf("\nwrote %s/model.atome\n", f.out.c_str());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train an Atome LM on a text file (QAT, AdamW)");
  cmd->add_option("--train", f->train, "Training text (stories separated by <|endoftext|> lines)");
  cmd->add_option("--valid", f->valid,
                  "Validation text: bits per byte at --eval-every and the end");
  cmd->add_option("--out", f->out, "Run directory (created)")->required();
  cmd->add_flag("--resume", f->resume, "Continue the run in --out from its checkpoint");
  cmd->add_option("--preset", f->preset, "Model preset: 60k or 944k")->capture_default_str();
  cmd->add_option("--d", f->d, "Model width (overrides the preset)");
  cmd->add_option("--layers", f->layers, "Number of blocks (overrides the preset)");
  cmd->add_option("--d-head", f->d_head, "Attention query/key width (overrides the preset)");
  cmd->add_option("--kernel", f->kernel, "Conv kernel K")->capture_default_str();
  cmd->add_option("--top-k", f->top_k, "Attention keeps the top k scores")->capture_default_str();
  cmd->add_option("--steps", f->steps, "Optimiser steps")->capture_default_str();
  cmd->add_option("--batch", f->batch, "Sequences per step")->capture_default_str();
  cmd->add_option("--seq", f->seq, "Sequence length (bytes predicted per sequence)")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed (initialisation and batches)")->capture_default_str();
  cmd->add_option("--lr", f->lr, "Peak learning rate [3e-3 for d <= 64, else 2e-3]");
  cmd->add_option("--wd", f->wd, "AdamW weight decay (ternary matrices only)")
      ->capture_default_str();
  cmd->add_option("--beta1", f->beta1, "AdamW beta1")->capture_default_str();
  cmd->add_option("--beta2", f->beta2, "AdamW beta2")->capture_default_str();
  cmd->add_option("--clip", f->clip, "Max global gradient norm (0: off)")->capture_default_str();
  cmd->add_option("--schedule", f->schedule, "constant or cosine")->capture_default_str();
  cmd->add_option("--warmup", f->warmup, "Linear warmup steps (auto: min(500, steps / 20))")
      ->capture_default_str();
  cmd->add_option("--min-lr-ratio", f->min_lr_ratio, "Cosine ends at lr * this")
      ->capture_default_str();
  cmd->add_option("--eval-every", f->eval_every, "Validate every N steps (0: at the end only)")
      ->capture_default_str();
  cmd->add_option("--checkpoint-every", f->checkpoint_every, "Checkpoint every N steps")
      ->capture_default_str();
  cmd->add_option("--log-every", f->log_every, "Metrics line every N steps")->capture_default_str();
  cmd->add_option("--threads", f->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->add_flag("--legacy", f->legacy, "Also write model.atome01 for the original's engine");
  cmd->add_flag("--quiet", f->quiet, "No progress output");
  cmd->add_flag("--no-plot", f->no_plot, "Do not write loss.svg");
  cmd->add_option("--step-delay-ms", f->step_delay_ms, "Sleep after each step (tests)")
      ->group("");  // hidden
  cmd->callback([f] { run_train(*f); });
}

}  // namespace atome::cli
