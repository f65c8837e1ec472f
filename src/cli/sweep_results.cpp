// See sweep_results.h.
#include "cli/sweep_results.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_error.h"
#include "format/model_data.h"

namespace atome::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string join_path(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

// A JSON object from a file, or a CliError naming the file.
json read_json_object(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);  // FormatError "cannot open <path>: ..."
  json j;
  try {
    j = json::parse(bytes.begin(), bytes.end());
  } catch (const json::parse_error&) {
    throw CliError(path + " is not valid JSON");
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    const std::string what = e.what();
    throw CliError(path + ": " + what.substr(what.find(']') + 2));
  }
  if (!j.is_object()) throw CliError(path + " does not hold a JSON object");
  return j;
}

std::string quoted(const char* key) {
  return std::string("\"") + key + "\"";
}

// Names that become file names and marker text: no path separators, no surprises in a shell.
bool safe_name(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string string_or(const json& j, const char* key, const std::string& fallback,
                      const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string()) throw CliError(where + ": " + quoted(key) + " must be a string");
  return it->get<std::string>();
}

std::string safe_name_at(const json& j, const char* key, const std::string& where) {
  const std::string s = string_or(j, key, "", where);
  if (!safe_name(s))
    throw CliError(where + ": " + quoted(key) +
                   " must be a non-empty name of letters, digits, '.', '_' or '-' (got '" + s +
                   "')");
  return s;
}

uint64_t count_at(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned())
    throw CliError(where + ": " + quoted(key) + " must be a non-negative integer");
  return it->get<uint64_t>();
}

double finite_at(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  const bool ok = it != j.end() && it->is_number() && std::isfinite(it->get<double>());
  if (!ok) throw CliError(where + ": " + quoted(key) + " must be a finite number");
  return it->get<double>();
}

SweepDefinition read_definition(const std::string& path) {
  const json j = read_json_object(path);
  SweepDefinition d;
  d.name = safe_name_at(j, "name", path);
  d.title = string_or(j, "title", d.name, path);

  const auto seeds = j.find("seeds");
  if (seeds == j.end() || !seeds->is_array() || seeds->empty())
    throw CliError(path + ": \"seeds\" must be a non-empty list of integers");
  std::set<uint64_t> seen_seeds;
  for (const json& s : *seeds) {
    if (!s.is_number_unsigned())
      throw CliError(path + ": \"seeds\" must hold non-negative integers");
    const uint64_t seed = s.get<uint64_t>();
    if (!seen_seeds.insert(seed).second)
      throw CliError(path + ": seed " + std::to_string(seed) + " is listed twice");
    d.seeds.push_back(seed);
  }

  const auto models = j.find("models");
  if (models == j.end() || !models->is_array() || models->empty())
    throw CliError(path + ": \"models\" must be a non-empty list of objects");
  std::set<std::string> seen_models;
  for (size_t i = 0; i < models->size(); ++i) {
    const json& m = (*models)[i];
    const std::string where = path + ": models[" + std::to_string(i) + "]";
    if (!m.is_object()) throw CliError(where + " must be an object");
    SweepModel model;
    model.name = safe_name_at(m, "name", where);
    if (!seen_models.insert(model.name).second)
      throw CliError(path + ": model '" + model.name + "' is listed twice");
    model.label = string_or(m, "label", model.name, where);
    model.seed_reported = string_or(m, "seed_reported", "", where);
    d.models.push_back(std::move(model));
  }

  const std::string baseline = string_or(j, "baseline", d.models.front().name, path);
  d.baseline = d.models.size();
  for (size_t i = 0; i < d.models.size(); ++i) {
    if (d.models[i].name == baseline) d.baseline = i;
  }
  if (d.baseline == d.models.size())
    throw CliError(path + ": \"baseline\" '" + baseline + "' is not one of the models");
  return d;
}

RunResult read_result(const std::string& path) {
  const json j = read_json_object(path);
  RunResult r;
  r.valid_bpb = finite_at(j, "valid_bpb", path);
  r.params = count_at(j, "params", path);
  r.model_bytes = count_at(j, "model_bytes", path);
  r.train_seconds = finite_at(j, "train_seconds", path);
  if (r.train_seconds < 0) throw CliError(path + ": \"train_seconds\" must not be negative");
  r.valid_mode = string_or(j, "valid_mode", "", path);
  return r;
}

}  // namespace

Sweep read_sweep(const std::string& runs_dir) {
  std::error_code ec;
  if (!fs::is_directory(runs_dir, ec))
    throw CliError(runs_dir + " is not a directory (expected a sweep's runs, with sweep.json)");
  Sweep sweep;
  sweep.dir = runs_dir;
  const std::string definition = join_path(runs_dir, "sweep.json");
  if (!fs::exists(definition, ec))
    throw CliError(runs_dir + " has no sweep.json (expected a directory written by atome sweep)");
  sweep.definition = read_definition(definition);
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
        run.result = read_result(result);
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

}  // namespace atome::cli
