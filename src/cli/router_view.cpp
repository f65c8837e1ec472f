#include "cli/router_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace atome::cli {
namespace {

const char* const kReset = "\x1b[0m";
const char* const kDim = "\x1b[2m";

// Green when the router is sure (low entropy), yellow in between, red near an even mix.
const char* entropy_color(double fraction) {
  if (fraction < 1.0 / 3.0) return "\x1b[32m";
  if (fraction < 2.0 / 3.0) return "\x1b[33m";
  return "\x1b[31m";
}

std::string format(const char* fmt, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// `fraction` of `width` cells filled: whole cells, then (unicode) one partial cell in eighths.
std::string bar(double fraction, const BarStyle& style) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int eighths = static_cast<int>(std::lround(fraction * style.width * 8));
  const int full = eighths / 8, part = eighths % 8;
  std::string s;
  if (style.unicode) {
    static const char* const kPartial[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    for (int i = 0; i < full; ++i) s += "█";
    s += kPartial[part];
    s.append(static_cast<size_t>(style.width - full - (part ? 1 : 0)), ' ');
  } else {
    const int cells = static_cast<int>(std::lround(fraction * style.width));
    s.append(static_cast<size_t>(cells), '#');
    s.append(static_cast<size_t>(style.width - cells), '.');
  }
  return s;
}

}  // namespace

std::string router_line(size_t layer, const LayerRouter& router,
                        const std::vector<std::string>& names, const BarStyle& style) {
  // A single pathway has nothing to choose: its scale ln 1 = 0 shows as an empty bar.
  const double scale = names.size() > 1 ? std::log(static_cast<double>(names.size())) : 0.0;
  const double fraction = scale > 0 ? router.entropy / scale : 0.0;
  std::string s = "L" + std::to_string(layer) + (layer < 10 ? "  " : " ");
  s += "|";
  if (style.color) s += entropy_color(fraction);
  s += bar(fraction, style);
  if (style.color) s += kReset;
  s += "| " + format("%.2f", router.entropy) + " ";
  if (style.color) s += kDim;
  for (size_t i = 0; i < names.size() && i < router.r.size(); ++i)
    s += " " + names[i] + " " + format("%.2f", router.r[i]);
  if (style.color) s += kReset;
  return s;
}

std::string router_header(const std::string& what, size_t n_paths, const BarStyle& style) {
  std::string s = style.color ? kDim : "";
  s += "router " + what + ": entropy per layer, 0 .. ln " + std::to_string(n_paths) + " = " +
       format("%.2f", n_paths > 1 ? std::log(static_cast<double>(n_paths)) : 0.0) +
       " nats; mixture r";
  if (style.color) s += kReset;
  return s;
}

void RouterMean::add(const std::vector<LayerRouter>& layers) {
  if (sums_.size() != layers.size()) {
    sums_.assign(layers.size(), LayerRouter{});
    tokens_ = 0;
  }
  for (size_t l = 0; l < layers.size(); ++l) {
    sums_[l].entropy += layers[l].entropy;
    sums_[l].r.resize(layers[l].r.size(), 0.0);
    for (size_t i = 0; i < layers[l].r.size(); ++i) sums_[l].r[i] += layers[l].r[i];
  }
  ++tokens_;
}

std::vector<LayerRouter> RouterMean::mean() const {
  std::vector<LayerRouter> out = sums_;
  if (tokens_ == 0) return out;
  for (LayerRouter& l : out) {
    l.entropy /= static_cast<double>(tokens_);
    for (double& v : l.r) v /= static_cast<double>(tokens_);
  }
  return out;
}

}  // namespace atome::cli
