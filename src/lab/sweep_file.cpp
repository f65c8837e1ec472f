#include "lab/sweep_file.h"

#include <nlohmann/json.hpp>
#include <set>

#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"

namespace atome::lab {
namespace {

using json = nlohmann::json;

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || s[0] == '.') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::vector<std::string> string_list(const json& j, const std::string& what) {
  if (!j.is_array()) throw std::invalid_argument(what + " must be a list of strings");
  std::vector<std::string> out;
  for (const json& e : j) {
    if (!e.is_string()) throw std::invalid_argument(what + " must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string optional_string(const json& j, const std::string& key, const std::string& what) {
  if (!j.contains(key)) return "";
  if (!j[key].is_string()) throw std::invalid_argument(what + "\"" + key + "\" must be a string");
  return j[key].get<std::string>();
}

void check_args(const std::vector<std::string>& args, const std::string& what) {
  static const std::set<std::string> owned = {"--out", "--resume", "--seed", "--threads"};
  for (const std::string& a : args) {
    const std::string flag = a.substr(0, a.find('='));
    if (owned.count(flag))
      throw std::invalid_argument(what + " sets " + flag + ", which the sweep runner owns");
  }
}

}  // namespace

SweepFile parse_sweep(const std::string& text, const std::string& origin) {
  const json j = json::parse(text, nullptr, false);
  try {
    if (j.is_discarded()) throw std::invalid_argument("is not valid JSON");
    if (!j.is_object()) throw std::invalid_argument("does not hold a JSON object");
    SweepFile s;
    if (!j.contains("name") || !j["name"].is_string())
      throw std::invalid_argument("\"name\" (a string) is missing");
    s.name = j["name"].get<std::string>();
    if (!valid_name(s.name))
      throw std::invalid_argument("\"name\" must be 1-64 of a-z 0-9 . _ - (got '" + s.name + "')");
    s.title = optional_string(j, "title", "");
    if (s.title.empty()) s.title = s.name;
    s.protocol = j.contains("protocol") ? string_list(j["protocol"], "\"protocol\"")
                                        : std::vector<std::string>{};
    check_args(s.protocol, "\"protocol\"");
    if (!j.contains("seeds") || !j["seeds"].is_array() || j["seeds"].empty())
      throw std::invalid_argument("\"seeds\" must be a non-empty list of integers");
    std::set<uint64_t> seen_seeds;
    for (const json& e : j["seeds"]) {
      if (!e.is_number_unsigned())
        throw std::invalid_argument("\"seeds\" must hold integers >= 0 (got " + e.dump() + ")");
      if (!seen_seeds.insert(e.get<uint64_t>()).second)
        throw std::invalid_argument("seed " + e.dump() + " is listed twice");
      s.seeds.push_back(e.get<uint64_t>());
    }
    if (!j.contains("models") || !j["models"].is_array() || j["models"].empty())
      throw std::invalid_argument("\"models\" must be a non-empty list");
    std::set<std::string> names;
    for (const json& m : j["models"]) {
      if (!m.is_object()) throw std::invalid_argument("every model must be an object");
      SweepModel model;
      model.name = optional_string(m, "name", "a model's ");
      if (!valid_name(model.name))
        throw std::invalid_argument("model name must be 1-64 of a-z 0-9 . _ - (got '" + model.name +
                                    "')");
      if (!names.insert(model.name).second)
        throw std::invalid_argument("model '" + model.name + "' is listed twice");
      const std::string what = "model '" + model.name + "' ";
      model.label = optional_string(m, "label", what);
      if (model.label.empty()) model.label = model.name;
      model.args = m.contains("args") ? string_list(m["args"], what + "\"args\"")
                                      : std::vector<std::string>{};
      check_args(model.args, what + "\"args\"");
      model.seed_reported = optional_string(m, "seed_reported", what);
      s.models.push_back(model);
    }
    const std::string metric = optional_string(j, "metric", "");
    if (!metric.empty()) s.metric = metric;
    if (s.metric != "valid_bpb" && s.metric != "engine_valid_bpb")
      throw std::invalid_argument("\"metric\" must be valid_bpb or engine_valid_bpb (got '" +
                                  s.metric + "')");
    s.baseline = optional_string(j, "baseline", "");
    if (s.baseline.empty()) s.baseline = s.models.front().name;
    if (!names.count(s.baseline))
      throw std::invalid_argument("\"baseline\" '" + s.baseline + "' is not one of the models");
    return s;
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    // "is not valid JSON" reads as a sentence about the file; the rest follow "FILE: ".
    throw Error(origin +
                (what.rfind("is not", 0) == 0 || what.rfind("does not", 0) == 0 ? " " : ": ") +
                what);
  }
}

SweepFile read_sweep_file(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);  // FormatError "cannot open <path>: ..."
  return parse_sweep(std::string(bytes.begin(), bytes.end()), path);
}

std::string run_dir(const std::string& out, const std::string& model, uint64_t seed) {
  return out + "/" + model + "/seed-" + std::to_string(seed);
}

}  // namespace atome::lab
