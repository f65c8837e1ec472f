// Reading a classifier data directory, its grouped split and its quantisation ranges
// (see class_data.h).
#include "train/class_data.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "atome/atome.h"
#include "engine/numerics.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/text_fields.h"

namespace atome::train {
namespace {

using json = nlohmann::json;

bool parse_int(const std::string& s, int64_t* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long x = std::strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size() || errno != 0) return false;
  *v = x;
  return true;
}

// spec.json -> the dataset's spec fields. `fail` names the file and the field.
void read_spec(ClassDataset& d, const std::string& path) {
  auto fail = [&](const std::string& why) -> void { throw FormatError(path + ": " + why); };
  const json j = json::parse(read_text_file(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) fail("not a JSON object");
  auto need = [&](const char* key) -> const json& {
    if (!j.contains(key)) fail(std::string("missing field \"") + key + "\"");
    return j.at(key);
  };
  auto number = [&](const json& v, const std::string& what) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) fail(what + " must be a finite number");
    return v.get<double>();
  };
  const json& head = need("head");
  if (!head.is_string() || head.get<std::string>().empty()) fail("\"head\" must be a name");
  d.head = head.get<std::string>();
  const json& classes = need("classes");
  if (!classes.is_array() || classes.empty() || classes.size() > 16)
    fail("\"classes\" must be a list of 1..16 names");
  for (const json& c : classes) {
    if (!c.is_string() || c.get<std::string>().empty()) fail("\"classes\" must hold names");
    d.spec.classes.push_back(c.get<std::string>());
  }
  const json& channels = need("channels");
  if (!channels.is_array() || channels.empty()) fail("\"channels\" must be a non-empty list");
  for (size_t i = 0; i < channels.size(); ++i) {
    const json& c = channels[i];
    const std::string at = "channels[" + std::to_string(i) + "]";
    if (!c.is_object()) fail(at + " must be an object");
    for (const char* key : {"name", "unit", "min", "max"})
      if (!c.contains(key)) fail(at + ": missing field \"" + key + "\"");
    if (!c["name"].is_string() || c["name"].get<std::string>().empty())
      fail(at + ".name must be a name");
    if (!c["unit"].is_string()) fail(at + ".unit must be a string");
    ChannelSpec ch;
    ch.name = c["name"].get<std::string>();
    ch.unit = c["unit"].get<std::string>();
    // Stored as f32 in the file (FORMAT.md §17.2): the limits checked here are those floats.
    ch.phys_min = static_cast<float>(number(c["min"], at + ".min"));
    ch.phys_max = static_cast<float>(number(c["max"], at + ".max"));
    if (!(ch.phys_min < ch.phys_max)) fail(at + ": min must be below max");
    d.spec.channels.push_back(ch);
  }
  const json& window = need("window");
  if (!window.is_number_unsigned() || window.get<uint64_t>() < 1 || window.get<uint64_t>() > 4096)
    fail("\"window\" must be an integer >= 1");
  d.spec.window = static_cast<uint32_t>(window.get<uint64_t>());
  if (static_cast<uint64_t>(d.spec.channels.size()) * d.spec.window > kMaxClassFeatures)
    fail(std::to_string(d.spec.channels.size()) + " channels x " + std::to_string(d.spec.window) +
         " timesteps = " + std::to_string(d.spec.channels.size() * d.spec.window) +
         " features: at most " + std::to_string(kMaxClassFeatures) + " (one token each)");
  const double rate = number(need("sample_rate_hz"), "\"sample_rate_hz\"");
  if (rate < 0.0) fail("\"sample_rate_hz\" must be >= 0 (0: not defined)");
  d.spec.sample_rate_hz = static_cast<float>(rate);
  const json& pipeline = need("pipeline");
  if (!pipeline.is_object() || !pipeline.contains("name") || !pipeline["name"].is_string() ||
      pipeline["name"].get<std::string>().empty())
    fail("\"pipeline\" must be {\"name\": ..., \"params\": {...}}");
  d.spec.pipeline = pipeline["name"].get<std::string>();
  if (pipeline.contains("params")) {
    if (!pipeline["params"].is_object()) fail("\"pipeline\".params must be an object");
    // Numbers go into the file (f32); a list of numbers as name[0], name[1], ...; a string is a
    // description for people (spec.json and docs/DATA.md keep it) and is not stored.
    for (const auto& [name, value] : pipeline["params"].items()) {
      const std::string what = "pipeline parameter \"" + name + "\"";
      if (value.is_string()) continue;
      if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
          d.spec.params.push_back(
              {name + "[" + std::to_string(i) + "]", static_cast<float>(number(value[i], what))});
        continue;
      }
      d.spec.params.push_back({name, static_cast<float>(number(value, what))});
    }
  }
  if (j.contains("group_by")) {
    if (!j["group_by"].is_string()) fail("\"group_by\" must be site, subject or device");
    d.default_group = j["group_by"].get<std::string>();
  }
  d.generator = j.contains("generator") ? j["generator"].dump() : "null";
}

void read_examples(ClassDataset& d, const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  d.fingerprint = atome_crc32(d.fingerprint, bytes.data(), bytes.size());
  const std::string text(bytes.begin(), bytes.end());
  const uint32_t C = static_cast<uint32_t>(d.spec.channels.size());
  const uint32_t F = C * d.spec.window, n_classes = static_cast<uint32_t>(d.spec.classes.size());
  std::vector<std::string> group_cols;
  size_t pos = 0, line_no = 0;
  bool header_seen = false;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = trim_field(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + ": row " + std::to_string(line_no);
    const std::vector<std::string> f = split_csv_fields(line);
    if (!header_seen) {  // label, the group columns present, then the features
      header_seen = true;
      if (f[0] != "label")
        throw FormatError(where + ", column 1: expected 'label', got '" + f[0] + "'");
      size_t k = 1;
      for (const char* g : {"site", "subject", "device"}) {
        if (k < f.size() && f[k] == g) {
          group_cols.push_back(g);
          ++k;
        }
      }
      if (f.size() - k > kMaxClassFeatures)
        throw FormatError(where + ": " + std::to_string(f.size() - k) +
                          " feature columns: at most " + std::to_string(kMaxClassFeatures) +
                          " (one token each)");
      if (f.size() - k != F)
        throw FormatError(where + ": " + std::to_string(f.size() - k) +
                          " feature columns, spec.json says " + std::to_string(C) + " channels x " +
                          std::to_string(d.spec.window) + " timesteps");
      for (uint32_t i = 0; i < F; ++i) {
        const std::string want = d.spec.channels[i % C].name + "@" + std::to_string(i / C);
        if (f[k + i] != want)
          throw FormatError(where + ", column " + std::to_string(k + i + 1) + ": header '" +
                            f[k + i] + "', expected '" + want + "' (time-major)");
      }
      for (const std::string& g : group_cols) d.groups[g];
      continue;
    }
    const size_t first = 1 + group_cols.size();
    if (f.size() != first + F)
      throw FormatError(where + ": " + std::to_string(f.size()) + " values, expected " +
                        std::to_string(first + F));
    int64_t label = 0;
    if (!parse_int(f[0], &label) || label < 0 || label >= static_cast<int64_t>(n_classes))
      throw FormatError(where + ", column 1 (label): '" + f[0] + "' is not a class index 0.." +
                        std::to_string(n_classes - 1));
    d.labels.push_back(static_cast<uint32_t>(label));
    for (size_t g = 0; g < group_cols.size(); ++g) {
      int64_t id = 0;
      if (!parse_int(f[1 + g], &id))
        throw FormatError(where + ", column " + std::to_string(g + 2) + " (" + group_cols[g] +
                          "): '" + f[1 + g] + "' is not an integer id");
      d.groups[group_cols[g]].push_back(id);
    }
    std::vector<double> row(F);
    for (uint32_t i = 0; i < F; ++i) {
      const ChannelSpec& ch = d.spec.channels[i % C];
      const std::string col = where + ", column " + std::to_string(first + i + 1) + " (" + ch.name +
                              "@" + std::to_string(i / C) + ")";
      const std::string& s = f[first + i];
      if (!parse_whole_double(s, &row[i])) throw FormatError(col + ": '" + s + "' is not a number");
      if (!std::isfinite(row[i])) throw FormatError(col + ": '" + s + "' is not finite");
      if (row[i] < ch.phys_min || row[i] > ch.phys_max)
        throw FormatError(col + ": " + s + " is outside the physical range [" +
                          std::to_string(ch.phys_min) + ", " + std::to_string(ch.phys_max) + "]");
    }
    d.features.push_back(std::move(row));
  }
  if (!header_seen) throw FormatError(path + ": empty");
  if (d.labels.empty()) throw FormatError(path + ": no examples after the header");
}

}  // namespace

ClassDataset read_class_dataset(const std::string& dir) {
  ClassDataset d;
  const std::string spec_path = dir + "/spec.json";
  const std::vector<uint8_t> spec_bytes = read_file(spec_path);  // read twice: it is small
  d.fingerprint = atome_crc32(0, spec_bytes.data(), spec_bytes.size());
  read_spec(d, spec_path);
  read_examples(d, dir + "/examples.csv");
  return d;
}

ClassSplit grouped_split(const ClassDataset& data, const std::string& group_by, uint64_t seed) {
  const auto it = data.groups.find(group_by);
  if (it == data.groups.end())
    throw UsageError("--group-by " + group_by + ": examples.csv has no '" + group_by + "' column");
  const std::vector<int64_t>& ids = it->second;
  std::vector<int64_t> groups(ids);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  if (groups.size() < 3)
    throw FormatError("examples.csv has " + std::to_string(groups.size()) + " " + group_by +
                      " group(s): a grouped split needs at least 3 (train, valid, test)");
  // Fisher-Yates with SplitMix64: the same seed gives the same split on every machine.
  uint64_t state = seed ^ 0x5EED5EED5EED5EEDull;
  for (size_t i = groups.size() - 1; i > 0; --i)
    std::swap(groups[i], groups[splitmix64(&state) % (i + 1)]);
  const size_t G = groups.size();
  const size_t n_test = std::max<size_t>(1, static_cast<size_t>(std::lround(0.15 * G)));
  const size_t n_valid = std::max<size_t>(1, static_cast<size_t>(std::lround(0.15 * G)));
  if (n_test + n_valid >= G)
    throw FormatError("too few " + group_by + " groups to split");  // unreachable for G >= 3
  ClassSplit s;
  s.test_groups.assign(groups.begin(), groups.begin() + n_test);
  s.valid_groups.assign(groups.begin() + n_test, groups.begin() + n_test + n_valid);
  s.train_groups.assign(groups.begin() + n_test + n_valid, groups.end());
  for (auto* g : {&s.test_groups, &s.valid_groups, &s.train_groups})
    std::sort(g->begin(), g->end());
  auto in = [](const std::vector<int64_t>& g, int64_t id) {
    return std::binary_search(g.begin(), g.end(), id);
  };
  for (size_t r = 0; r < ids.size(); ++r) {
    if (in(s.test_groups, ids[r]))
      s.test.push_back(r);
    else if (in(s.valid_groups, ids[r]))
      s.valid.push_back(r);
    else
      s.train.push_back(r);
  }
  return s;
}

void fit_ranges(ClassSpec& spec, const ClassDataset& data, const std::vector<size_t>& rows,
                uint32_t quant_mode, double tail) {
  const uint32_t C = static_cast<uint32_t>(spec.channels.size()), T = spec.window;
  spec.quant_mode = quant_mode;
  spec.vmin.assign(C * T, 0.0);
  spec.vmax.assign(C * T, 0.0);
  for (uint32_t c = 0; c < C; ++c) {
    std::vector<double> v;
    for (size_t r : rows)
      for (uint32_t t = 0; t < T; ++t) v.push_back(data.features[r][t * C + c]);
    std::sort(v.begin(), v.end());
    const ChannelSpec& ch = spec.channels[c];
    double lo = ch.phys_min, hi = ch.phys_max;
    // Text heads (pipeline "bytes"): a byte is a symbol, not a measurement, so the range is the
    // byte's own 0..255; with global quant every byte is then its own token (identity), the same
    // on a device without any range table, and a byte absent from train keeps its own token.
    if (spec.pipeline == "bytes") v.clear();
    if (!v.empty()) {
      const double last = static_cast<double>(v.size() - 1);
      lo = std::max<double>(v[static_cast<size_t>(std::floor(tail * last))], ch.phys_min);
      hi = std::min<double>(v[static_cast<size_t>(std::ceil((1.0 - tail) * last))], ch.phys_max);
    }
    if (!(lo < hi)) {  // a constant channel: nothing to resolve inside it
      const bool recorded = ch.phys_min < ch.phys_max;
      lo = recorded ? ch.phys_min : lo - 0.5;
      hi = recorded ? ch.phys_max : hi + 0.5;
    }
    for (uint32_t t = 0; t < T; ++t) {
      spec.vmin[t * C + c] = lo;
      spec.vmax[t * C + c] = hi;
    }
  }
}

}  // namespace atome::train
