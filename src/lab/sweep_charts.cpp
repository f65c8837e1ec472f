// See sweep_charts.h.
#include "lab/sweep_charts.h"

#include <cstdio>
#include <filesystem>
#include <utility>

#include "lab/metrics_file.h"
#include "lab/svg_chart.h"

namespace atome::lab {
namespace {

bool any_finished(const Sweep& sweep) {
  for (const ModelRuns& m : sweep.models) {
    for (const SeedRun& run : m.runs) {
      if (run.result) return true;
    }
  }
  return false;
}

std::string curves_svg(const Sweep& sweep) {
  LineChart chart;
  chart.title = sweep.definition.title;
  chart.x_label = "step";
  chart.y_label = "bits per byte";  // the legend tells valid (solid) from train (dashed)
  for (size_t i = 0; i < sweep.models.size(); ++i) {
    const ModelRuns& m = sweep.models[i];
    bool valid_listed = false, train_listed = false;
    for (const SeedRun& run : m.runs) {
      if (!run.result) continue;
      const MetricsRun metrics =
          read_metrics_file((std::filesystem::path(run.dir) / "metrics.jsonl").string());
      if (!metrics.valid.empty()) {
        ChartSeries s;
        s.label = m.model.label + " valid";
        s.color = chart_color(i);
        s.markers = true;
        s.in_legend = !valid_listed;  // the seeds of a model share one legend entry
        s.points = step_bpb(metrics.valid);
        chart.series.push_back(std::move(s));
        valid_listed = true;
      }
      if (!metrics.train.empty()) {
        ChartSeries s;
        s.label = m.model.label + " train";
        s.color = chart_color(i);
        s.dashed = true;
        s.in_legend = !train_listed;
        s.points = step_bpb(metrics.train);
        chart.series.push_back(std::move(s));
        train_listed = true;
      }
    }
  }
  return render_svg(chart);
}

std::string bpb_svg(const Sweep& sweep) {
  BarChart chart;
  chart.title = sweep.definition.title;
  chart.y_label = "median valid bpb (axis from 0), whisker min–max";
  for (size_t i = 0; i < sweep.models.size(); ++i) {
    const ModelSummary s = summarize(sweep.models[i]);
    Bar bar;
    bar.label = sweep.models[i].model.label;
    bar.color = chart_color(i);
    bar.has_value = s.finished > 0;
    if (bar.has_value) {
      bar.value = s.valid_bpb.median;
      bar.low = s.valid_bpb.min;
      bar.high = s.valid_bpb.max;
      char text[32];
      std::snprintf(text, sizeof text, "%.3f", s.valid_bpb.median);
      bar.value_text = text;
    } else {
      bar.value_text = "no finished run";
    }
    chart.bars.push_back(std::move(bar));
  }
  return render_bar_svg(chart);
}

}  // namespace

std::string curves_svg_name(const std::string& sweep_name) {
  return sweep_name + "-curves.svg";
}

std::string bpb_svg_name(const std::string& sweep_name) {
  return sweep_name + "-bpb.svg";
}

std::vector<FigureFile> sweep_figures(const Sweep& sweep, const std::string& figures_dir) {
  if (!any_finished(sweep)) return {};
  const std::filesystem::path dir(figures_dir);
  const std::string& name = sweep.definition.name;
  return {{(dir / curves_svg_name(name)).string(), curves_svg(sweep)},
          {(dir / bpb_svg_name(name)).string(), bpb_svg(sweep)}};
}

}  // namespace atome::lab
