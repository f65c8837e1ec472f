// The two figures of a sweep, as SVG (svg_chart.h):
//   <name>-curves.svg  validation bpb against step for every finished run (solid, dots) and the
//                      training bpb (dashed); one colour per model, all its seeds alike, each
//                      model listed once in the legend.
//   <name>-bpb.svg     one bar per model at its median validation bpb, a whisker from the lowest
//                      to the highest seed, the median printed; the axis starts at 0.
// Only finished runs (with result.json) are drawn, so the figures show the runs the table shows.
#pragma once

#include <string>
#include <vector>

#include "lab/sweep_results.h"

namespace atome::lab {

std::string curves_svg_name(const std::string& sweep_name);
std::string bpb_svg_name(const std::string& sweep_name);

struct FigureFile {
  std::string path;  // figures_dir/<file name>
  std::string svg;
};

// Both figures, rendered but not written (so that every input is read before anything is
// written). None when no run of the sweep has finished. Throws Error for an unreadable
// metrics file.
std::vector<FigureFile> sweep_figures(const Sweep& sweep, const std::string& figures_dir);

}  // namespace atome::lab
