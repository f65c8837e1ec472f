// Run options and checkpoint counters <-> JSON (see run_options.h).
#include "train/run_options.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

#include "host/numerics_convert.h"
#include "train/model.h"

namespace atome::train {
namespace {

using json = nlohmann::json;

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

}  // namespace

uint32_t parse_train_numerics(const std::string& name, const std::string& flag) {
  uint32_t numerics = 0;
  if (numerics_from_name(name, &numerics)) return numerics;
  throw std::invalid_argument(flag + " must be f32, a8 or q15 (got '" + name + "')");
}

void validate_options(const TrainOptions& o) {
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
    if (o.numerics != ATOME_NUMERICS_F32 || o.export_numerics != ATOME_NUMERICS_F32)
      fail("--numerics and --export-numerics are for Atome models; a GPT is float32");
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
  for (uint32_t n : {o.numerics, o.export_numerics})
    if (n > ATOME_NUMERICS_Q15) fail("--numerics and --export-numerics must be f32, a8 or q15");
  if (o.legacy && o.export_numerics != ATOME_NUMERICS_F32)
    fail("--legacy writes the original's float format: it needs --export-numerics f32");
  if (o.legacy && !(o.model.conv_kernel == 5 && o.model.top_k == 4 &&
                    o.model.pathways == ATOME_PATH_ALL && o.model.norm_eps == 1e-5f))
    fail("--legacy needs the original's block: all pathways, K 5, top-k 4");
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
            {"legacy", o.legacy},
            {"numerics", numerics_name(o.numerics)},
            {"export_numerics", numerics_name(o.export_numerics)}};
  if (o.task != "lm") {  // LM runs keep their run.json byte for byte
    j["task"] = o.task;
    j["data"] = o.data_dir;
    j["group_by"] = o.group_by;
    j["epochs"] = o.epochs;
    j["patience"] = o.patience;
    j["target_risk"] = o.target_risk;
    j["quant"] = o.quant;
    if (o.jitter != 0.0f) j["jitter"] = o.jitter;  // older runs keep their run.json
    if (o.label_smoothing != 0.0f) j["label_smoothing"] = o.label_smoothing;
    if (o.level_fit != 0) j["level_fit"] = o.level_fit;
    if (o.range_tail != 0.005) j["range_tail"] = o.range_tail;  // older runs keep run.json
    j["risk_confidence"] = o.risk_confidence;
    if (o.threshold_rule != "pooled") j["threshold_rule"] = o.threshold_rule;  // older run.json
    if (o.temperature_rule != "nll") j["temperature_rule"] = o.temperature_rule;
    j["data_fingerprint"] = o.data_fingerprint;
  }
  return j.dump(2);
}

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
    ModelDims dims;
    dims.d_model = option_int<uint32_t>(m, "d_model");
    dims.n_layers = option_int<uint32_t>(m, "n_layers");
    dims.d_head = option_int<uint32_t>(m, "d_head");
    dims.conv_kernel = option_int<uint32_t>(m, "conv_kernel");
    dims.top_k = option_int<uint32_t>(m, "top_k");
    o.model = make_config(dims, option_int<uint32_t>(m, "pathways"));
    o.model.norm_eps = option_float(m, "norm_eps");
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
    // Runs from before quantisation-aware training have neither: f32.
    if (j.contains("numerics"))
      o.numerics = parse_train_numerics(j.at("numerics").get<std::string>(), "\"numerics\"");
    if (j.contains("export_numerics"))
      o.export_numerics =
          parse_train_numerics(j.at("export_numerics").get<std::string>(), "\"export_numerics\"");
    if (j.contains("task")) {
      o.task = j.at("task").get<std::string>();
      o.data_dir = j.at("data").get<std::string>();
      o.group_by = j.at("group_by").get<std::string>();
      o.epochs = option_int<int>(j, "epochs");
      o.patience = option_int<int>(j, "patience");
      o.target_risk = option_float(j, "target_risk");
      if (j.contains("quant")) o.quant = j.at("quant").get<std::string>();
      if (j.contains("jitter")) o.jitter = option_float(j, "jitter");
      if (j.contains("label_smoothing")) o.label_smoothing = option_float(j, "label_smoothing");
      if (j.contains("level_fit")) o.level_fit = option_int<int>(j, "level_fit");
      if (j.contains("range_tail")) o.range_tail = j.at("range_tail").get<double>();
      if (j.contains("risk_confidence")) o.risk_confidence = option_float(j, "risk_confidence");
      // A rule the trainer does not know would silently fall back to the default: refused.
      const auto rule = [&j](const char* key, const char* fallback, const char* other) {
        if (!j.contains(key)) return std::string(fallback);
        const std::string v = j.at(key).get<std::string>();
        if (v != fallback && v != other)
          throw std::invalid_argument(std::string("run options: \"") + key + "\" is '" + v +
                                      "', not " + fallback + " or " + other);
        return v;
      };
      o.threshold_rule = rule("threshold_rule", "pooled", "leave-group-out");
      o.temperature_rule = rule("temperature_rule", "nll", "leave-group-out");
      o.data_fingerprint = option_int<uint32_t>(j, "data_fingerprint");
    }
    return o;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("run options: ") + e.what());
  }
}

std::string checkpoint_json(const TrainOptions& options, const RunCounters& counters) {
  return json{{"options", json::parse(options_to_json(options))},
              {"step", counters.step},
              {"best_valid_bpb", counters.best_valid_bpb},
              {"best_step", counters.best_step},
              {"elapsed_s", counters.elapsed_s}}
      .dump();
}

RunCounters counters_from_json(const std::string& checkpoint_json) {
  const json j = json::parse(checkpoint_json, nullptr, false);
  try {
    if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("not a JSON object");
    RunCounters c;
    c.step = option_int<int>(j, "step");
    c.best_valid_bpb = option_float(j, "best_valid_bpb");
    c.best_step = option_int<int>(j, "best_step");
    c.elapsed_s = option_float(j, "elapsed_s");
    return c;
  } catch (const std::exception& e) {  // json::exception (a missing key) or invalid_argument
    throw std::runtime_error(std::string("checkpoint counters: ") + e.what());
  }
}

TrainOptions options_from_checkpoint_json(const std::string& checkpoint_json,
                                          const std::string& where) {
  const json j = json::parse(checkpoint_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("options"))
    throw std::runtime_error("checkpoint in " + where + " has no options");
  try {
    return options_from_json(j["options"].dump());
  } catch (const std::invalid_argument& e) {  // a damaged file, not a bad flag
    throw std::runtime_error("checkpoint in " + where + ": " + e.what());
  }
}

}  // namespace atome::train
