// See svg_chart.h.
#include "lab/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace atome::lab {
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

// Vertical grid lines and their labels under the plot area (line charts only).
void draw_x_ticks(const Mapping& m, std::string* svg) {
  std::string& s = *svg;
  s += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (int i = 0; m.x.lo + i * m.x.step <= m.x.hi + m.x.step * 1e-9; ++i) {
    const std::string x = coord(m.px(m.x.lo + i * m.x.step));
    s += "<line x1=\"" + x + "\" y1=\"" + coord(kTop) + "\" x2=\"" + x + "\" y2=\"" +
         coord(kBottom) + "\"/>\n";
  }
  s += "</g>\n<g fill=\"#333333\">\n";
  for (int i = 0; m.x.lo + i * m.x.step <= m.x.hi + m.x.step * 1e-9; ++i) {
    const double v = m.x.lo + i * m.x.step;
    s += "<text x=\"" + coord(m.px(v)) + "\" y=\"" + coord(kBottom + 18) +
         "\" text-anchor=\"middle\">" + number(v, m.x.decimals) + "</text>\n";
  }
  s += "</g>\n";
}

// Horizontal grid lines and their labels left of the plot area (both kinds of chart).
void draw_y_ticks(const Mapping& m, std::string* svg) {
  std::string& s = *svg;
  s += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (int i = 0; m.y.lo + i * m.y.step <= m.y.hi + m.y.step * 1e-9; ++i) {
    const std::string y = coord(m.py(m.y.lo + i * m.y.step));
    s += "<line x1=\"" + coord(kLeft) + "\" y1=\"" + y + "\" x2=\"" + coord(kRight) + "\" y2=\"" +
         y + "\"/>\n";
  }
  s += "</g>\n<g fill=\"#333333\">\n";
  for (int i = 0; m.y.lo + i * m.y.step <= m.y.hi + m.y.step * 1e-9; ++i) {
    const double v = m.y.lo + i * m.y.step;
    s += "<text x=\"" + coord(kLeft - 8) + "\" y=\"" + coord(m.py(v) + 4) +
         "\" text-anchor=\"end\">" + number(v, m.y.decimals) + "</text>\n";
  }
  s += "</g>\n";
}

// The plot area's frame and the axis titles (an empty x_label draws none).
void draw_frame(const std::string& x_label, const std::string& y_label, std::string* svg) {
  std::string& s = *svg;
  s += "<rect x=\"" + coord(kLeft) + "\" y=\"" + coord(kTop) + "\" width=\"" +
       coord(kRight - kLeft) + "\" height=\"" + coord(kBottom - kTop) +
       "\" fill=\"none\" stroke=\"#333333\"/>\n";
  if (!x_label.empty())
    s += "<text x=\"" + coord((kLeft + kRight) / 2) + "\" y=\"" + coord(kHeight - 16) +
         "\" text-anchor=\"middle\">" + escape_xml(x_label) + "</text>\n";
  const std::string cy = coord((kTop + kBottom) / 2);
  s += "<text x=\"20\" y=\"" + cy + "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " + cy +
       ")\">" + escape_xml(y_label) + "</text>\n";
}

// The document's opening: canvas, white background, title.
std::string svg_begin(const std::string& title) {
  const std::string w = number(kWidth, 0), h = number(kHeight, 0);
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                  "\" viewBox=\"0 0 " + w + " " + h +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + coord(kWidth / 2) + "\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">" +
       escape_xml(title) + "</text>\n";
  return s;
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

// Top right, inside the plot area (falling loss curves leave that corner empty). Lists the series
// marked in_legend; none: no legend.
void draw_legend(const LineChart& chart, std::string* svg) {
  std::string& s = *svg;
  std::vector<const ChartSeries*> listed;
  size_t longest = 0;
  for (const auto& series : chart.series) {
    if (!series.in_legend) continue;
    listed.push_back(&series);
    longest = std::max(longest, series.label.size());
  }
  if (listed.empty()) return;
  const double row = 18, width = 44 + 7.0 * static_cast<double>(longest);
  const double x0 = kRight - 10 - width, y0 = kTop + 10;
  s += "<rect x=\"" + coord(x0) + "\" y=\"" + coord(y0) + "\" width=\"" + coord(width) +
       "\" height=\"" + coord(row * static_cast<double>(listed.size()) + 8) +
       "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999999\"/>\n";
  for (size_t i = 0; i < listed.size(); ++i) {
    const ChartSeries& series = *listed[i];
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

// Words of `text` on lines of at most `width` characters (a longer word gets a line of its own);
// at most `max_lines`, the last one taking whatever is left.
std::vector<std::string> wrap_words(const std::string& text, size_t width, size_t max_lines) {
  std::vector<std::string> lines;
  std::string word, line;
  const auto flush_word = [&] {
    if (word.empty()) return;
    if (line.empty()) {
      line = word;
    } else if (line.size() + 1 + word.size() <= width || lines.size() + 1 == max_lines) {
      line += " " + word;
    } else {
      lines.push_back(line);
      line = word;
    }
    word.clear();
  };
  for (char c : text) {
    if (c == ' ') {
      flush_word();
    } else {
      word += c;
    }
  }
  flush_word();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void draw_bar(const Bar& bar, const Mapping& m, double center, double bar_width, std::string* svg) {
  std::string& s = *svg;
  double text_y = m.py(0) - 6;  // the axis always includes 0
  if (bar.has_value) {
    const double top = m.py(std::max(bar.value, 0.0)), base = m.py(std::min(bar.value, 0.0));
    s += "<rect x=\"" + coord(center - bar_width / 2) + "\" y=\"" + coord(top) + "\" width=\"" +
         coord(bar_width) + "\" height=\"" + coord(base - top) + "\" fill=\"" +
         escape_xml(bar.color) + "\"/>\n";
    text_y = top - 6;
    if (bar.low != bar.value || bar.high != bar.value) {
      const std::string lo = coord(m.py(bar.low)), hi = coord(m.py(bar.high));
      const std::string x = coord(center), x0 = coord(center - 8), x1 = coord(center + 8);
      s += "<g stroke=\"#333333\" stroke-width=\"1.5\">\n";
      s += "<line x1=\"" + x + "\" y1=\"" + lo + "\" x2=\"" + x + "\" y2=\"" + hi + "\"/>\n";
      s += "<line x1=\"" + x0 + "\" y1=\"" + lo + "\" x2=\"" + x1 + "\" y2=\"" + lo + "\"/>\n";
      s += "<line x1=\"" + x0 + "\" y1=\"" + hi + "\" x2=\"" + x1 + "\" y2=\"" + hi + "\"/>\n";
      s += "</g>\n";
      text_y = std::min(text_y, m.py(bar.high) - 6);
    }
  }
  if (!bar.value_text.empty())
    s += "<text x=\"" + coord(center) + "\" y=\"" + coord(text_y) + "\" text-anchor=\"middle\">" +
         escape_xml(bar.value_text) + "</text>\n";
}

// Under the plot area, centred on the bar, wrapped to the slot: three lines fit the margin.
void draw_bar_label(const std::string& label, double center, double slot_width, std::string* svg) {
  std::string& s = *svg;
  constexpr double kCharWidth = 6.5;  // a rough average for 12px sans-serif
  const size_t width = static_cast<size_t>(std::max(4.0, slot_width * 0.95 / kCharWidth));
  const std::vector<std::string> lines = wrap_words(label, width, 3);
  for (size_t i = 0; i < lines.size(); ++i)
    s += "<text x=\"" + coord(center) + "\" y=\"" +
         coord(kBottom + 16 + 14 * static_cast<double>(i)) + "\" text-anchor=\"middle\">" +
         escape_xml(lines[i]) + "</text>\n";
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

  std::string s = svg_begin(chart.title);
  draw_x_ticks(m, &s);
  draw_y_ticks(m, &s);
  draw_frame(chart.x_label, chart.y_label, &s);
  for (const auto& series : chart.series) draw_series(series, m, &s);
  draw_legend(chart, &s);
  s += "</svg>\n";
  return s;
}

std::string render_bar_svg(const BarChart& chart) {
  double y_min = 0, y_max = 0;
  bool any = false;
  for (const Bar& bar : chart.bars) {
    if (!bar.has_value) continue;
    if (!std::isfinite(bar.value) || !std::isfinite(bar.low) || !std::isfinite(bar.high))
      throw std::invalid_argument("a bar's value and whisker must be finite");
    any = true;
    y_min = std::min({y_min, bar.value, bar.low});
    y_max = std::max({y_max, bar.value, bar.high});
  }
  if (!any) throw std::invalid_argument("a bar chart needs at least one bar with a value");
  // Headroom for the value printed above the highest whisker.
  const double room = 0.08 * (y_max - y_min);
  const Mapping m{Axis{}, nice_axis(y_min < 0 ? y_min - room : y_min, y_max + room)};

  std::string s = svg_begin(chart.title);
  draw_y_ticks(m, &s);
  const double slot = (kRight - kLeft) / static_cast<double>(chart.bars.size());
  const double bar_width = std::min(120.0, slot * 0.6);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const double center = kLeft + slot * (static_cast<double>(i) + 0.5);
    draw_bar(chart.bars[i], m, center, bar_width, &s);
    draw_bar_label(chart.bars[i].label, center, slot, &s);
  }
  draw_frame("", chart.y_label, &s);
  s += "</svg>\n";
  return s;
}

}  // namespace atome::lab
