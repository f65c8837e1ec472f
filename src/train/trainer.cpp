// The training loop (see trainer.h): batches, forward, backward, clipping, AdamW, and at their
// intervals the log line, the validation and the checkpoint. The run's options and their JSON are
// in run_options.cpp, the validation in evaluation.cpp, metrics.jsonl in metrics_log.cpp.
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/numerics.h"
#include "host/aligned_buffer.h"
#include "host/eval_protocol.h"
#include "host/evaluate.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "train/checkpoint.h"
#include "train/gemm.h"
#include "train/metrics_log.h"
#include "train/progress.h"
#include "train/run_steps.h"

namespace atome::train {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Where batch row b of step s starts: SplitMix64 over (seed, step, row), so any step's batch can
// be drawn again after a resume without replaying the generator.
uint64_t batch_offset(uint64_t seed, int step, uint32_t row, uint64_t range) {
  const uint64_t z = seed * 0x9E3779B97F4A7C15ull +
                     static_cast<uint64_t>(step) * 0xD1B54A32D192ED03ull +
                     row * 0x8CB92BA72F3D8DD7ull;
  return splitmix64_mix(z) % range;
}

// Inputs are seq_len bytes of the stream, targets the same window one byte later.
void draw_batch(const TextCorpus& corpus, const TrainOptions& o, int step, std::vector<uint8_t>& in,
                std::vector<uint8_t>& target) {
  const size_t T = o.seq_len;
  in.resize(static_cast<size_t>(o.batch) * T);
  target.resize(in.size());
  const uint64_t range = corpus.tokens.size() - T;  // checked >= 1 at start
  for (uint32_t b = 0; b < o.batch; ++b) {
    const size_t start = batch_offset(o.seed, step, b, range);
    std::copy_n(corpus.tokens.begin() + start, T, in.begin() + b * T);
    std::copy_n(corpus.tokens.begin() + start + 1, T, target.begin() + b * T);
  }
}

std::unique_ptr<LanguageModel> make_model(const TrainOptions& o) {
  if (o.arch == "gpt") return std::make_unique<GptModel>(o.gpt);
  auto model = std::make_unique<AtomeModel>(o.model);
  model->set_numerics(o.numerics);
  return model;
}

// The model as the files hold it: exported, then converted to --export-numerics.
HostModel exported(const AtomeModel& model, const TrainOptions& o) {
  const HostModel host = model.export_model(o.seq_len);
  if (o.export_numerics == ATOME_NUMERICS_F32) return host;
  try {
    return convert_numerics(host, o.export_numerics);
  } catch (const Error& e) {  // a value outside q15's fixed-point range
    throw std::runtime_error(e.what());
  }
}

// Bytes the model takes on disk: the native file for an Atome LM, float32 values for a GPT.
size_t model_bytes(const LanguageModel& model, const TrainOptions& o) {
  if (o.arch == "atome")
    return write_native(exported(static_cast<const AtomeModel&>(model), o)).size();
  return model.param_count() * sizeof(float);
}

void write_models(const LanguageModel& any, const TrainOptions& o, const std::string& dir,
                  const std::string& stem, bool legacy) {
  if (o.arch != "atome") return;  // a GPT baseline has no file format
  const AtomeModel& model = static_cast<const AtomeModel&>(any);
  const HostModel host = exported(model, o);
  write_file_atomic(path_in(dir, stem + ".atome"), write_native(host));
  if (legacy) write_file_atomic(path_in(dir, stem + ".atome01"), write_legacy(host));
}

// What the trainer's validation measures: its own forward, with the fake quantisation it trains
// with (the engine's number on the exported file is engine_bpb).
std::string valid_forward(const TrainOptions& o) {
  if (o.numerics == ATOME_NUMERICS_F32) return "trainer f32";
  return std::string("trainer ") + numerics_name(o.numerics) + " fake quantisation";
}

// The engine's bits per byte on a model file, by the protocol of `atome eval` (host/eval_protocol:
// chunk mode for eval_chunk > 0, else stories; the window holds every input of a span).
double engine_bpb(const std::string& model_path, const TextCorpus& corpus, uint32_t eval_chunk) {
  const std::vector<uint8_t> image = read_file(model_path);
  AlignedBuffer buffer(image.size());
  std::memcpy(buffer.data(), image.data(), image.size());
  atome_model model;
  load_or_throw(&model, buffer.data(), image.size(), model_path);
  const EvalText text = eval_text(corpus, eval_chunk);
  size_t longest = 1;
  for (const Span& s : text.spans) longest = std::max(longest, s.inputs());
  const uint32_t window = static_cast<uint32_t>(std::min<size_t>(longest, ATOME_MAX_WINDOW));
  const EvalTotals totals = evaluate_spans(model, window, UINT64_MAX, text.stream, text.spans,
                                           static_cast<uint32_t>(train_threads()));
  return totals.predicted ? totals.nats / std::log(2.0) / static_cast<double>(totals.predicted)
                          : 0.0;
}

TrainResult run(const TrainOptions& o, const RunControl& ctl, const Checkpoint* from) {
  if (o.task != "lm")  // a classifier run has its own loop (class_trainer.h)
    throw std::invalid_argument("--task " + o.task + " is not a language-model run");
  validate_options(o);
  set_train_threads(ctl.threads);
  const TextCorpus corpus = load_text_corpus(o.train_path);
  if (corpus.tokens.size() < static_cast<size_t>(o.seq_len) + 1)
    throw std::invalid_argument(o.train_path + ": shorter than one sequence (--seq + 1 bytes)");
  TextCorpus valid;
  if (!o.valid_path.empty()) valid = load_text_corpus(o.valid_path);

  const std::unique_ptr<LanguageModel> owned = make_model(o);
  LanguageModel& model = *owned;
  AdamW adam(model.param_count());
  RunCounters counters;
  if (from != nullptr) {
    counters = restore_checkpoint(*from, model, adam);
    if (counters.step < 0 || counters.step > o.steps)
      throw std::runtime_error("checkpoint step " + std::to_string(counters.step) +
                               " is outside the run's " + std::to_string(o.steps) + " steps");
  } else {
    model.init(o.seed);
    write_text_file(path_in(ctl.out_dir, "run.json"), options_to_json(o) + "\n");
  }

  MetricsLog metrics(path_in(ctl.out_dir, "metrics.jsonl"), from != nullptr ? counters.step : -1);
  metrics.write({{"event", from ? "resume" : "start"},
                 {"step", counters.step},
                 {"params", model.param_count()},
                 {"threads", train_threads()},
                 {"numerics", numerics_name(o.numerics)},
                 {"export_numerics", numerics_name(o.export_numerics)},
                 {"valid_forward", valid_forward(o)}});

  const LrSchedule schedule{o.schedule, o.warmup, o.steps, o.min_lr_ratio};
  Progress progress(o.steps, ctl.quiet);
  if (from != nullptr)
    progress.message("resuming at step " + std::to_string(counters.step) + " of " +
                     std::to_string(o.steps));

  TrainResult result;
  const size_t tokens_per_step = static_cast<size_t>(o.batch) * o.seq_len;
  const auto started = Clock::now();
  double train_seconds = 0.0, interval_loss = 0.0;
  int interval_steps = 0, steps_here = 0;
  std::vector<uint8_t> in, target;

  auto validate = [&](int step) {
    if (valid.n_stories() == 0) return;
    const EvalResult e = evaluate(model, valid, o.eval_chunk);
    result.valid_bpb = e.bpb;
    metrics.write({{"step", step},
                   {"valid_bpb", e.bpb},
                   {"valid_loss", e.nats / e.predicted},
                   {"valid_forward", valid_forward(o)}});
    std::string note;
    if (counters.best_valid_bpb < 0.0 || e.bpb < counters.best_valid_bpb) {
      counters.best_valid_bpb = e.bpb;
      counters.best_step = step;
      write_models(model, o, ctl.out_dir, "best", false);
      note = " (best so far: best.atome)";
    }
    char line[128];
    const std::string by = o.numerics == ATOME_NUMERICS_F32 ? "" : " (" + valid_forward(o) + ")";
    std::snprintf(line, sizeof line, "step %d: valid %.4f bpb%s%s", step, e.bpb, by.c_str(),
                  note.c_str());
    progress.message(line);
  };

  for (int step = counters.step + 1; step <= o.steps; ++step) {
    const auto t0 = Clock::now();
    draw_batch(corpus, o, step, in, target);
    const StepResult s =
        train_step(model, adam, o, schedule, in.data(), target.data(), o.batch, o.seq_len, step);
    const double loss = s.loss, grad_norm = s.grad_norm;
    const float lr = s.lr;
    train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++steps_here;
    interval_loss += loss;
    ++interval_steps;
    counters.step = step;

    if (step % o.log_every == 0 || step == o.steps) {
      const double mean_loss = interval_loss / interval_steps;
      const double tps = static_cast<double>(tokens_per_step) * steps_here / train_seconds;
      const double wall = std::chrono::duration<double>(Clock::now() - started).count();
      const double eta = wall / steps_here * (o.steps - step);
      metrics.write({{"step", step},
                     {"tokens", static_cast<uint64_t>(step) * tokens_per_step},
                     {"train_loss", mean_loss},
                     {"lr", lr},
                     {"grad_norm", grad_norm},
                     {"tok_per_s", tps},
                     {"elapsed_s", counters.elapsed_s + wall}});
      progress.report(step, mean_loss, lr, tps, eta);
      result.train_loss = mean_loss;
      interval_loss = 0.0;
      interval_steps = 0;
    }
    if (step == o.steps || (o.eval_every > 0 && step % o.eval_every == 0)) validate(step);
    if (step % o.checkpoint_every == 0 || step == o.steps) {
      RunCounters at = counters;
      at.elapsed_s += std::chrono::duration<double>(Clock::now() - started).count();
      save_checkpoint(ctl.out_dir, o, at, model, adam);
    }
    if (ctl.step_delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(ctl.step_delay_ms));
  }
  progress.finish();
  // A run killed after its last checkpoint but before it finished has nothing left to train:
  // its final validation is measured again (the weights are those of the last step).
  if (result.valid_bpb < 0.0 && valid.n_stories() > 0)
    result.valid_bpb = evaluate(model, valid, o.eval_chunk).bpb;
  write_models(model, o, ctl.out_dir, "model", o.legacy);
  // The engine's own number on the file just written (its numerics, not the trainer's emulation).
  if (o.arch == "atome" && valid.n_stories() > 0)
    result.engine_valid_bpb = engine_bpb(path_in(ctl.out_dir, "model.atome"), valid, o.eval_chunk);
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  metrics.write(
      {{"event", "end"}, {"step", counters.step}, {"elapsed_s", counters.elapsed_s + wall}});

  result.steps = counters.step;
  result.best_valid_bpb = counters.best_valid_bpb;
  result.best_step = counters.best_step;
  result.seconds = train_seconds;
  result.tokens_per_s =
      train_seconds > 0.0 ? static_cast<double>(tokens_per_step) * steps_here / train_seconds : 0.0;
  // Last: its presence says the run is complete (the experiment runner skips such runs).
  json summary = {
      {"arch", o.arch},
      {"seed", o.seed},
      {"steps", result.steps},
      {"params", model.param_count()},
      {"model_bytes", model_bytes(model, o)},
      {"valid_bpb", result.valid_bpb},
      {"valid_mode", o.eval_chunk > 0 ? "chunk " + std::to_string(o.eval_chunk) : "stories"},
      {"best_valid_bpb", result.best_valid_bpb},
      {"best_step", result.best_step},
      {"train_loss", result.train_loss},
      {"train_seconds", counters.elapsed_s + wall},
      {"tokens_per_s", result.tokens_per_s},
      {"threads", train_threads()}};
  if (o.arch == "atome") {
    // valid_bpb is the trainer's forward (valid_forward says which); engine_valid_bpb is the
    // engine's on model.atome, in export_numerics: the number a device would get.
    summary["numerics"] = numerics_name(o.numerics);
    summary["export_numerics"] = numerics_name(o.export_numerics);
    summary["valid_forward"] = valid_forward(o);
    if (result.engine_valid_bpb >= 0.0) summary["engine_valid_bpb"] = result.engine_valid_bpb;
  }
  write_text_file(path_in(ctl.out_dir, "result.json"), summary.dump(2) + "\n");
  return result;
}

}  // namespace

TrainResult train(const TrainOptions& options, const RunControl& control) {
  return run(options, control, nullptr);
}

TrainResult resume(const RunControl& control) {
  const Checkpoint ckpt = read_checkpoint(path_in(control.out_dir, "checkpoint.bin"));
  return run(options_from_checkpoint_json(ckpt.json, control.out_dir), control, &ckpt);
}

}  // namespace atome::train
