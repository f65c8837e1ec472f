// atome report RUNS [RUNS...] [--results FILE] [--figures DIR]
//
// Turns finished sweeps (directories written by `atome sweep`, layout in sweep_results.h) into
// results tables and figures. Per RUNS directory: a Markdown block (report_markdown.h) and two
// SVG figures, DIR/<name>-curves.svg and DIR/<name>-bpb.svg (sweep_charts.h).
//
// Without --results the blocks go to stdout, and figures are drawn only when --figures is given.
// With --results FILE each block replaces the lines between the sweep's marker lines in FILE
// (the markers stay), figures go to --figures or docs/figures, and the image links are relative
// to FILE's directory. Every input is read, and every marker found, before anything is written:
// a failure leaves FILE and the figures as they were. All files are written atomically.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "lab/report_markdown.h"
#include "lab/sweep_charts.h"
#include "lab/sweep_results.h"

namespace atome::cli {

using namespace atome::lab;  // the lab does the work; this file parses flags and prints
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultFiguresDir = "docs/figures";

struct ReportOptions {
  std::vector<std::string> runs;
  std::string results;  // empty: print to stdout
  std::string figures;  // empty: kDefaultFiguresDir with --results, no figures without
};

// A path as a shell word: as is when it holds nothing a shell would read differently.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyz"
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_./-+=:,") == std::string::npos;
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The command that regenerates one sweep's block as this run did.
std::string report_command(const std::string& runs, const std::string& results,
                           const std::string& figures) {
  std::string cmd = "atome report " + shell_word(runs);
  if (!results.empty()) cmd += " --results " + shell_word(results);
  if (!figures.empty()) cmd += " --figures " + shell_word(figures);
  return cmd;
}

// The figures directory as a link from the directory the Markdown lives in.
std::string figures_href(const std::string& figures, const std::string& markdown_dir) {
  // Absolute first: libstdc++'s weakly_canonical leaves a relative path whose first component
  // does not exist (a figures directory not created yet) relative, and relative() then fails.
  std::error_code ec;
  const fs::path target = fs::absolute(figures, ec);
  const fs::path base = fs::absolute(markdown_dir.empty() ? "." : markdown_dir, ec);
  const fs::path rel = fs::relative(target, base, ec);
  if (ec || rel.empty()) return target.generic_string();
  return rel.generic_string();
}

void write_text_file(const std::string& path, const std::string& text) {
  write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

void run_report(const ReportOptions& o) {
  std::vector<Sweep> sweeps;
  std::set<std::string> names;
  for (const std::string& dir : o.runs) {
    sweeps.push_back(read_sweep(dir));
    const std::string& name = sweeps.back().definition.name;
    // Same name, same figure files and markers: the second would overwrite the first.
    if (!names.insert(name).second)
      throw UsageError("two RUNS directories hold sweep '" + name + "' (" + dir + ")");
  }

  const bool to_file = !o.results.empty();
  const std::string figures = !o.figures.empty() ? o.figures : to_file ? kDefaultFiguresDir : "";
  const std::string markdown_dir = to_file ? fs::path(o.results).parent_path().string() : "";

  std::vector<std::string> blocks;
  std::vector<FigureFile> figure_files;
  for (const Sweep& sweep : sweeps) {
    std::vector<FigureFile> files;
    if (!figures.empty()) files = sweep_figures(sweep, figures);
    ReportLinks links;
    links.report_command = report_command(sweep.dir, o.results, figures);
    if (!files.empty()) links.figures_href = figures_href(figures, markdown_dir);
    blocks.push_back(sweep_markdown(sweep, links));
    for (FigureFile& f : files) figure_files.push_back(std::move(f));
  }

  std::string results_text;
  if (to_file) {
    results_text = read_text_file(o.results);
    for (size_t i = 0; i < sweeps.size(); ++i)
      results_text =
          replace_sweep_block(results_text, o.results, sweeps[i].definition.name, blocks[i]);
  }

  if (!figure_files.empty()) {
    std::error_code ec;
    fs::create_directories(figures, ec);
    if (ec) throw Error("cannot create directory " + figures + ": " + ec.message());
  }
  for (const FigureFile& f : figure_files) write_text_file(f.path, f.svg);

  if (to_file) {
    write_text_file(o.results, results_text);
    return;
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0) std::fputs("\n", stdout);
    std::fputs(blocks[i].c_str(), stdout);
  }
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Results tables (Markdown) and SVG figures from finished `atome sweep` runs");
  cmd->add_option("RUNS", o->runs, "Run directory of a sweep (holding sweep.json); several allowed")
      ->required();
  cmd->add_option("--results", o->results,
                  "Markdown file whose sweep blocks (between <!-- sweep:NAME:begin --> and "
                  "<!-- sweep:NAME:end -->) are replaced; default: print to stdout");
  cmd->add_option("--figures", o->figures,
                  std::string("Directory for the SVG figures (default with --results: ") +
                      kDefaultFiguresDir + "; without: no figures)");
  cmd->callback([o] { run_report(*o); });
}

}  // namespace atome::cli
