// See metrics_file.h.
#include "lab/metrics_file.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "host/errors.h"
#include "host/file_io.h"
#include "lab/svg_chart.h"

namespace atome::lab {
namespace {

// The value of `key` if it is a finite number.
bool finite_number(const nlohmann::json& line, const char* key, double* out) {
  const auto it = line.find(key);
  if (it == line.end() || !it->is_number()) return false;
  const double v = it->get<double>();
  if (!std::isfinite(v)) return false;
  *out = v;
  return true;
}

std::vector<MetricsPoint> by_step(const std::map<double, double>& points) {
  std::vector<MetricsPoint> out;
  out.reserve(points.size());
  for (const auto& [step, bpb] : points) out.push_back({step, bpb});
  return out;
}

// "runs/a/metrics.jsonl" -> "a"; a file with no directory part -> its own stem.
std::string run_name(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string dir = p.parent_path().filename().string();
  return dir.empty() || dir == "." || dir == ".." ? p.stem().string() : dir;
}

}  // namespace

MetricsRun read_metrics_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path + " is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path + ": " + std::strerror(errno));
  std::map<double, double> train, valid;  // step -> bpb; a later line replaces an earlier one
  std::string text;
  size_t line_no = 0;
  while (std::getline(in, text)) {
    ++line_no;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {  // syntax, or a number out of range (1e999)
      throw Error(path + ": line " + std::to_string(line_no) + " is not valid JSON");
    }
    if (!line.is_object())
      throw Error(path + ": line " + std::to_string(line_no) + " is not a JSON object");
    double step, value;
    if (!finite_number(line, "step", &step)) continue;
    if (finite_number(line, "train_loss", &value)) train[step] = value / std::log(2.0);
    if (finite_number(line, "valid_bpb", &value)) valid[step] = value;
  }
  if (in.bad()) throw Error("cannot read " + path);
  if (train.empty() && valid.empty())
    throw Error(path +
                ": no usable line (a line needs \"step\" with \"train_loss\" or \"valid_bpb\")");
  return {run_name(path), by_step(train), by_step(valid)};
}

std::vector<std::pair<double, double>> step_bpb(const std::vector<MetricsPoint>& points) {
  std::vector<std::pair<double, double>> out;
  out.reserve(points.size());
  for (const MetricsPoint& p : points) out.emplace_back(p.step, p.bpb);
  return out;
}

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
      s.points = step_bpb(run.train);
      chart.series.push_back(std::move(s));
    }
    if (!run.valid.empty()) {
      ChartSeries s;
      s.label = prefix + "valid";
      // One run: a second colour tells the curves apart; several runs: the colour names the run.
      s.color = chart_color(overlay ? i : 1);
      s.dashed = true;
      s.markers = true;
      s.points = step_bpb(run.valid);
      chart.series.push_back(std::move(s));
    }
  }
  const std::string svg = render_svg(chart);
  write_file_atomic(out, std::vector<uint8_t>(svg.begin(), svg.end()));
}

}  // namespace atome::lab
