// See report_markdown.h.
#include "lab/report_markdown.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "host/errors.h"
#include "host/spread.h"
#include "lab/sweep_charts.h"

namespace atome::lab {
namespace {

const char* const kDash = "\u2014";   // an empty cell
const char* const kRange = "\u2013";  // between min and max

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 60800 -> "60,800".
std::string grouped(double v) {
  const std::string digits = std::to_string(static_cast<unsigned long long>(std::llround(v)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string grouped_range(const Spread& s) {
  return s.min == s.max ? grouped(s.min) : grouped(s.min) + kRange + grouped(s.max);
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// 0.00412 -> "+0.0041", never "-0.0000".
std::string signed_fixed(double v) {
  std::string text = fixed(v, 4);
  if (text == "-0.0000") text = "0.0000";
  return (text[0] == '-' ? "" : "+") + text;
}

// 0.2031 -> "+20.3%", never "-0.0%".
std::string signed_percent(double change) {
  std::string text = fixed(100 * change, 1);
  if (text == "-0.0") text = "0.0";
  return (text[0] == '-' ? "" : "+") + text + "%";
}

// Text inside a table cell: a '|' would end the cell, a newline the row.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string one_line(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + c + " |";
  return out + "\n";
}

std::string seeds_cell(const ModelRuns& m, const ModelSummary& s) {
  std::string out;
  for (const SeedRun& run : m.runs) {
    if (!out.empty()) out += " / ";
    out += run.result ? fixed(run.result->valid_bpb, 3) : kDash;
  }
  if (s.finished < s.seeds)
    out +=
        " (" + std::to_string(s.finished) + " of " + std::to_string(s.seeds) + " seeds finished)";
  return out;
}

// The change against the baseline seed by seed: for one seed, every model of a sweep saw the same
// batches, so these pair up (a model that wins on every seed is a different finding from one
// whose median wins).
std::string paired_cell(const Sweep& sweep, size_t i) {
  if (i == sweep.baseline) return "baseline";
  const ModelRuns& m = sweep.models[i];
  const ModelRuns& base = sweep.models[sweep.baseline];
  std::string out;
  for (size_t k = 0; k < m.runs.size() && k < base.runs.size(); ++k) {
    if (!out.empty()) out += " / ";
    const bool both = m.runs[k].result && base.runs[k].result;
    out += both ? signed_percent(perplexity_change(m.runs[k].result->valid_bpb,
                                                   base.runs[k].result->valid_bpb))
                : kDash;
  }
  return out;
}

std::string model_row(const Sweep& sweep, size_t i, const ModelSummary& baseline) {
  const ModelRuns& m = sweep.models[i];
  const ModelSummary s = summarize(m);
  const std::string original = m.model.seed_reported.empty() ? kDash : cell(m.model.seed_reported);
  if (s.finished == 0)
    return row({cell(m.model.label), kDash, kDash, "no finished run", kDash, kDash, kDash,
                seeds_cell(m, s), kDash, original});
  std::string change = kDash;
  if (i == sweep.baseline) {
    change = "baseline";
  } else if (baseline.finished > 0) {
    change = signed_percent(perplexity_change(s.valid_bpb.median, baseline.valid_bpb.median));
  }
  return row({cell(m.model.label), grouped_range(s.params), grouped_range(s.model_bytes),
              fixed(s.valid_bpb.median, 3) + " (" + fixed(s.valid_bpb.min, 3) + kRange +
                  fixed(s.valid_bpb.max, 3) + ")",
              fixed(perplexity(s.valid_bpb.median), 2), change, paired_cell(sweep, i),
              seeds_cell(m, s), fixed(s.train_seconds, 1), original});
}

// What the bpb were measured on, from the runs' valid_mode (several: they do not compare).
std::string valid_mode_note(const Sweep& sweep) {
  std::vector<std::string> modes;
  for (const ModelRuns& m : sweep.models) {
    for (const SeedRun& run : m.runs) {
      if (!run.result || run.result->valid_mode.empty()) continue;
      bool seen = false;
      for (const std::string& mode : modes) seen = seen || mode == run.result->valid_mode;
      if (!seen) modes.push_back(run.result->valid_mode);
    }
  }
  if (modes.empty()) return "";
  if (modes.size() == 1) return " (" + one_line(modes[0]) + ")";
  std::string list;
  for (const std::string& mode : modes) list += (list.empty() ? "" : ", ") + one_line(mode);
  return " (**the runs used different validation modes: " + list + "; their bpb do not compare**)";
}

std::string seed_list(const std::vector<uint64_t>& seeds) {
  std::string out;
  for (uint64_t seed : seeds) out += (out.empty() ? "" : ", ") + std::to_string(seed);
  return out;
}

// A link target Markdown takes as written: <...> around one with spaces or parentheses.
std::string href(const std::string& dir, const std::string& file) {
  const std::string target = dir.empty() || dir == "." ? file : dir + "/" + file;
  return target.find_first_of(" ()") == std::string::npos ? target : "<" + target + ">";
}

std::string alt_text(const std::string& s) {
  std::string out;
  for (char c : one_line(s)) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Is `line` (without its newline) the marker, blanks around it ignored?
bool is_marker(const std::string& text, size_t begin, size_t end, const std::string& marker) {
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
    --end;
  return text.compare(begin, end - begin, marker) == 0 && end - begin == marker.size();
}

}  // namespace

std::string sweep_markdown(const Sweep& sweep, const ReportLinks& links) {
  const SweepFile& d = sweep.definition;
  const ModelSummary baseline = summarize(sweep.models[sweep.baseline]);
  const std::string& baseline_label = d.models[sweep.baseline].label;

  std::string md = "### " + one_line(d.title) + "\n\n";
  md += row({"model", "params", "bytes on disk",
             std::string("valid bpb, median (min") + kRange + "max)", "ppl (median)",
             "\u0394ppl vs " + cell(baseline_label), "\u0394ppl, seed by seed", "seeds (bpb each)",
             "train s (median)", "original (one seed)"});
  md += "|---|--:|--:|--:|--:|--:|--:|---|--:|---|\n";
  for (size_t i = 0; i < sweep.models.size(); ++i) md += model_row(sweep, i, baseline);

  const bool engine = d.metric == "engine_valid_bpb";
  md += std::string(engine ? "\nbpb: the engine's bits per byte (the protocol of `atome eval`) on "
                             "each run's exported model file, in the file's numerics"
                           : "\nbpb: validation bits per byte of each run's final model") +
        valid_mode_note(sweep) +
        "; ppl = 2^bpb, per byte; \u0394ppl = 2^(bpb \u2212 baseline bpb) \u2212 1, at the "
        "medians, and seed by seed against the baseline's run of the same seed (same batches); "
        "seeds " +
        seed_list(d.seeds) + ", in that order.\n";
  if (engine && baseline.finished > 0) {
    // Differences this small read better in bpb than in perplexity; and the trainer's own
    // validation (its forward, with the fake quantisation it trained with) beside the engine's.
    std::vector<std::string> parts;
    for (size_t i = 0; i < sweep.models.size(); ++i) {
      if (i == sweep.baseline) continue;
      const ModelSummary s = summarize(sweep.models[i]);
      if (s.finished == 0) continue;
      std::string seeds;
      const ModelRuns& m = sweep.models[i];
      const ModelRuns& base = sweep.models[sweep.baseline];
      for (size_t k = 0; k < m.runs.size() && k < base.runs.size(); ++k) {
        const bool both = m.runs[k].result && base.runs[k].result;
        seeds += (seeds.empty() ? "" : " / ") +
                 (both ? signed_fixed(m.runs[k].result->valid_bpb - base.runs[k].result->valid_bpb)
                       : std::string(kDash));
      }
      parts.push_back(one_line(m.model.label) + " " +
                      signed_fixed(s.valid_bpb.median - baseline.valid_bpb.median) + " (" + seeds +
                      ")");
    }
    md += "\u0394bpb vs " + one_line(baseline_label) +
          " at the medians (seed by seed): " + join(parts) + ".\n";
    parts.clear();
    for (const ModelRuns& m : sweep.models) {
      std::vector<double> v;
      for (const SeedRun& run : m.runs)
        if (run.result) v.push_back(run.result->trainer_valid_bpb);
      if (!v.empty())
        parts.push_back(one_line(m.model.label) + " " + fixed(spread_of(v).median, 4));
    }
    md +=
        "The trainer's own validation of the same runs (its forward, with the fake quantisation "
        "it trained with), median: " +
        join(parts) + ".\n";
  }
  if (baseline.finished == 0)
    md += "No \u0394ppl: the baseline, " + one_line(baseline_label) + ", has no finished run.\n";
  std::string missing;
  for (const ModelRuns& m : sweep.models) {
    for (const SeedRun& run : m.runs) {
      if (!run.result) missing += (missing.empty() ? "" : ", ") + ("`" + run.dir + "`");
    }
  }
  if (!missing.empty()) md += "Not finished (no result.json): " + missing + ".\n";

  md += "\nRegenerate:\n\n```sh\natome sweep experiments/" + d.name + ".json --out " +
        one_line(sweep.dir) + "\n" + one_line(links.report_command) + "\n```\n";

  if (!links.figures_href.empty()) {
    md += "\n![" + alt_text(d.title) + ": validation bpb by step](" +
          href(links.figures_href, curves_svg_name(d.name)) + ")\n";
    md += "![" + alt_text(d.title) + ": median validation bpb per model](" +
          href(links.figures_href, bpb_svg_name(d.name)) + ")\n";
  }
  return md;
}

std::string begin_marker(const std::string& sweep_name) {
  return "<!-- sweep:" + sweep_name + ":begin -->";
}

std::string end_marker(const std::string& sweep_name) {
  return "<!-- sweep:" + sweep_name + ":end -->";
}

std::string replace_sweep_block(const std::string& text, const std::string& file,
                                const std::string& sweep_name, const std::string& block) {
  const std::string begin = begin_marker(sweep_name), end = end_marker(sweep_name);
  // Offsets: just past the begin line (its newline included), and the start of the end line.
  std::vector<size_t> after_begin, end_starts;
  for (size_t start = 0; start < text.size();) {
    size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    if (is_marker(text, start, stop, begin)) after_begin.push_back(stop + 1);
    if (is_marker(text, start, stop, end)) end_starts.push_back(start);
    start = stop + 1;
  }
  const std::string both = "'" + begin + "' and '" + end + "'";
  if (after_begin.empty() || end_starts.empty())
    throw Error(file + " has no place for sweep '" + sweep_name + "': add the lines " + both +
                " where its results go");
  if (after_begin.size() > 1 || end_starts.size() > 1)
    throw Error(file + ": the lines " + both + " must appear once each");
  if (end_starts[0] < after_begin[0])
    throw Error(file + ": '" + end + "' comes before '" + begin + "'");
  return text.substr(0, after_begin[0]) + block + text.substr(end_starts[0]);
}

}  // namespace atome::lab
