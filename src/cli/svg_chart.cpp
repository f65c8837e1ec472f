// See svg_chart.h.
#include "cli/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace atome::cli {
namespace {

// Canvas and plot-area geometry, in SVG user units (pixels).
constexpr double kWidth = 800, kHeight = 480;
constexpr double kLeft = 72, kRight = kWidth - 24, kTop = 48, kBottom = kHeight - 56;
constexpr int kTargetTicks = 6;

// An axis range that starts and ends on a tick; ticks every `step`.
struct Axis {
  double lo = 0, hi = 1, step = 1;
  int decimals = 0;  // enough to tell ticks apart
};

Axis nice_axis(double min, double max) {
  if (!(max > min)) {  // one value: give it some room
    const double pad = min == 0 ? 1 : std::fabs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const double raw = (max - min) / kTargetTicks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  Axis a;
  a.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  a.lo = std::floor(min / a.step) * a.step;
  a.hi = std::ceil(max / a.step) * a.step;
  a.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(a.step) + 1e-9)));
  return a;
}

std::string number(double v, int decimals) {
  if (std::fabs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;  // no "-0.0" from rounding
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string coord(double v) {
  return number(v, 2);
}

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control bytes other than tab/newline are not allowed in XML 1.0 text.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

struct Mapping {
  Axis x, y;
  double px(double v) const { return kLeft + (v - x.lo) / (x.hi - x.lo) * (kRight - kLeft); }
  double py(double v) const { return kBottom - (v - y.lo) / (y.hi - y.lo) * (kBottom - kTop); }
};

void draw_axes(const LineChart& chart, const Mapping& m, std::string* svg) {
  std::string& s = *svg;
  s += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (int i = 0; m.x.lo + i * m.x.step <= m.x.hi + m.x.step * 1e-9; ++i) {
    const std::string x = coord(m.px(m.x.lo + i * m.x.step));
    s += "<line x1=\"" + x + "\" y1=\"" + coord(kTop) + "\" x2=\"" + x + "\" y2=\"" +
         coord(kBottom) + "\"/>\n";
  }
  for (int i = 0; m.y.lo + i * m.y.step <= m.y.hi + m.y.step * 1e-9; ++i) {
    const std::string y = coord(m.py(m.y.lo + i * m.y.step));
    s += "<line x1=\"" + coord(kLeft) + "\" y1=\"" + y + "\" x2=\"" + coord(kRight) + "\" y2=\"" +
         y + "\"/>\n";
  }
  s += "</g>\n<g fill=\"#333333\">\n";
  for (int i = 0; m.x.lo + i * m.x.step <= m.x.hi + m.x.step * 1e-9; ++i) {
    const double v = m.x.lo + i * m.x.step;
    s += "<text x=\"" + coord(m.px(v)) + "\" y=\"" + coord(kBottom + 18) +
         "\" text-anchor=\"middle\">" + number(v, m.x.decimals) + "</text>\n";
  }
  for (int i = 0; m.y.lo + i * m.y.step <= m.y.hi + m.y.step * 1e-9; ++i) {
    const double v = m.y.lo + i * m.y.step;
    s += "<text x=\"" + coord(kLeft - 8) + "\" y=\"" + coord(m.py(v) + 4) +
         "\" text-anchor=\"end\">" + number(v, m.y.decimals) + "</text>\n";
  }
  s += "</g>\n";
  s += "<rect x=\"" + coord(kLeft) + "\" y=\"" + coord(kTop) + "\" width=\"" +
       coord(kRight - kLeft) + "\" height=\"" + coord(kBottom - kTop) +
       "\" fill=\"none\" stroke=\"#333333\"/>\n";
  s += "<text x=\"" + coord((kLeft + kRight) / 2) + "\" y=\"" + coord(kHeight - 16) +
       "\" text-anchor=\"middle\">" + escape_xml(chart.x_label) + "</text>\n";
  const std::string cy = coord((kTop + kBottom) / 2);
  s += "<text x=\"20\" y=\"" + cy + "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " + cy +
       ")\">" + escape_xml(chart.y_label) + "</text>\n";
}

std::string stroke_attrs(const ChartSeries& series) {
  return "stroke=\"" + escape_xml(series.color) + "\" stroke-width=\"1.5\"" +
         (series.dashed ? " stroke-dasharray=\"6 4\"" : "");
}

void draw_series(const ChartSeries& series, const Mapping& m, std::string* svg) {
  std::string& s = *svg;
  if (series.points.size() >= 2) {
    s += "<polyline fill=\"none\" " + stroke_attrs(series) + " points=\"";
    for (const auto& [x, y] : series.points) s += coord(m.px(x)) + "," + coord(m.py(y)) + " ";
    s.back() = '"';
    s += "/>\n";
  }
  if (series.markers || series.points.size() == 1) {
    s += "<g fill=\"" + escape_xml(series.color) + "\">\n";
    for (const auto& [x, y] : series.points)
      s += "<circle cx=\"" + coord(m.px(x)) + "\" cy=\"" + coord(m.py(y)) + "\" r=\"3\"/>\n";
    s += "</g>\n";
  }
}

// Top right, inside the plot area (falling loss curves leave that corner empty).
void draw_legend(const LineChart& chart, std::string* svg) {
  std::string& s = *svg;
  size_t longest = 0;
  for (const auto& series : chart.series) longest = std::max(longest, series.label.size());
  const double row = 18, width = 44 + 7.0 * static_cast<double>(longest);
  const double x0 = kRight - 10 - width, y0 = kTop + 10;
  s += "<rect x=\"" + coord(x0) + "\" y=\"" + coord(y0) + "\" width=\"" + coord(width) +
       "\" height=\"" + coord(row * static_cast<double>(chart.series.size()) + 8) +
       "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>\n";
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    const double y = y0 + 4 + row * (static_cast<double>(i) + 0.5);
    s += "<line x1=\"" + coord(x0 + 8) + "\" y1=\"" + coord(y) + "\" x2=\"" + coord(x0 + 32) +
         "\" y2=\"" + coord(y) + "\" " + stroke_attrs(series) + "/>\n";
    if (series.markers)
      s += "<circle cx=\"" + coord(x0 + 20) + "\" cy=\"" + coord(y) + "\" r=\"3\" fill=\"" +
           escape_xml(series.color) + "\"/>\n";
    s += "<text x=\"" + coord(x0 + 38) + "\" y=\"" + coord(y + 4) + "\">" +
         escape_xml(series.label) + "</text>\n";
  }
}

}  // namespace

const char* chart_color(size_t i) {
  static const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                         "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

std::string render_svg(const LineChart& chart) {
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  for (const auto& series : chart.series) {
    for (const auto& [x, y] : series.points) {
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_min = std::min(y_min, y);
      y_max = std::max(y_max, y);
    }
  }
  if (!(x_min <= x_max)) throw std::invalid_argument("a chart needs at least one point");
  const Mapping m{nice_axis(x_min, x_max), nice_axis(y_min, y_max)};

  const std::string w = number(kWidth, 0), h = number(kHeight, 0);
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                  "\" viewBox=\"0 0 " + w + " " + h +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + coord(kWidth / 2) + "\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">" +
       escape_xml(chart.title) + "</text>\n";
  draw_axes(chart, m, &s);
  for (const auto& series : chart.series) draw_series(series, m, &s);
  draw_legend(chart, &s);
  s += "</svg>\n";
  return s;
}

}  // namespace atome::cli
