// See sweep_results.h.
#include "lab/sweep_results.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"

namespace atome::lab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string join_path(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

// A JSON object from a file, or a Error naming the file.
json read_json_object(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);  // FormatError "cannot open <path>: ..."
  json j;
  try {
    j = json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error&) {
    throw Error(path + " is not valid JSON");
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    const std::string what = e.what();
    throw Error(path + ": " + what.substr(what.find(']') + 2));
  }
  if (!j.is_object()) throw Error(path + " does not hold a JSON object");
  return j;
}

std::string quoted(const char* key) {
  return std::string("\"") + key + "\"";
}

std::string string_or(const json& j, const char* key, const std::string& fallback,
                      const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) throw Error(where + ": " + quoted(key) + " must be a string");
  return it->get<std::string>();
}

uint64_t count_at(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned())
    throw Error(where + ": " + quoted(key) + " must be a non-negative integer");
  return it->get<uint64_t>();
}

double finite_at(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  const bool ok = it != j.end() && it->is_number() && std::isfinite(it->get<double>());
  if (!ok) throw Error(where + ": " + quoted(key) + " must be a finite number");
  return it->get<double>();
}

RunResult read_result(const std::string& path, const std::string& metric) {
  const json j = read_json_object(path);
  RunResult r;
  r.trainer_valid_bpb = finite_at(j, "valid_bpb", path);
  r.valid_bpb = finite_at(j, metric.c_str(), path);
  r.params = count_at(j, "params", path);
  r.model_bytes = count_at(j, "model_bytes", path);
  r.train_seconds = finite_at(j, "train_seconds", path);
  if (r.train_seconds < 0) throw Error(path + ": \"train_seconds\" must not be negative");
  r.valid_mode = string_or(j, "valid_mode", "", path);
  return r;
}

}  // namespace

Sweep read_sweep(const std::string& runs_dir) {
  std::error_code ec;
  if (!fs::is_directory(runs_dir, ec))
    throw Error(runs_dir + " is not a directory (expected a sweep's runs, with sweep.json)");
  Sweep sweep;
  sweep.dir = runs_dir;
  const std::string definition = join_path(runs_dir, "sweep.json");
  if (!fs::exists(definition, ec))
    throw Error(runs_dir + " has no sweep.json (expected a directory written by atome sweep)");
  sweep.definition = read_sweep_file(definition);
  for (size_t i = 0; i < sweep.definition.models.size(); ++i)
    if (sweep.definition.models[i].name == sweep.definition.baseline) sweep.baseline = i;
  for (const SweepModel& model : sweep.definition.models) {
    ModelRuns m;
    m.model = model;
    for (uint64_t seed : sweep.definition.seeds) {
      SeedRun run;
      run.seed = seed;
      run.dir = join_path(join_path(runs_dir, model.name), "seed-" + std::to_string(seed));
      const std::string result = join_path(run.dir, "result.json");
      // No result.json (or no run directory yet): the run is missing, not an error. Anything
      // else that is there must read.
      if (fs::symlink_status(result, ec).type() != fs::file_type::not_found)
        run.result = read_result(result, sweep.definition.metric);
      m.runs.push_back(std::move(run));
    }
    sweep.models.push_back(std::move(m));
  }
  return sweep;
}

ModelSummary summarize(const ModelRuns& model) {
  ModelSummary s;
  s.seeds = model.runs.size();
  std::vector<double> bpb, params, bytes, seconds;
  for (const SeedRun& run : model.runs) {
    if (!run.result) continue;
    bpb.push_back(run.result->valid_bpb);
    params.push_back(static_cast<double>(run.result->params));
    bytes.push_back(static_cast<double>(run.result->model_bytes));
    seconds.push_back(run.result->train_seconds);
  }
  s.finished = bpb.size();
  if (s.finished == 0) return s;
  s.valid_bpb = spread_of(bpb);
  s.params = spread_of(params);
  s.model_bytes = spread_of(bytes);
  s.train_seconds = spread_of(seconds).median;
  return s;
}

}  // namespace atome::lab
