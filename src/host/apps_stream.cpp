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
    if (period == expected) out.periods.emplace_back(heads.size());
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
