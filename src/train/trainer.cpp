// The training loop (see trainer.h).
#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "engine/numerics.h"
#include "format/model_data.h"
#include "train/checkpoint.h"
#include "train/gemm.h"
#include "train/progress.h"

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

std::string path_in(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

void write_text_file(const std::string& path, const std::string& text) {
  write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// The counters a checkpoint carries beside the weights.
struct Counters {
  int step = 0;
  double best_valid_bpb = -1.0;
  int best_step = 0;
  double elapsed_s = 0.0;  // wall time of all processes of this run so far
};

// Appends JSON lines to metrics.jsonl, one flush per line (a killed run loses at most a line).
class MetricsLog {
 public:
  MetricsLog(const std::string& path, bool append)
      : out_(path, append ? std::ios::app : std::ios::trunc) {
    if (!out_) throw std::runtime_error("cannot write " + path);
  }
  void write(const json& line) {
    out_ << line.dump() << '\n';
    out_.flush();
  }

 private:
  std::ofstream out_;
};

// On resume: keep the lines of steps up to the checkpoint (later ones will be logged again).
void truncate_metrics(const std::string& path, int step) {
  std::ifstream in(path);
  std::string kept, line;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("step") && j["step"].is_number() &&
        j["step"].get<double>() > step)
      continue;
    kept += line + '\n';
  }
  write_text_file(path, kept);
}

void check_options(const TrainOptions& o) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  if (o.arch == "atome") {
    validate_train_config(o.model);
  } else if (o.arch == "gpt") {
    validate_gpt_config(o.gpt);
    if (o.seq_len > o.gpt.max_seq)
      fail("--seq " + std::to_string(o.seq_len) + " is longer than the GPT's " +
           std::to_string(o.gpt.max_seq) + " learned positions (--max-seq)");
    if (!o.valid_path.empty() && (o.eval_chunk == 0 || o.eval_chunk - 1 > o.gpt.max_seq))
      fail("a GPT validates in chunk mode: --eval-chunk N with 2 <= N <= max_seq + 1");
    if (o.legacy) fail("--legacy writes an Atome file; a GPT has none");
  } else {
    fail("arch must be atome or gpt (got '" + o.arch + "')");
  }
  if (o.eval_chunk == 1 || o.eval_chunk > 65536)
    fail("--eval-chunk must be 0 (stories) or 2..65536");
  if (o.batch == 0 || o.batch > 65536) fail("--batch must be 1..65536");
  if (o.seq_len < 2 || o.seq_len > 65536) fail("--seq must be 2..65536");
  if (o.steps < 1) fail("--steps must be at least 1");
  if (!(o.adam.lr > 0.0f) || !(o.adam.lr < 10.0f)) fail("--lr must be in (0, 10)");
  if (!(o.adam.weight_decay >= 0.0f)) fail("--wd must be >= 0");
  if (!(o.clip >= 0.0f)) fail("--clip must be >= 0");
  if (o.warmup < 0 || o.warmup >= o.steps) fail("--warmup must be in [0, steps)");
  if (!(o.min_lr_ratio >= 0.0f && o.min_lr_ratio <= 1.0f)) fail("--min-lr-ratio must be in [0, 1]");
  if (o.checkpoint_every < 1 || o.log_every < 1 || o.eval_every < 0)
    fail("--checkpoint-every and --log-every must be >= 1, --eval-every >= 0");
  if (o.legacy && !(o.model.conv_kernel == 5 && o.model.top_k == 4 &&
                    o.model.pathways == ATOME_PATH_ALL && o.model.norm_eps == 1e-5f))
    fail("--legacy needs the original's block: all pathways, K 5, top-k 4");
}

std::unique_ptr<LanguageModel> make_model(const TrainOptions& o) {
  if (o.arch == "gpt") return std::make_unique<GptModel>(o.gpt);
  return std::make_unique<AtomeModel>(o.model);
}

// Bytes the model takes on disk: the native file for an Atome LM, float32 values for a GPT.
size_t model_bytes(const LanguageModel& model, const TrainOptions& o) {
  if (o.arch == "atome")
    return write_native(static_cast<const AtomeModel&>(model).export_model(o.seq_len)).size();
  return model.param_count() * sizeof(float);
}

EvalResult validation(LanguageModel& model, const TrainOptions& o, const TextCorpus& valid) {
  return o.eval_chunk > 0 ? evaluate_chunks(model, valid, o.eval_chunk)
                          : evaluate_stories(model, valid);
}

void write_models(const LanguageModel& any, const TrainOptions& o, const std::string& dir,
                  const std::string& stem, bool legacy) {
  if (o.arch != "atome") return;  // a GPT baseline has no file format
  const AtomeModel& model = static_cast<const AtomeModel&>(any);
  const HostModel host = model.export_model(o.seq_len);
  write_file_atomic(path_in(dir, stem + ".atome"), write_native(host));
  if (legacy) write_file_atomic(path_in(dir, stem + ".atome01"), write_legacy(host));
}

Counters parse_counters(const std::string& checkpoint_json);  // below, with the JSON helpers

TrainResult run(const TrainOptions& o, const RunControl& ctl, const Checkpoint* from) {
  check_options(o);
  set_train_threads(ctl.threads);
  const TextCorpus corpus = load_text_corpus(o.train_path);
  if (corpus.tokens.size() < static_cast<size_t>(o.seq_len) + 1)
    throw std::invalid_argument(o.train_path + ": shorter than one sequence (--seq + 1 bytes)");
  TextCorpus valid;
  if (!o.valid_path.empty()) valid = load_text_corpus(o.valid_path);

  const std::unique_ptr<LanguageModel> owned = make_model(o);
  LanguageModel& model = *owned;
  AdamW adam(model.param_count());
  Counters counters;
  if (from != nullptr) {
    if (from->params.size() != model.param_count())
      throw std::runtime_error("checkpoint does not match the model in run.json");
    model.params() = from->params;
    adam.m() = from->adam_m;
    adam.v() = from->adam_v;
    counters = parse_counters(from->json);
    if (counters.step < 0 || counters.step > o.steps)
      throw std::runtime_error("checkpoint step " + std::to_string(counters.step) +
                               " is outside the run's " + std::to_string(o.steps) + " steps");
  } else {
    model.init(o.seed);
    write_text_file(path_in(ctl.out_dir, "run.json"), options_to_json(o) + "\n");
  }

  const std::string metrics_path = path_in(ctl.out_dir, "metrics.jsonl");
  if (from != nullptr) truncate_metrics(metrics_path, counters.step);
  MetricsLog metrics(metrics_path, from != nullptr);
  metrics.write({{"event", from ? "resume" : "start"},
                 {"step", counters.step},
                 {"params", model.param_count()},
                 {"threads", train_threads()}});

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
    const EvalResult e = validation(model, o, valid);
    result.valid_bpb = e.bpb;
    metrics.write({{"step", step}, {"valid_bpb", e.bpb}, {"valid_loss", e.nats / e.predicted}});
    std::string note;
    if (counters.best_valid_bpb < 0.0 || e.bpb < counters.best_valid_bpb) {
      counters.best_valid_bpb = e.bpb;
      counters.best_step = step;
      write_models(model, o, ctl.out_dir, "best", false);
      note = " (best so far: best.atome)";
    }
    char line[128];
    std::snprintf(line, sizeof line, "step %d: valid %.4f bpb%s", step, e.bpb, note.c_str());
    progress.message(line);
  };

  for (int step = counters.step + 1; step <= o.steps; ++step) {
    const auto t0 = Clock::now();
    draw_batch(corpus, o, step, in, target);
    model.zero_grad();
    const double loss = model.forward(in.data(), target.data(), o.batch, o.seq_len);
    if (!std::isfinite(loss))
      throw std::runtime_error("loss is not finite at step " + std::to_string(step) +
                               " (lower --lr or set --clip)");
    model.backward();
    const double grad_norm = clip_grad_norm(model.grads(), o.clip);
    const float lr = schedule.at(step, o.adam.lr);
    adam.step(model.params(), model.grads(), model.tensors(), o.adam, lr, step);
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
      Checkpoint c;
      const double wall = std::chrono::duration<double>(Clock::now() - started).count();
      c.json = json{{"options", json::parse(options_to_json(o))},
                    {"step", step},
                    {"best_valid_bpb", counters.best_valid_bpb},
                    {"best_step", counters.best_step},
                    {"elapsed_s", counters.elapsed_s + wall}}
                   .dump();
      c.params = model.params();
      c.adam_m = adam.m();
      c.adam_v = adam.v();
      write_checkpoint(path_in(ctl.out_dir, "checkpoint.bin"), c);
    }
    if (ctl.step_delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(ctl.step_delay_ms));
  }
  progress.finish();
  // A run killed after its last checkpoint but before it finished has nothing left to train:
  // its final validation is measured again (the weights are those of the last step).
  if (result.valid_bpb < 0.0 && valid.n_stories() > 0)
    result.valid_bpb = validation(model, o, valid).bpb;
  write_models(model, o, ctl.out_dir, "model", o.legacy);
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
  const json summary = {
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
  write_text_file(path_in(ctl.out_dir, "result.json"), summary.dump(2) + "\n");
  return result;
}

}  // namespace

EvalResult evaluate_stories(LanguageModel& model, const TextCorpus& corpus, size_t max_stories) {
  EvalResult r;
  const size_t n =
      max_stories == 0 ? corpus.n_stories() : std::min(max_stories, corpus.n_stories());
  std::vector<uint8_t> in, target;
  std::vector<double> row_loss;
  for (size_t s = 0; s < n; ++s) {
    const size_t begin = corpus.story_starts[s];
    const size_t end =
        s + 1 < corpus.n_stories() ? corpus.story_starts[s + 1] : corpus.tokens.size();
    // tokens[begin, end) is the story and its closing end-of-story byte.
    target.assign(corpus.tokens.begin() + begin, corpus.tokens.begin() + end);
    in.assign(1, kEndOfStory);
    in.insert(in.end(), target.begin(), target.end() - 1);
    row_loss.resize(in.size());
    model.forward(in.data(), target.data(), 1, in.size(), row_loss.data());
    for (double l : row_loss) r.nats += l;
    r.predicted += in.size();
  }
  r.bpb = r.predicted ? r.nats / std::log(2.0) / static_cast<double>(r.predicted) : 0.0;
  return r;
}

EvalResult evaluate_chunks(LanguageModel& model, const TextCorpus& corpus, uint32_t chunk) {
  EvalResult r;
  if (chunk < 2) throw std::invalid_argument("chunk must be at least 2 bytes");
  const size_t T = chunk - 1, n_chunks = corpus.tokens.size() / chunk;
  const size_t per_forward = std::max<size_t>(1, 8192 / T);  // chunks per forward pass
  std::vector<uint8_t> in, target;
  std::vector<double> row_loss;
  for (size_t first = 0; first < n_chunks; first += per_forward) {
    const size_t B = std::min(per_forward, n_chunks - first);
    in.resize(B * T);
    target.resize(B * T);
    for (size_t b = 0; b < B; ++b) {
      const uint8_t* c = corpus.tokens.data() + (first + b) * chunk;
      std::copy_n(c, T, in.begin() + b * T);
      std::copy_n(c + 1, T, target.begin() + b * T);
    }
    row_loss.resize(B * T);
    model.forward(in.data(), target.data(), B, T, row_loss.data());
    for (double l : row_loss) r.nats += l;
    r.predicted += B * T;
  }
  r.bpb = r.predicted ? r.nats / std::log(2.0) / static_cast<double>(r.predicted) : 0.0;
  return r;
}

std::string options_to_json(const TrainOptions& o) {
  const atome_config& c = o.model;
  json j = {{"arch", o.arch},
            {"gpt",
             {{"d_model", o.gpt.d_model},
              {"n_layers", o.gpt.n_layers},
              {"n_heads", o.gpt.n_heads},
              {"d_ff", o.gpt.d_ff},
              {"max_seq", o.gpt.max_seq}}},
            {"model",
             {{"d_model", c.d_model},
              {"n_layers", c.n_layers},
              {"d_head", c.d_head},
              {"conv_kernel", c.conv_kernel},
              {"top_k", c.top_k},
              {"pathways", c.pathways},
              {"norm_eps", c.norm_eps}}},
            {"train", o.train_path},
            {"valid", o.valid_path},
            {"seed", o.seed},
            {"batch", o.batch},
            {"seq_len", o.seq_len},
            {"steps", o.steps},
            {"lr", o.adam.lr},
            {"beta1", o.adam.beta1},
            {"beta2", o.adam.beta2},
            {"eps", o.adam.eps},
            {"weight_decay", o.adam.weight_decay},
            {"schedule", schedule_name(o.schedule)},
            {"warmup", o.warmup},
            {"min_lr_ratio", o.min_lr_ratio},
            {"clip", o.clip},
            {"eval_every", o.eval_every},
            {"eval_chunk", o.eval_chunk},
            {"checkpoint_every", o.checkpoint_every},
            {"log_every", o.log_every},
            {"legacy", o.legacy}};
  return j.dump(2);
}

namespace {

// Typed reads for options_from_json. nlohmann's get<uint32_t>() / get<int>() wrap a negative or
// too large number silently and get<float>() of a number beyond the float range is undefined, so
// every field is range-checked here; a failure is std::invalid_argument naming the field.
[[noreturn]] void bad_option(const std::string& key, const std::string& why) {
  throw std::invalid_argument("run options: \"" + key + "\" " + why);
}

template <typename T>
T option_int(const json& parent, const std::string& key) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  const json& v = parent.at(key);
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i >= 0 ? static_cast<uint64_t>(i) <= static_cast<uint64_t>(std::numeric_limits<T>::max())
               : std::is_signed_v<T> && i >= static_cast<int64_t>(std::numeric_limits<T>::min()))
      return static_cast<T>(i);
  } else {
    bad_option(key, "must be an integer");
  }
  bad_option(key, "is out of range: " + v.dump());
}

float option_float(const json& parent, const std::string& key) {
  const json& v = parent.at(key);
  if (!v.is_number()) bad_option(key, "must be a number");
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max()))
    bad_option(key, "must be a finite number in the float range: " + v.dump());
  return static_cast<float>(d);
}

// The counters of a checkpoint's JSON; std::runtime_error on anything malformed.
Counters parse_counters(const std::string& checkpoint_json) {
  const json j = json::parse(checkpoint_json, nullptr, false);
  try {
    if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("not a JSON object");
    Counters c;
    c.step = option_int<int>(j, "step");
    c.best_valid_bpb = option_float(j, "best_valid_bpb");
    c.best_step = option_int<int>(j, "best_step");
    c.elapsed_s = option_float(j, "elapsed_s");
    return c;
  } catch (const std::exception& e) {  // json::exception (a missing key) or invalid_argument
    throw std::runtime_error(std::string("checkpoint counters: ") + e.what());
  }
}

}  // namespace

TrainOptions options_from_json(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("run options: not JSON");
  try {
    TrainOptions o;
    // Runs from before the GPT baseline have no "arch", "gpt" or "eval_chunk": Atome, stories.
    o.arch = j.contains("arch") ? j.at("arch").get<std::string>() : "atome";
    if (j.contains("gpt")) {
      const json& g = j.at("gpt");
      o.gpt.d_model = option_int<uint32_t>(g, "d_model");
      o.gpt.n_layers = option_int<uint32_t>(g, "n_layers");
      o.gpt.n_heads = option_int<uint32_t>(g, "n_heads");
      o.gpt.d_ff = option_int<uint32_t>(g, "d_ff");
      o.gpt.max_seq = option_int<uint32_t>(g, "max_seq");
    }
    if (j.contains("eval_chunk")) o.eval_chunk = option_int<uint32_t>(j, "eval_chunk");
    const json& m = j.at("model");
    atome_config& c = o.model;
    c = atome_config{};
    c.arch = ATOME_ARCH_LM;
    c.vocab_size = 256;
    c.d_model = option_int<uint32_t>(m, "d_model");
    c.n_layers = option_int<uint32_t>(m, "n_layers");
    c.d_head = option_int<uint32_t>(m, "d_head");
    c.conv_kernel = option_int<uint32_t>(m, "conv_kernel");
    c.top_k = option_int<uint32_t>(m, "top_k");
    c.pathways = option_int<uint32_t>(m, "pathways");
    c.n_paths = static_cast<uint32_t>(__builtin_popcount(c.pathways));
    c.act_bits = 32;
    c.norm_eps = option_float(m, "norm_eps");
    o.train_path = j.at("train").get<std::string>();
    o.valid_path = j.at("valid").get<std::string>();
    o.seed = option_int<uint64_t>(j, "seed");
    o.batch = option_int<uint32_t>(j, "batch");
    o.seq_len = option_int<uint32_t>(j, "seq_len");
    o.steps = option_int<int>(j, "steps");
    o.adam.lr = option_float(j, "lr");
    o.adam.beta1 = option_float(j, "beta1");
    o.adam.beta2 = option_float(j, "beta2");
    o.adam.eps = option_float(j, "eps");
    o.adam.weight_decay = option_float(j, "weight_decay");
    o.schedule = parse_schedule(j.at("schedule").get<std::string>());
    o.warmup = option_int<int>(j, "warmup");
    o.min_lr_ratio = option_float(j, "min_lr_ratio");
    o.clip = option_float(j, "clip");
    o.eval_every = option_int<int>(j, "eval_every");
    o.checkpoint_every = option_int<int>(j, "checkpoint_every");
    o.log_every = option_int<int>(j, "log_every");
    o.legacy = j.at("legacy").get<bool>();
    return o;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("run options: ") + e.what());
  }
}

TrainResult train(const TrainOptions& options, const RunControl& control) {
  return run(options, control, nullptr);
}

TrainResult resume(const RunControl& control) {
  const Checkpoint ckpt = read_checkpoint(path_in(control.out_dir, "checkpoint.bin"));
  const json j = json::parse(ckpt.json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("options"))
    throw std::runtime_error("checkpoint in " + control.out_dir + " has no options");
  TrainOptions options;
  try {
    options = options_from_json(j["options"].dump());
  } catch (const std::invalid_argument& e) {  // a damaged file, not a bad flag
    throw std::runtime_error("checkpoint in " + control.out_dir + ": " + e.what());
  }
  return run(options, control, &ckpt);
}

}  // namespace atome::train
