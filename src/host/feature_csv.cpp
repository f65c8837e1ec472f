#include "host/feature_csv.h"

#include <cmath>
#include <cstdio>

#include "host/errors.h"
#include "host/text_fields.h"

namespace atome {
namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

bool looks_like_header(const std::vector<std::string>& fields) {
  double v;
  return !fields.empty() && !parse_whole_double(fields[0], &v);
}

}  // namespace

std::string feature_column_name(const ClassSpec& spec, uint32_t index) {
  const uint32_t C = static_cast<uint32_t>(spec.channels.size());
  const std::string& name = spec.channels[index % C].name;
  return spec.window == 1 ? name : name + "[" + std::to_string(index / C) + "]";
}

std::vector<std::vector<double>> read_feature_csv(const std::string& text, const ClassSpec& spec,
                                                  const std::string& name) {
  const uint32_t F = spec.n_features();
  const uint32_t C = static_cast<uint32_t>(spec.channels.size());
  const std::string shape = std::to_string(F) + " (" + std::to_string(C) + " channels x " +
                            std::to_string(spec.window) + " timesteps)";
  std::vector<std::vector<double>> rows;
  size_t pos = 0, line_no = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = trim_field(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = name + ": row " + std::to_string(line_no);
    const std::vector<std::string> fields = split_csv_fields(line);
    const bool header = first && looks_like_header(fields);
    first = false;
    if (fields.size() != F)
      throw FormatError(where + ": " + std::to_string(fields.size()) + " " +
                        (header ? "column names" : "values") + ", expected " + shape);
    if (header) {
      for (uint32_t i = 0; i < F; ++i) {
        if (fields[i] != feature_column_name(spec, i))
          throw FormatError(where + ", column " + std::to_string(i + 1) + ": header '" + fields[i] +
                            "', expected '" + feature_column_name(spec, i) + "'");
      }
      continue;
    }
    std::vector<double> row(F);
    for (uint32_t i = 0; i < F; ++i) {
      const std::string col =
          where + ", column " + std::to_string(i + 1) + " (" + feature_column_name(spec, i) + ")";
      if (fields[i].empty()) throw FormatError(col + ": empty value (missing column?)");
      if (!parse_whole_double(fields[i], &row[i]))
        throw FormatError(col + ": '" + fields[i] + "' is not a number");
      if (!std::isfinite(row[i]))
        throw FormatError(col + ": '" + fields[i] + "' is not a finite number");
      const ChannelSpec& ch = spec.channels[i % C];
      const bool recorded = !(ch.phys_min == 0.0f && ch.phys_max == 0.0f);
      if (recorded && (row[i] < ch.phys_min || row[i] > ch.phys_max))
        throw FormatError(col + ": " + fields[i] + " is outside the physical range [" +
                          fmt(ch.phys_min) + ", " + fmt(ch.phys_max) + "]" +
                          (ch.unit.empty() ? "" : " " + ch.unit));
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw FormatError(name + ": empty: no feature rows");
  return rows;
}

}  // namespace atome
