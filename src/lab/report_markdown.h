// The Markdown `atome report` writes for a sweep, and where it goes in a results file.
//
// A sweep's block: a "### <title>" heading; a table with one row per model (label, params, bytes
// on disk, median valid bpb with its min-max over seeds, per-byte perplexity 2^bpb at the median,
// the change of perplexity against the baseline model, each seed's bpb in seed order, median
// training seconds, the original project's single-seed figure); notes on what was measured and
// which runs have not finished; the commands that regenerate it; the figures as images.
//
// In a results file the block sits between two marker lines, which stay:
//   <!-- sweep:<name>:begin -->
//   <!-- sweep:<name>:end -->
#pragma once

#include <string>

#include "lab/sweep_results.h"

namespace atome::lab {

struct ReportLinks {
  std::string report_command;  // the `atome report ...` line that regenerates this block
  std::string figures_href;    // the figures directory relative to the Markdown; empty: no figures
};

// Ends with a newline.
std::string sweep_markdown(const Sweep& sweep, const ReportLinks& links);

std::string begin_marker(const std::string& sweep_name);
std::string end_marker(const std::string& sweep_name);

// `text` with the lines between the sweep's marker lines replaced by `block` (the marker lines
// and everything outside them unchanged). A marker line matches with surrounding blanks ignored.
// Throws Error naming `file` and both marker lines when either is missing, appears more than
// once, or the end comes first.
std::string replace_sweep_block(const std::string& text, const std::string& file,
                                const std::string& sweep_name, const std::string& block);

}  // namespace atome::lab
