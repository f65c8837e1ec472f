#include "cli/train_flags.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>

#include "cli/validate.h"
#include "host/errors.h"
#include "host/model_config.h"

namespace atome::cli {
namespace {

bool is_gpt_preset(const std::string& preset) {
  return preset.rfind("vanilla-", 0) == 0;
}

// value when it is one of `allowed`, else a UsageError "FLAG must be a, b or c (got 'value')".
const std::string& one_of(const std::string& value, std::initializer_list<const char*> allowed,
                          const char* flag) {
  std::string list;
  size_t i = 0;
  for (const char* a : allowed) {
    if (value == a) return value;
    if (i > 0) list += i + 1 == allowed.size() ? " or " : ", ";
    list += a;
    ++i;
  }
  throw UsageError(std::string(flag) + " must be " + list + " (got '" + value + "')");
}

bool is_classify(const TrainFlags& f) {
  return f.task == "classify";
}

std::string preset_name(const TrainFlags& f) {
  return !f.preset.empty() ? f.preset : is_classify(f) ? "superesp" : "60k";
}

atome_config model_config_of(const TrainFlags& f) {
  const Preset* preset = find_preset(preset_name(f));
  if (preset == nullptr) {
    std::string names;
    for (const Preset& p : atome_presets()) names += std::string(p.name) + ", ";
    throw UsageError("--preset must be " + names + "vanilla-60k or vanilla-6k (got '" + f.preset +
                     "')");
  }
  if (!f.heads.empty() || !f.d_ff.empty() || !f.max_seq.empty())
    throw UsageError("--heads, --d-ff and --max-seq are for the GPT presets (vanilla-60k, -6k)");
  ModelDims dims = preset->dims;
  if (!f.d.empty()) dims.d_model = parse_u32(f.d, "--d", 1, 8192);
  if (!f.layers.empty()) dims.n_layers = parse_u32(f.layers, "--layers", 1, 1024);
  if (!f.d_head.empty()) dims.d_head = parse_u32(f.d_head, "--d-head", 1, 8192);
  uint32_t pathways = ATOME_PATH_ALL;
  for (const std::string& name : f.drop) {
    const uint32_t bit = pathway_bit(name);
    if (bit == 0) throw UsageError("--drop takes conv, ssm or attn (got '" + name + "')");
    pathways &= ~bit;
  }
  if (pathways == 0) throw UsageError("--drop: at least one pathway must stay");
  if ((pathways & ATOME_PATH_ATTN) && dims.d_head > dims.d_model)  // docs/FORMAT.md §3 rule 8
    throw UsageError("--d-head (" + std::to_string(dims.d_head) + ") must not exceed --d (" +
                     std::to_string(dims.d_model) + ")");
  // Flags of an absent pathway are not read: its dimensions are not in the file.
  if (pathways & ATOME_PATH_CONV) dims.conv_kernel = parse_u32(f.kernel, "--kernel", 1, 64);
  if (pathways & ATOME_PATH_ATTN) dims.top_k = parse_u32(f.top_k, "--top-k", 1, 1024);
  return make_config(dims, pathways);
}

train::GptConfig gpt_model(const TrainFlags& f) {
  if (!f.d_head.empty() || !f.drop.empty())
    throw UsageError("--d-head and --drop are for the Atome presets (60k, 944k)");
  train::GptConfig g;
  try {
    g = train::gpt_preset(f.preset);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--preset: ") + e.what());
  }
  if (!f.d.empty()) g.d_model = parse_u32(f.d, "--d", 1, 8192);
  if (!f.layers.empty()) g.n_layers = parse_u32(f.layers, "--layers", 1, 1024);
  if (!f.heads.empty()) g.n_heads = parse_u32(f.heads, "--heads", 1, 8192);
  if (!f.d_ff.empty()) g.d_ff = parse_u32(f.d_ff, "--d-ff", 1, 65536);
  if (!f.max_seq.empty()) g.max_seq = parse_u32(f.max_seq, "--max-seq", 1, 65536);
  if (g.d_model % g.n_heads != 0)
    throw UsageError("--heads must divide --d (" + std::to_string(g.d_model) + " by " +
                     std::to_string(g.n_heads) + ")");
  return g;
}

template <typename Fn>
auto translated(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const UsageError&) {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const std::runtime_error& e) {
    throw Error(e.what());
  }
}

}  // namespace

namespace {
void make_run_dir(const train::RunControl& control) {
  if (control.out_dir.empty()) throw UsageError("--out DIR is required");
  if (::mkdir(control.out_dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw Error("cannot create " + control.out_dir);
  struct stat st;
  if (::stat((control.out_dir + "/checkpoint.bin").c_str(), &st) == 0)
    throw UsageError(control.out_dir +
                     " already holds a run: pass --resume to continue it, or pick another --out");
}
}  // namespace

train::TrainResult start_run(const train::TrainOptions& options, const train::RunControl& control) {
  make_run_dir(control);
  return translated([&] { return train::train(options, control); });
}

train::ClassifyReport start_classifier_run(const train::TrainOptions& options,
                                           const train::RunControl& control) {
  make_run_dir(control);
  return translated([&] { return train::train_classifier(options, control); });
}

train::ClassifyReport resume_classifier_run(const train::RunControl& control) {
  if (control.out_dir.empty()) throw UsageError("--out DIR is required");
  return translated([&] { return train::resume_classifier(control); });
}

train::TrainResult resume_run(const train::RunControl& control) {
  if (control.out_dir.empty()) throw UsageError("--out DIR is required");
  return translated([&] { return train::resume(control); });
}

void add_train_flags(CLI::App& cmd, TrainFlags& f) {
  cmd.add_option("--train", f.train, "Training text (stories separated by <|endoftext|> lines)");
  cmd.add_option("--valid", f.valid, "Validation text: bits per byte at --eval-every and the end");
  cmd.add_option("--out", f.out, "Run directory (created)");
  cmd.add_flag("--resume", f.resume, "Continue the run in --out from its checkpoint");
  cmd.add_option("--preset", f.preset,
                 "Model: 60k (default) or 944k (Atome LM), vanilla-60k or vanilla-6k (float GPT "
                 "baseline), superesp (d 32, 2 layers: the default with --task classify)");
  cmd.add_option("--task", f.task,
                 "lm (a language model on --train text) or classify (a classifier on --data DIR)")
      ->capture_default_str();
  cmd.add_option("--data", f.data,
                 "classify: data directory (spec.json + examples.csv, train/class_data.h)");
  cmd.add_option("--group-by", f.group_by,
                 "classify: split by site, subject or device (default: spec.json's group_by)");
  cmd.add_option("--epochs", f.epochs, "classify: epochs at most")->capture_default_str();
  cmd.add_option("--patience", f.patience,
                 "classify: stop after N epochs without a better validation loss")
      ->capture_default_str();
  cmd.add_option("--risk-confidence", f.risk_confidence,
                 "classify: the threshold keeps the Clopper-Pearson upper bound of the validation "
                 "risk, at this confidence, <= --target-risk (0: the observed risk itself)")
      ->capture_default_str();
  cmd.add_option("--threshold-rule", f.threshold_rule,
                 "classify: pooled (the --risk-confidence bound over the validation split) or "
                 "leave-group-out (also with each validation group left out: a threshold must not "
                 "rest on one easy group)")
      ->capture_default_str();
  cmd.add_option("--temperature-rule", f.temperature_rule,
                 "classify: nll (the temperature minimising the validation NLL) or "
                 "leave-group-out (the largest of the fits with one validation group left out)")
      ->capture_default_str();
  cmd.add_option("--quant", f.quant,
                 "classify: tokenisation, banded (each feature its own band of 256 / features "
                 "levels: the token says which feature it is), channel (each channel its own "
                 "band of 256 / channels levels) or global (256 levels, shared)")
      ->capture_default_str();
  cmd.add_option("--jitter", f.jitter,
                 "classify: in training batches each token moves one level up or down within its "
                 "band with this probability (the levels are ordered; 0: off)")
      ->capture_default_str();
  cmd.add_option("--label-smoothing", f.label_smoothing,
                 "classify: the head's target is (1 - s) onehot + s / classes (0: plain "
                 "cross-entropy)")
      ->capture_default_str();
  cmd.add_option("--range-tail", f.range_tail,
                 "classify: each channel's quantisation range runs from this percentile of its "
                 "train values to 1 - this (as a fraction; values outside clip to the end levels)")
      ->capture_default_str();
  cmd.add_option("--level-fit", f.level_fit,
                 "classify: after every step each feature's embedding rows are projected onto "
                 "polynomials of this degree in the level (0: off)")
      ->capture_default_str();
  cmd.add_option("--target-risk", f.target_risk,
                 "classify: the abstention threshold keeps the validation selective risk <= this")
      ->capture_default_str();
  cmd.add_option("--d", f.d, "Model width (overrides the preset)");
  cmd.add_option("--layers", f.layers, "Number of blocks (overrides the preset)");
  cmd.add_option("--d-head", f.d_head, "Atome: attention query/key width (overrides the preset)");
  cmd.add_option("--kernel", f.kernel, "Atome: conv kernel K")->capture_default_str();
  cmd.add_option("--top-k", f.top_k, "Atome: attention keeps the top k scores")
      ->capture_default_str();
  cmd.add_option("--drop", f.drop,
                 "Atome: leave pathways out (conv, ssm, attn; comma-separated), the router "
                 "spans the rest")
      ->delimiter(',');
  cmd.add_option("--heads", f.heads, "GPT: attention heads (overrides the preset)");
  cmd.add_option("--d-ff", f.d_ff, "GPT: MLP width (overrides the preset)");
  cmd.add_option("--max-seq", f.max_seq, "GPT: learned positions (overrides the preset)");
  cmd.add_option("--steps", f.steps, "Optimiser steps")->capture_default_str();
  cmd.add_option("--batch", f.batch, "Sequences per step [16; classify: 64 examples]");
  cmd.add_option("--seq", f.seq, "Sequence length (bytes predicted per sequence)")
      ->capture_default_str();
  cmd.add_option("--seed", f.seed, "Seed (initialisation and batches)")->capture_default_str();
  cmd.add_option("--lr", f.lr, "Peak learning rate [3e-3 for d <= 64, else 2e-3; tuned for Atome]");
  cmd.add_option("--wd", f.wd, "AdamW weight decay (Atome: ternary matrices only; GPT: all)")
      ->capture_default_str();
  cmd.add_option("--beta1", f.beta1, "AdamW beta1")->capture_default_str();
  cmd.add_option("--beta2", f.beta2, "AdamW beta2")->capture_default_str();
  cmd.add_option("--clip", f.clip, "Max global gradient norm (0: off)")->capture_default_str();
  cmd.add_option("--schedule", f.schedule, "constant or cosine")->capture_default_str();
  cmd.add_option("--warmup", f.warmup, "Linear warmup steps (auto: min(500, steps / 20))")
      ->capture_default_str();
  cmd.add_option("--min-lr-ratio", f.min_lr_ratio, "Cosine ends at lr * this")
      ->capture_default_str();
  cmd.add_option("--eval-every", f.eval_every, "Validate every N steps (0: at the end only)")
      ->capture_default_str();
  cmd.add_option("--eval-chunk", f.eval_chunk,
                 "Validate on N-byte chunks as `atome eval --chunk N` (0: whole stories)")
      ->capture_default_str();
  cmd.add_option("--checkpoint-every", f.checkpoint_every, "Checkpoint every N steps")
      ->capture_default_str();
  cmd.add_option("--log-every", f.log_every, "Metrics line every N steps")->capture_default_str();
  cmd.add_option("--threads", f.threads, "Threads (0: all cores)")->capture_default_str();
  cmd.add_option(
         "--numerics", f.numerics,
         "Atome: f32, or a8 / q15 for quantisation-aware training (the forward fake-quantises "
         "as the engine's a8 / q15; the files are written in that numerics)")
      ->capture_default_str();
  cmd.add_option("--export-numerics", f.export_numerics,
                 "Atome: numerics of the model files (default: --numerics); f32 training with "
                 "--export-numerics q15 is post-training conversion");
  cmd.add_flag("--legacy", f.legacy, "Also write model.atome01 for the original's engine");
  cmd.add_flag("--quiet", f.quiet, "No progress output");
  cmd.add_flag("--no-plot", f.no_plot, "Do not write loss.svg");
  cmd.add_option("--step-delay-ms", f.step_delay_ms, "Sleep after each step (tests)")
      ->group("");  // hidden
  cmd.add_option("--stop-after-step", f.stop_after_step,
                 "classify: fail right after the first epoch-end checkpoint at or past this step "
                 "(tests: a run killed there)")
      ->group("");  // hidden
}

train::TrainOptions train_options(const TrainFlags& f) {
  train::TrainOptions o;
  uint32_t width = 0;
  if (f.task != "lm" && f.task != "classify")
    throw UsageError("--task must be lm or classify (got '" + f.task + "')");
  if (is_classify(f)) {
    if (is_gpt_preset(preset_name(f)))
      throw UsageError("--task classify trains the Atome block: --preset superesp, 60k or 944k");
    if (!f.train.empty() || !f.valid.empty())
      throw UsageError("--task classify reads --data DIR, not --train / --valid");
    if (f.data.empty()) throw UsageError("--task classify needs --data DIR");
    o.task = "classify";
    o.data_dir = f.data;
    if (!f.group_by.empty())
      o.group_by = one_of(f.group_by, {"site", "subject", "device"}, "--group-by");
    o.epochs = static_cast<int>(parse_u32(f.epochs, "--epochs", 1, 100000));
    o.patience = static_cast<int>(parse_u32(f.patience, "--patience", 1, 100000));
    o.target_risk = parse_float(f.target_risk, "--target-risk", 0.0, true, 1.0);
    if (!(o.target_risk < 1.0f)) throw UsageError("--target-risk must be below 1");
    o.quant = one_of(f.quant, {"banded", "channel", "global"}, "--quant");
    o.threshold_rule = one_of(f.threshold_rule, {"pooled", "leave-group-out"}, "--threshold-rule");
    o.temperature_rule =
        one_of(f.temperature_rule, {"nll", "leave-group-out"}, "--temperature-rule");
    o.jitter = parse_float(f.jitter, "--jitter", 0.0, false, 1.0);
    o.label_smoothing = parse_float(f.label_smoothing, "--label-smoothing", 0.0, false, 1.0);
    if (!(o.label_smoothing < 1.0f)) throw UsageError("--label-smoothing must be below 1");
    if (f.level_fit < 0 || f.level_fit > 4) throw UsageError("--level-fit must be 0..4");
    o.level_fit = f.level_fit;
    // Checked as the other numbers are, then kept in double: the default must be exactly the
    // 0.005 the ranges always used (a float 0.005 moves floor(tail * n) for some n).
    parse_float(f.range_tail, "--range-tail", 0.0, false, 0.25);
    o.range_tail = std::strtod(f.range_tail.c_str(), nullptr);
    if (!(o.range_tail < 0.25)) throw UsageError("--range-tail must be below 0.25");
    o.risk_confidence = parse_float(f.risk_confidence, "--risk-confidence", 0.0, true, 1.0);
    if (!(o.risk_confidence < 1.0f)) throw UsageError("--risk-confidence must be below 1");
  } else if (!f.data.empty() || !f.group_by.empty()) {
    throw UsageError("--data and --group-by need --task classify");
  }
  if (is_gpt_preset(preset_name(f))) {
    o.arch = "gpt";
    o.gpt = gpt_model(f);
    width = o.gpt.d_model;
  } else {
    o.arch = "atome";
    o.model = model_config_of(f);
    width = o.model.d_model;
  }
  o.train_path = f.train;
  o.valid_path = f.valid;
  o.seed = parse_uint(f.seed, "--seed", 0, UINT64_MAX);
  o.steps = static_cast<int>(parse_u32(f.steps, "--steps", 1, 100000000));
  o.batch =
      parse_u32(f.batch.empty() ? (is_classify(f) ? "64" : "16") : f.batch, "--batch", 1, 65536);
  o.seq_len = parse_u32(f.seq, "--seq", 2, 65536);
  // Defaults measured on valid.txt (docs/RESULTS.md §6): 3e-3 for the 60K model, 2e-3 wider.
  o.adam.lr =
      f.lr.empty() ? (width <= 64 ? 3e-3f : 2e-3f) : parse_float(f.lr, "--lr", 0.0, true, 10.0);
  o.adam.weight_decay = parse_float(f.wd, "--wd", 0.0, false, 10.0);
  o.adam.beta1 = parse_float(f.beta1, "--beta1", 0.0, false, 0.9999);
  o.adam.beta2 = parse_float(f.beta2, "--beta2", 0.0, false, 0.99999);
  o.clip = parse_float(f.clip, "--clip", 0.0, false, 1e9);
  try {
    o.schedule = train::parse_schedule(f.schedule);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  o.warmup = f.warmup == "auto" ? (is_classify(f) ? -1 : std::min(500, o.steps / 20))
                                : static_cast<int>(parse_u32(f.warmup, "--warmup", 0, 100000000));
  o.min_lr_ratio = parse_float(f.min_lr_ratio, "--min-lr-ratio", 0.0, false, 1.0);
  o.eval_every = static_cast<int>(parse_u32(f.eval_every, "--eval-every", 0, 100000000));
  o.eval_chunk = parse_u32(f.eval_chunk, "--eval-chunk", 0, 65536);
  o.checkpoint_every =
      static_cast<int>(parse_u32(f.checkpoint_every, "--checkpoint-every", 1, 100000000));
  o.log_every = static_cast<int>(parse_u32(f.log_every, "--log-every", 1, 100000000));
  o.legacy = f.legacy;
  try {
    o.numerics = train::parse_train_numerics(f.numerics, "--numerics");
    o.export_numerics = f.export_numerics.empty()
                            ? o.numerics
                            : train::parse_train_numerics(f.export_numerics, "--export-numerics");
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (o.arch == "gpt" && (o.numerics != ATOME_NUMERICS_F32 || o.export_numerics != o.numerics))
    throw UsageError("--numerics and --export-numerics are for the Atome presets (60k, 944k)");
  return o;
}

train::RunControl run_control(const TrainFlags& f) {
  train::RunControl control;
  control.out_dir = f.out;
  control.threads = static_cast<int>(parse_u32(f.threads, "--threads", 0, 1024));
  control.quiet = f.quiet;
  control.step_delay_ms = static_cast<int>(parse_u32(f.step_delay_ms, "--step-delay-ms", 0, 60000));
  control.stop_after_step =
      static_cast<int>(parse_u32(f.stop_after_step, "--stop-after-step", 0, 100000000));
  return control;
}

}  // namespace atome::cli
