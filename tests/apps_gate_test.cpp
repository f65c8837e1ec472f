// Change-gated streaming (docs/APPS.md §2). The exact gate must give the decisions of always-run on
// a long generated stream (sensors that mostly idle, then events); its skip rate is printed. The
// tolerance gate's agreement with always-run is measured and printed, asserted only loosely.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "atome/apps.h"
#include "fixtures.h"
#include "model_helpers.h"

namespace atome::test {
namespace {

constexpr uint32_t kChannels = 5, kSteps = 6, kTokens = kChannels * kSteps;  // the air head's 5x6
using Window = std::array<uint8_t, kTokens>;

uint64_t xorshift(uint64_t& s) {
  s ^= s << 13, s ^= s >> 7, s ^= s << 17;
  return s;
}

// A sensor stream as a tokeniser would quantise it: channels idle at a level with a rare one-level
// flicker (quantisation noise at a bin edge) and one slowly drifting channel, and every ~600
// periods an event (a ramp on one channel and a noisy burst on another) that lasts 40 periods. Each
// window is the last kSteps frames, time-major: the newest frame is the last kChannels tokens.
std::vector<Window> generated_stream(uint32_t periods, uint64_t seed) {
  std::vector<Window> windows;
  std::array<int, kChannels> level = {60, 120, 30, 200, 90};
  std::vector<std::array<uint8_t, kChannels>> frames;
  uint32_t event_left = 0, event_channel = 0;
  for (uint32_t t = 0; t < periods; ++t) {
    if (event_left == 0 && xorshift(seed) % 600 == 0) {
      event_left = 40;
      event_channel = static_cast<uint32_t>(xorshift(seed) % kChannels);
    }
    // Slow drift (temperature creep): channel 0's level random-walks one step every ~25 periods.
    if (xorshift(seed) % 25 == 0) level[0] += (xorshift(seed) & 1) != 0 && level[0] < 100 ? 1 : -1;
    std::array<uint8_t, kChannels> frame{};
    for (uint32_t c = 0; c < kChannels; ++c) {
      int v = level[c];
      if (xorshift(seed) % 50 == 0) v += 1;  // flicker: ~2% of channel-periods
      if (event_left > 0 && c == event_channel) v += 3 * static_cast<int>(40 - event_left);
      if (event_left > 0 && c == (event_channel + 2) % kChannels)
        v += static_cast<int>(xorshift(seed) % 40);
      frame[c] = static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    if (event_left > 0) --event_left;
    frames.push_back(frame);
    if (frames.size() < kSteps) continue;
    Window w{};
    for (uint32_t s = 0; s < kSteps; ++s)
      for (uint32_t c = 0; c < kChannels; ++c)
        w[s * kChannels + c] = frames[frames.size() - kSteps + s][c];
    windows.push_back(w);
  }
  return windows;
}

// A stand-in head that needs no fixture: like a classifier head, a pure function of the window's
// tokens, and sensitive to every token — the bucketed sum of the window, 4 classes. Events move it
// through its classes and an idle flicker sometimes crosses a bucket edge (as a real head's
// decision flickers near its boundary), which is what tolerance mode gets wrong.
uint32_t stand_in_head(const Window& w) {
  uint32_t sum = 0;
  for (uint8_t t : w) sum += t;
  return (sum >> 4) & 3u;
}

struct Replay {
  uint32_t runs = 0, skips = 0, agree = 0;
};

// Runs `head` on every window (always-run) and through the gate; counts where they agree.
Replay replay(const std::vector<Window>& stream, const atome_gate_config& config,
              const std::function<uint32_t(const Window&)>& head) {
  atome_stream_gate gate;
  EXPECT_EQ(atome_gate_init(&gate, &config), ATOME_APPS_OK);
  Replay r;
  uint32_t last = 0;
  for (const Window& w : stream) {
    int run = 0;
    EXPECT_EQ(atome_gate_decide(&gate, w.data(), w.size(), &run), ATOME_APPS_OK);
    const uint32_t always = head(w);
    if (run) last = always;  // the gated path computes only when told to
    r.agree += last == always;
  }
  r.runs = gate.runs;
  r.skips = gate.skips;
  return r;
}

void expect_exact_equals_always_run(const char* name,
                                    const std::function<uint32_t(const Window&)>& head,
                                    uint32_t periods) {
  const std::vector<Window> stream = generated_stream(periods, 0xA5A5F00Dull);
  const atome_gate_config exact{ATOME_GATE_EXACT, kTokens, 0, 0};
  const Replay r = replay(stream, exact, head);
  EXPECT_EQ(r.agree, stream.size()) << name << ": gated decisions differ from always-run";
  // Not vacuous either: always-run's decision must change along the stream (events move it).
  uint32_t changes = 0, previous = head(stream[0]);
  std::array<uint32_t, 16> histogram{};
  for (const Window& w : stream) {
    const uint32_t c = head(w);
    changes += c != previous;
    previous = c;
    ++histogram[c & 15];
  }
  EXPECT_GT(changes, 0u) << name;
  EXPECT_EQ(r.runs + r.skips, stream.size());
  // Not vacuous: an idle stream must let the gate skip most windows.
  EXPECT_GT(r.skips, stream.size() / 4) << name;
  std::printf(
      "[apps-gate] %s, exact: %zu windows, %u runs, %u skips, skip rate %.3f, "
      "decisions identical to always-run: %s (always-run changes class %u times; classes",
      name, stream.size(), r.runs, r.skips, double(r.skips) / stream.size(),
      r.agree == stream.size() ? "yes" : "NO", changes);
  for (uint32_t c = 0; c < 16; ++c)
    if (histogram[c]) std::printf(" %u:%u", c, histogram[c]);
  std::printf(")\n");
}

TEST(AppsGate, ExactEqualsAlwaysRunOnGeneratedStream) {
  expect_exact_equals_always_run("stand-in head", stand_in_head, 20000);
}

// A real classifier through the engine: the original's air head (5 channels x 6 steps), its
// session reset per window as a classifier is run.
class AirHead {
 public:
  explicit AirHead(const std::string& path)
      : m_(load_legacy_as_native(path)),
        session_(m_.model, 32, kNoStateLimit),
        logits_(m_.model.config.n_classes) {}
  uint32_t operator()(const Window& w) {
    atome_session_reset(session_.get());
    for (uint8_t t : w) EXPECT_EQ(atome_step_no_logits(session_.get(), t), ATOME_OK);
    EXPECT_EQ(atome_session_class_logits(session_.get(), logits_.data(),
                                         static_cast<uint32_t>(logits_.size())),
              ATOME_OK);
    return atome_argmax(logits_.data(), static_cast<uint32_t>(logits_.size()));
  }

 private:
  LoadedModel m_;
  OwnedSession session_;
  std::vector<float> logits_;
};

TEST(AppsGate, ExactEqualsAlwaysRunWithTheAirHead) {
  const std::string path = reference_path("original-superesp/air.atomecl");
  ATOME_REQUIRE_FIXTURE(path);
  AirHead air(path);
  expect_exact_equals_always_run("air head", std::ref(air), 4000);
}

void print_tolerance_agreement(const char* name, const std::function<uint32_t(const Window&)>& head,
                               uint32_t periods) {
  const std::vector<Window> stream = generated_stream(periods, 0xA5A5F00Dull);
  const Replay exact = replay(stream, {ATOME_GATE_EXACT, kTokens, 0, 0}, head);
  for (uint32_t tol : {1u, 2u, 4u, 8u}) {
    const Replay r = replay(stream, {ATOME_GATE_TOLERANCE, kTokens, tol, 16}, head);
    EXPECT_GE(r.skips, exact.skips) << name << " tol " << tol;
    EXPECT_GT(double(r.agree) / stream.size(), 0.5) << name << " tol " << tol;
    std::printf(
        "[apps-gate] %s, tolerance %u, max_skips 16: skip rate %.3f, agreement with "
        "always-run %.4f (%zu of %zu windows differ)\n",
        name, tol, double(r.skips) / stream.size(), double(r.agree) / stream.size(),
        stream.size() - r.agree, stream.size());
  }
}

// Tolerance mode: measured, not assumed. Printed per tol; asserted only to skip at least as much
// as exact mode and to agree on most windows (a sanity bound, not a claim).
TEST(AppsGate, ToleranceAgreementIsMeasured) {
  print_tolerance_agreement("stand-in head", stand_in_head, 20000);
}

TEST(AppsGate, ToleranceAgreementWithTheAirHead) {
  const std::string path = reference_path("original-superesp/air.atomecl");
  ATOME_REQUIRE_FIXTURE(path);
  AirHead air(path);
  print_tolerance_agreement("air head", std::ref(air), 4000);
}

TEST(AppsGate, ExactSkipsOnlyIdenticalWindows) {
  atome_stream_gate gate;
  const atome_gate_config config{ATOME_GATE_EXACT, 4, 0, 0};
  ASSERT_EQ(atome_gate_init(&gate, &config), ATOME_APPS_OK);
  const std::vector<std::array<uint8_t, 4>> windows = {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 5},
                                                       {1, 2, 3, 5}, {0, 2, 3, 5}, {1, 2, 3, 4}};
  const std::vector<int> expected = {1, 0, 1, 0, 1, 1};
  for (size_t i = 0; i < windows.size(); ++i) {
    int run = -1;
    ASSERT_EQ(atome_gate_decide(&gate, windows[i].data(), 4, &run), ATOME_APPS_OK);
    EXPECT_EQ(run, expected[i]) << "window " << i;
  }
  EXPECT_EQ(gate.runs, 4u);
  EXPECT_EQ(gate.skips, 2u);
  ASSERT_EQ(atome_gate_reset(&gate), ATOME_APPS_OK);  // forgets the last run, keeps the counters
  int run = 0;
  ASSERT_EQ(atome_gate_decide(&gate, windows[5].data(), 4, &run), ATOME_APPS_OK);
  EXPECT_EQ(run, 1);
  EXPECT_EQ(gate.runs, 5u);
}

// max_skips bounds consecutive skips: a constant input runs every (max_skips + 1)th window.
TEST(AppsGate, MaxSkipsForcesARun) {
  for (const atome_gate_config config : {atome_gate_config{ATOME_GATE_TOLERANCE, 2, 3, 3},
                                         atome_gate_config{ATOME_GATE_EXACT, 2, 0, 3}}) {
    atome_stream_gate gate;
    ASSERT_EQ(atome_gate_init(&gate, &config), ATOME_APPS_OK);
    const uint8_t w[2] = {7, 7};
    std::vector<int> runs;
    for (int i = 0; i < 9; ++i) {
      int run = -1;
      ASSERT_EQ(atome_gate_decide(&gate, w, 2, &run), ATOME_APPS_OK);
      runs.push_back(run);
    }
    EXPECT_EQ(runs, (std::vector<int>{1, 0, 0, 0, 1, 0, 0, 0, 1})) << "mode " << config.mode;
  }
}

// Tolerance is measured from the last window that ran: a slow drift of one level per window cannot
// skip forever under tol 2 (it would if each window were compared with the previous one).
TEST(AppsGate, ToleranceComparesWithLastRun) {
  atome_stream_gate gate;
  const atome_gate_config config{ATOME_GATE_TOLERANCE, 1, 2, 100};
  ASSERT_EQ(atome_gate_init(&gate, &config), ATOME_APPS_OK);
  std::vector<int> runs;
  for (uint8_t v = 10; v < 19; ++v) {
    int run = -1;
    ASSERT_EQ(atome_gate_decide(&gate, &v, 1, &run), ATOME_APPS_OK);
    runs.push_back(run);
  }
  EXPECT_EQ(runs, (std::vector<int>{1, 0, 0, 1, 0, 0, 1, 0, 0}));
}

}  // namespace
}  // namespace atome::test
