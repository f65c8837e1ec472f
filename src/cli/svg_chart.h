// A line chart as a self-contained SVG document, written as text (no dependency): title, framed
// plot area with grid, "nice" tick labels (1, 2 or 5 times a power of ten), axis labels, one
// polyline per series (optionally dashed, optionally with point markers) and a legend.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace atome::cli {

struct ChartSeries {
  std::string label;
  std::string color;  // any SVG colour, e.g. "#1f77b4"
  bool dashed = false;
  bool markers = false;                           // a dot on every point
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in this order
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
};

// The SVG text; it starts with "<svg". The axes span every point of every series (a series with
// a single point is drawn as a marker). Throws std::invalid_argument if there is no point at all.
std::string render_svg(const LineChart& chart);

// Colour number i of a fixed palette (cycled), so that runs keep their colour across charts.
const char* chart_color(size_t i);

}  // namespace atome::cli
