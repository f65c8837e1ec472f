// The router view's pieces (src/cli/router_view.h): bars and means (the entropy itself is
// tested with router_stats).
#include "cli/router_view.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "host/router_stats.h"

namespace atome::cli {
namespace {

TEST(RouterView, PlainBarIsProportionalToEntropy) {
  const std::vector<std::string> names = pathway_names(ATOME_PATH_ALL);
  BarStyle plain;
  plain.width = 10;
  LayerRouter half{std::log(3.0) / 2, {0.5, 0.25, 0.25}};
  const std::string line = router_line(2, half, names, plain);
  EXPECT_EQ(line.rfind("L2  |#####.....| 0.55 ", 0), 0u) << line;
  EXPECT_NE(line.find("conv 0.50 ssm 0.25 attn 0.25"), std::string::npos) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << "colour in plain text";

  LayerRouter full{std::log(3.0), {1.0 / 3, 1.0 / 3, 1.0 / 3}};
  EXPECT_NE(router_line(0, full, names, plain).find("|##########|"), std::string::npos);
  LayerRouter none{0.0, {1, 0, 0}};
  EXPECT_NE(router_line(0, none, names, plain).find("|..........|"), std::string::npos);
  // One pathway: nothing to choose, an empty bar (no division by ln 1 = 0).
  LayerRouter alone{0.0, {1}};
  EXPECT_NE(router_line(0, alone, {"ssm"}, plain).find("|..........| 0.00  ssm 1.00"),
            std::string::npos);
}

TEST(RouterView, TerminalBarUsesBlocksAndColour) {
  BarStyle tty;
  tty.color = tty.unicode = true;
  tty.width = 4;
  // 0.9 of 4 cells = 3.6 cells: three full blocks and a 5/8 block, in red (an even mix).
  LayerRouter high{0.9 * std::log(3.0), {0.4, 0.3, 0.3}};
  const std::string line = router_line(0, high, pathway_names(ATOME_PATH_ALL), tty);
  EXPECT_NE(line.find("\x1b[31m███▋\x1b[0m"), std::string::npos) << line;
  LayerRouter low{0.1, {0.98, 0.01, 0.01}};
  EXPECT_NE(router_line(0, low, pathway_names(ATOME_PATH_ALL), tty).find("\x1b[32m"),
            std::string::npos);
  EXPECT_NE(router_header("at token 3", 3, tty).find("0 .. ln 3 = 1.10 nats"), std::string::npos);
}

TEST(RouterView, MeanOverTokens) {
  RouterMean mean;
  mean.add({LayerRouter{0.2, {0.9, 0.1}}, LayerRouter{0.6, {0.5, 0.5}}});
  mean.add({LayerRouter{0.4, {0.7, 0.3}}, LayerRouter{0.0, {1.0, 0.0}}});
  const std::vector<LayerRouter> m = mean.mean();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(mean.tokens(), 2u);
  EXPECT_NEAR(m[0].entropy, 0.3, 1e-12);
  EXPECT_NEAR(m[0].r[0], 0.8, 1e-12);
  EXPECT_NEAR(m[1].entropy, 0.3, 1e-12);
  EXPECT_NEAR(m[1].r[1], 0.25, 1e-12);
}

}  // namespace
}  // namespace atome::cli
