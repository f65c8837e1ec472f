// Charts as self-contained SVG documents, written as text (no dependency): title, framed plot area
// with grid, "nice" tick labels (1, 2 or 5 times a power of ten) and axis labels around either
//   - a line chart: one polyline per series (optionally dashed, optionally with point markers)
//     and a legend, or
//   - a bar chart: one bar per category with an optional low-high whisker and its value printed.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace atome::lab {

struct ChartSeries {
  std::string label;
  std::string color;  // any SVG colour, e.g. "#1f77b4"
  bool dashed = false;
  bool markers = false;   // a dot on every point
  bool in_legend = true;  // false: drawn but not listed (e.g. more runs of an entry already listed)
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

struct Bar {
  std::string label;  // under the bar, wrapped onto a few lines when the slot is narrow
  std::string color;
  bool has_value = true;  // false: an empty slot (only the label and value_text)
  double value = 0;       // the bar's height
  double low = 0;         // whisker from low to high; no whisker when both equal value
  double high = 0;
  std::string value_text;  // printed above the bar and whisker (or above the axis when empty)
};

struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<Bar> bars;  // left to right
};

// The SVG text; it starts with "<svg". The y axis always includes 0, so bar heights compare as
// ratios; it ends on a tick above the highest whisker. Throws std::invalid_argument if no bar has
// a value or a value is not finite.
std::string render_bar_svg(const BarChart& chart);

// Colour number i of a fixed palette (cycled), so that runs keep their colour across charts.
const char* chart_color(size_t i);

}  // namespace atome::lab
