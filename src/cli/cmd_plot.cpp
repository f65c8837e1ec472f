// atome plot --metrics run/metrics.jsonl [--metrics other/metrics.jsonl ...] --out loss.svg
//            [--title T]
//
// Draws training curves as an SVG line chart: x = step, y = bits per byte. Per run, the training
// loss converted to bits per byte (train_loss / ln 2; a solid line) and the validation bpb (a
// dashed line with a dot per evaluation). Several --metrics files overlay several runs; each run
// is named after its file's directory ("runs/a/metrics.jsonl" -> "a") and keeps one colour. The
// metrics format and the lines used are described in metrics_file.h.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "host/errors.h"
#include "lab/metrics_file.h"

namespace atome::cli {

using namespace atome::lab;  // the lab does the work; this file parses flags and prints
namespace {

struct PlotOptions {
  std::vector<std::string> metrics;
  std::string out;
  std::string title = "Bits per byte";
};

}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand("plot", "Draw training curves (metrics JSONL) as an SVG");
  cmd->add_option("--metrics", o->metrics,
                  "Metrics file written by the trainer; repeat to overlay runs")
      ->required()
      ->take_all();
  cmd->add_option("--out", o->out, "SVG file to write")->required();
  cmd->add_option("--title", o->title, "Chart title")->capture_default_str();
  cmd->callback([o] { plot_metrics(o->metrics, o->out, o->title); });
}

}  // namespace atome::cli
