// See bench_report.h. The writer emits every field; the reader checks only what a comparison
// uses, so that a saved run stays comparable when later versions add fields.
#include "host/bench_report.h"

#include <cmath>

#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"

namespace atome {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json spread_json(const Spread& s) {
  return {{"median", s.median}, {"min", s.min}, {"max", s.max}};
}

}  // namespace

ordered_json window_json(const BenchWindow& w) {
  ordered_json runs = ordered_json::array();
  for (const BenchRun& r : w.runs)
    runs.push_back({{"prefill_ms", r.prefill_ms}, {"decode_ms", r.decode_ms}});
  return {{"window", w.window},
          {"state_bytes", w.state_bytes},
          {"prompt_tokens", w.prompt_tokens},
          {"prompt_crc32", w.prompt_crc32},
          {"prefill_tok_s", spread_json(w.prefill_tok_s)},
          {"decode_tok_s", spread_json(w.decode_tok_s)},
          {"ms_per_token", spread_json(w.ms_per_token)},
          {"generated_crc32", w.generated_crc32},
          {"runs", runs}};
}

namespace {

// The reader's accessors: each names the file and the key in its error.
std::string quoted(const std::string& key) {
  return "\"" + key + "\"";
}

const json& field(const json& j, const std::string& key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) throw Error(where + ": " + quoted(key) + " is missing");
  return *it;
}

std::string string_at(const json& j, const std::string& key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_string()) throw Error(where + ": " + quoted(key) + " must be a string");
  return v.get<std::string>();
}

uint64_t count_at(const json& j, const std::string& key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_number_unsigned())
    throw Error(where + ": " + quoted(key) + " must be a non-negative integer");
  return v.get<uint64_t>();
}

// A rate or a time: finite and > 0, since --compare divides by it.
double positive_at(const json& j, const std::string& key, const std::string& where) {
  const json& v = field(j, key, where);
  const bool ok = v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() > 0;
  if (!ok) throw Error(where + ": " + quoted(key) + " must be a positive number");
  return v.get<double>();
}

// {"median": ..., "min": ..., "max": ...}; min and max default to the median when absent.
Spread spread_at(const json& j, const std::string& key, const std::string& where) {
  const json& v = field(j, key, where);
  if (!v.is_object()) throw Error(where + ": " + quoted(key) + " must be an object");
  const std::string inner = where + ": " + key;
  Spread s;
  s.median = positive_at(v, "median", inner);
  s.min = v.contains("min") ? positive_at(v, "min", inner) : s.median;
  s.max = v.contains("max") ? positive_at(v, "max", inner) : s.median;
  return s;
}

json parse_object(const std::string& path) {
  std::vector<uint8_t> bytes;
  try {
    bytes = read_file(path);
  } catch (const FormatError& e) {
    throw Error(e.what());
  }
  const json j = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded()) throw Error(path + " is not valid JSON");
  if (!j.is_object()) throw Error(path + " does not hold a JSON object");
  return j;
}

void check_schema(const json& j, const std::string& path) {
  const std::string expected =
      std::string(kBenchSchema) + " version " + std::to_string(kBenchSchemaVersion);
  if (!j.contains("schema")) {
    // Version 1 (one window, flat fields) had no schema field.
    if (j.contains("decode_tok_s_median"))
      throw Error(path + " was written by an older atome bench (no \"schema\"); rerun it");
    throw Error(path + " is not an atome bench --json output (no \"schema\")");
  }
  if (string_at(j, "schema", path) != kBenchSchema)
    throw Error(path + ": \"schema\" is '" + j["schema"].get<std::string>() + "', expected '" +
                kBenchSchema + "'");
  const json& v = field(j, "schema_version", path);
  if (!v.is_number_unsigned() || v.get<uint64_t>() != kBenchSchemaVersion)
    throw Error(path + ": \"schema_version\" is " + v.dump() + ", expected " + expected);
}

}  // namespace

ordered_json bench_to_json(const BenchReport& r) {
  ordered_json windows = ordered_json::array();
  for (const BenchWindow& w : r.windows) windows.push_back(window_json(w));
  return {{"schema", kBenchSchema},
          {"schema_version", kBenchSchemaVersion},
          {"atome_version", r.atome_version},
          {"model", r.model},
          {"source_format", r.source_format},
          {"model_crc32", r.model_crc32},
          {"model_bytes", r.model_bytes},
          {"file_bytes", r.file_bytes},
          {"param_count", r.param_count},
          {"kernel", r.kernel},
          {"cpu", r.cpu},
          {"nproc", r.nproc},
          {"threads", r.threads},
          {"tokens", r.tokens},
          {"repeat", r.repeat},
          {"warmup", r.warmup},
          {"peak_rss_bytes", r.peak_rss_bytes},
          {"load_average_1m", r.load_average_1m},
          {"windows", windows}};
}

BenchReport read_bench_json(const std::string& path) {
  const json j = parse_object(path);
  check_schema(j, path);
  BenchReport r;
  r.atome_version = j.contains("atome_version") ? string_at(j, "atome_version", path) : "";
  r.model = string_at(j, "model", path);
  r.model_crc32 = string_at(j, "model_crc32", path);
  r.model_bytes = count_at(j, "model_bytes", path);
  if (r.model_bytes == 0) throw Error(path + ": \"model_bytes\" must be positive");
  r.kernel = string_at(j, "kernel", path);
  r.cpu = string_at(j, "cpu", path);
  r.tokens = count_at(j, "tokens", path);
  r.repeat = count_at(j, "repeat", path);
  const json& windows = field(j, "windows", path);
  if (!windows.is_array() || windows.empty())
    throw Error(path + ": \"windows\" must be a non-empty list");
  for (size_t i = 0; i < windows.size(); ++i) {
    const json& e = windows[i];
    const std::string where = path + ": windows[" + std::to_string(i) + "]";
    if (!e.is_object()) throw Error(where + " must be an object");
    BenchWindow w;
    const uint64_t window = count_at(e, "window", where);
    if (window == 0 || window > UINT32_MAX) throw Error(where + ": \"window\" is out of range");
    w.window = static_cast<uint32_t>(window);
    w.state_bytes = count_at(e, "state_bytes", where);
    if (w.state_bytes == 0) throw Error(where + ": \"state_bytes\" must be positive");
    const uint64_t prompt = count_at(e, "prompt_tokens", where);
    if (prompt > UINT32_MAX) throw Error(where + ": \"prompt_tokens\" is out of range");
    w.prompt_tokens = static_cast<uint32_t>(prompt);
    w.prompt_crc32 = string_at(e, "prompt_crc32", where);
    w.prefill_tok_s = spread_at(e, "prefill_tok_s", where);
    w.decode_tok_s = spread_at(e, "decode_tok_s", where);
    w.ms_per_token = spread_at(e, "ms_per_token", where);
    w.generated_crc32 = string_at(e, "generated_crc32", where);
    r.windows.push_back(w);
  }
  return r;
}

}  // namespace atome
