#include "host/apps_stream.h"

#include <cmath>
#include <cstdlib>

#include "host/errors.h"
#include "host/text_fields.h"

namespace atome {
namespace {

constexpr size_t kMaxValues = 4096;         // far above any head (64 features)
constexpr uint64_t kMaxPeriods = 10000000;  // a bound on memory for a hostile file

[[noreturn]] void bad(const std::string& name, size_t row, size_t col, const std::string& what) {
  throw FormatError(name + ": row " + std::to_string(row) + ", column " + std::to_string(col) +
                    ": " + what);
}

bool parse_period(const std::string& s, uint64_t* v) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  *v = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

bool is_nan_word(const std::string& s) {
  if (s.size() != 3) return false;
  return (s[0] == 'n' || s[0] == 'N') && (s[1] == 'a' || s[1] == 'A') &&
         (s[2] == 'n' || s[2] == 'N');
}

// The text of `P,@command,"TEXT"`: everything after the second comma of the raw line, one
// CSV-quoted field ("" is a quote). Returns the column of an error, or 0.
size_t command_text(const std::string& line, std::string* text, std::string* what) {
  size_t at = line.find(',');
  at = line.find(',', at + 1);
  if (at == std::string::npos) {
    *what = "@command needs a quoted text: P,@command,\"TEXT\"";
    return 3;
  }
  std::string f = line.substr(at + 1);
  size_t lead = 0;
  while (lead < f.size() && (f[lead] == ' ' || f[lead] == '\t')) ++lead;
  if (lead == f.size() || f[lead] != '"') {
    *what = "the text of @command must be in double quotes (\"\" for a quote)";
    return 3;
  }
  for (size_t i = lead + 1; i < f.size(); ++i) {
    if (f[i] != '"') {
      *text += f[i];
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '"') {
      *text += '"';
      ++i;
      continue;
    }
    for (size_t j = i + 1; j < f.size(); ++j)
      if (f[j] != ' ' && f[j] != '\t') {
        *what = "text after the closing quote of @command's text";
        return 3;
      }
    return 0;
  }
  *what = "@command's text has no closing quote";
  return 3;
}

}  // namespace

AppsStream read_apps_stream(const std::string& text, const std::vector<std::string>& heads,
                            const std::string& name) {
  AppsStream out;
  const std::vector<std::string> lines = split_on(text, '\n');
  bool header = false;
  for (size_t li = 0; li < lines.size(); ++li) {
    const size_t row = li + 1;
    const std::string line = trim_field(lines[li]);
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv_fields(line);
    if (!header) {
      if (f.size() < 2 || f[0] != "period" || f[1] != "head")
        bad(name, row, 1, "the first line must be the header \"period,head,values...\"");
      header = true;
      continue;
    }
    if (f.size() < 2) bad(name, row, 2, "a row needs a period and a head");
    uint64_t period = 0;
    if (!parse_period(f[0], &period))
      bad(name, row, 1, "period '" + f[0] + "' is not a non-negative integer");
    const uint64_t expected = out.periods.size();  // the current period is expected - 1
    if (expected == 0 ? period != 0 : (period != expected - 1 && period != expected))
      bad(name, row, 1,
          "period " + f[0] + " out of order (periods start at 0 and go up by 0 or 1)");
    if (period >= kMaxPeriods) bad(name, row, 1, "more than 10,000,000 periods");
    if (period == expected) {
      out.periods.emplace_back(heads.size());
      out.operators.emplace_back();
    }
    if (!f[1].empty() && f[1][0] == '@') {
      StreamOperator op;
      op.row = row;
      if (f[1] == "@resume") {
        if (f.size() > 2) bad(name, row, 3, "@resume takes no field");
        op.kind = StreamOperator::kResume;
      } else if (f[1] == "@command") {
        std::string what;
        const size_t col = command_text(line, &op.text, &what);
        if (col != 0) bad(name, row, col, what);
      } else {
        bad(name, row, 2, "unknown operator row '" + f[1] + "' (@command, @resume)");
      }
      out.operators.back().push_back(op);
      continue;
    }
    size_t h = 0;
    while (h < heads.size() && heads[h] != f[1]) ++h;
    if (h == heads.size()) bad(name, row, 2, "unknown head '" + f[1] + "' (not in apps.json)");
    StreamFrame& frame = out.periods.back()[h];
    if (frame.present) bad(name, row, 2, "head '" + f[1] + "' twice in period " + f[0]);
    if (f.size() - 2 > kMaxValues) bad(name, row, 2 + kMaxValues + 1, "more than 4096 values");
    frame.present = true;
    frame.values.reserve(f.size() - 2);
    for (size_t c = 2; c < f.size(); ++c) {
      double v = 0.0;
      if (is_nan_word(f[c])) {
        v = NAN;
      } else if (!parse_whole_double(f[c], &v)) {
        bad(name, row, c + 1, "'" + f[c] + "' is not a number");
      }
      if (!std::isfinite(v)) frame.non_finite = true;
      frame.values.push_back(v);
    }
  }
  if (!header) throw FormatError(name + ": empty (no header line \"period,head,values...\")");
  return out;
}

std::vector<int32_t> apps_frame_fixed(const StreamFrame& frame, const atome_tokenizer& tok) {
  std::vector<int32_t> out(frame.values.size());
  const uint32_t channels = tok.n_channels == 0 ? 1 : tok.n_channels;
  for (size_t i = 0; i < frame.values.size(); ++i) {
    const double x =
        std::nearbyint(std::ldexp(frame.values[i], static_cast<int>(tok.frac[i % channels])));
    if (std::isnan(x))
      out[i] = 0;  // the reader marks non-finite frames; never a NaN cast
    else if (x >= 2147483647.0)
      out[i] = INT32_MAX;
    else if (x <= -2147483648.0)
      out[i] = INT32_MIN;
    else
      out[i] = static_cast<int32_t>(x);
  }
  return out;
}

}  // namespace atome
