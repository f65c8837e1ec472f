// See class_charts.h.
#include "lab/class_charts.h"

#include <algorithm>
#include <cstdio>

#include "lab/svg_chart.h"

namespace atome::lab {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

std::string num(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string render_confusion_svg(const std::vector<std::vector<uint32_t>>& m,
                                 const std::vector<std::string>& classes,
                                 const std::string& title) {
  const size_t C = m.size();
  const double cell = std::max(28.0, std::min(72.0, 480.0 / std::max<size_t>(C, 1)));
  const double left = 140, top = 64, width = left + cell * C + 24, height = top + cell * C + 96;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width, 0) +
                  "\" height=\"" + num(height, 0) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(width / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" +
       escape(title) + "</text>\n";
  for (size_t r = 0; r < C; ++r) {
    uint64_t row_total = 0;
    for (uint32_t v : m[r]) row_total += v;
    const double y = top + cell * r;
    s += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + cell / 2 + 4) +
         "\" text-anchor=\"end\">" + escape(r < classes.size() ? classes[r] : "?") + "</text>\n";
    for (size_t c = 0; c < C; ++c) {
      const double share = row_total ? static_cast<double>(m[r][c]) / row_total : 0.0;
      // White to blue by the share of the true class's examples.
      const int shade = static_cast<int>(255 - share * 200);
      char fill[16];
      std::snprintf(fill, sizeof fill, "#%02x%02xff", shade, shade);
      const double x = left + cell * c;
      s += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(cell) + "\" height=\"" +
           num(cell) + "\" fill=\"" + fill + "\" stroke=\"#888\"/>\n";
      s += "<text x=\"" + num(x + cell / 2) + "\" y=\"" + num(y + cell / 2 + 4) +
           "\" text-anchor=\"middle\" fill=\"" + (share > 0.6 ? "white" : "black") + "\">" +
           std::to_string(m[r][c]) + "</text>\n";
    }
  }
  const double bottom = top + cell * C;
  for (size_t c = 0; c < C; ++c) {
    const double x = left + cell * c + cell / 2;
    s += "<text x=\"" + num(x) + "\" y=\"" + num(bottom + 14) +
         "\" text-anchor=\"end\" transform=\"rotate(-45 " + num(x) + " " + num(bottom + 14) +
         ")\">" + escape(c < classes.size() ? classes[c] : "?") + "</text>\n";
  }
  s += "<text x=\"" + num(left + cell * C / 2) + "\" y=\"" + num(height - 8) +
       "\" text-anchor=\"middle\">predicted class</text>\n";
  s += "<text x=\"14\" y=\"" + num(top + cell * C / 2) + "\" transform=\"rotate(-90 14 " +
       num(top + cell * C / 2) + ")\" text-anchor=\"middle\">true class</text>\n";
  return s + "</svg>\n";
}

std::string render_risk_coverage_svg(const RiskCoverageChart& c) {
  LineChart chart;
  chart.title = c.title;
  chart.x_label = "coverage (share of test examples answered)";
  chart.y_label = "selective risk (error rate among answered)";
  ChartSeries curve{"test risk-coverage", chart_color(0), false, false, true, c.curve};
  if (curve.points.empty()) curve.points.push_back({0.0, 0.0});
  ChartSeries target{"target risk", chart_color(1), true,
                     false,         true,           {{0.0, c.target_risk}, {1.0, c.target_risk}}};
  ChartSeries chosen{"chosen threshold (from valid)",     chart_color(3), false, true, true,
                     {{c.chosen_coverage, c.chosen_risk}}};
  chart.series = {curve, target, chosen};
  return render_svg(chart);
}

}  // namespace atome::lab
