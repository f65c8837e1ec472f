// A classifier run's charts (atome train --task classify): the test confusion matrix as a
// heat map, and the risk-coverage curve (selective risk against coverage) with the chosen
// threshold and the target risk marked. Self-contained SVG text, as svg_chart.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atome::lab {

// matrix[label][predicted] counts; rows are normalised for the shading, counts printed.
std::string render_confusion_svg(const std::vector<std::vector<uint32_t>>& matrix,
                                 const std::vector<std::string>& classes, const std::string& title);

struct RiskCoverageChart {
  std::string title;
  std::vector<std::pair<double, double>> curve;  // (coverage, risk), decreasing confidence
  double chosen_coverage = 0, chosen_risk = 0;   // at the chosen threshold
  double target_risk = 0.01;
};
std::string render_risk_coverage_svg(const RiskCoverageChart& chart);

}  // namespace atome::lab
