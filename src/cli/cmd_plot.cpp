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

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/metrics_file.h"
#include "cli/svg_chart.h"
#include "format/model_data.h"

namespace atome::cli {
namespace {

struct PlotOptions {
  std::vector<std::string> metrics;
  std::string out;
  std::string title = "Bits per byte";
};

std::vector<std::pair<double, double>> xy(const std::vector<MetricsPoint>& points) {
  std::vector<std::pair<double, double>> out;
  out.reserve(points.size());
  for (const MetricsPoint& p : points) out.emplace_back(p.step, p.bpb);
  return out;
}

}  // namespace

void plot_metrics(const std::vector<std::string>& metrics, const std::string& out,
                  const std::string& title) {
  LineChart chart;
  chart.title = title;
  chart.x_label = "step";
  chart.y_label = "bits per byte";
  const bool overlay = metrics.size() > 1;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const MetricsRun run = read_metrics_file(metrics[i]);
    const std::string prefix = overlay ? run.name + " " : "";
    if (!run.train.empty()) {
      ChartSeries s;
      s.label = prefix + "train";
      s.color = chart_color(i);
      s.points = xy(run.train);
      chart.series.push_back(std::move(s));
    }
    if (!run.valid.empty()) {
      ChartSeries s;
      s.label = prefix + "valid";
      // One run: a second colour tells the curves apart; several runs: the colour names the run.
      s.color = chart_color(overlay ? i : 1);
      s.dashed = true;
      s.markers = true;
      s.points = xy(run.valid);
      chart.series.push_back(std::move(s));
    }
  }
  const std::string svg = render_svg(chart);
  write_file_atomic(out, std::vector<uint8_t>(svg.begin(), svg.end()));
}

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
