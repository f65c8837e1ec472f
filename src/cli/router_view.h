// The router view of `atome chat`: how sure each layer's router is about which pathway to use.
//
// Each layer mixes its pathways (conv, ssm, attn: those present) with r = softmax(router logits)
// per token (DESIGN §2). Its entropy H(r) = -sum r_i ln r_i (mixture_entropy, router_stats.h)
// runs from 0 (one pathway takes the token) to ln n (an even mix of n pathways). A bar shows H on
// that scale, followed by H in nats and the mixture: "L0 |######....| 0.73  conv .12 ssm .35 attn
// .53".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atome::cli {

// What a bar shows for one layer: an entropy and a mixture, in the order conv, ssm, attn
// (pathways present only). At one token: H(r) and r; over a reply: the means of both.
struct LayerRouter {
  double entropy = 0;
  std::vector<double> r;
};

struct BarStyle {
  bool color = false;    // ANSI colours (only when stdout is a terminal)
  bool unicode = false;  // block characters with eighth-cell precision, else '#' and '.'
  int width = 20;        // cells for the full scale 0 .. ln n
};

// One line per layer (no trailing newline): label, entropy bar, H, mixture.
std::string router_line(size_t layer, const LayerRouter& router,
                        const std::vector<std::string>& names, const BarStyle& style);

// The line above the bars: what they show and their scale, e.g.
// "router after 'e': entropy per layer, 0 .. ln 3 = 1.10 nats; mixture r".
std::string router_header(const std::string& what, size_t n_paths, const BarStyle& style);

// Each layer's mean entropy and mean mixture over the tokens of one reply.
class RouterMean {
 public:
  void add(const std::vector<LayerRouter>& layers);
  std::vector<LayerRouter> mean() const;
  uint64_t tokens() const { return tokens_; }
  void clear() {
    sums_.clear();
    tokens_ = 0;
  }

 private:
  std::vector<LayerRouter> sums_;
  uint64_t tokens_ = 0;
};

}  // namespace atome::cli
