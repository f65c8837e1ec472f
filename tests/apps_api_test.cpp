// The applied layer's C API on bad input: every NULL, uninitialised object, invalid config or
// policy and out-of-range head id gets its defined status, never a crash, and leaves a fail-safe
// answer (gate: run; dispatcher: SAFE, nothing to run). Also: usable from C99, and the library
// links freestanding (no heap, no C++ runtime, no libm).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "fixtures.h"

extern "C" int atome_apps_c_use(void);

namespace atome::test {
namespace {

TEST(AppsApi, UsableFromC) {
  EXPECT_EQ(atome_apps_c_use(), ATOME_DSTATE_SAFE);
}

TEST(AppsApi, GateBadInput) {
  atome_stream_gate gate;
  const atome_gate_config ok{ATOME_GATE_EXACT, 4, 0, 0};
  EXPECT_EQ(atome_gate_init(nullptr, &ok), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_gate_init(&gate, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  const std::vector<atome_gate_config> bad = {
      {ATOME_GATE_EXACT, 0, 0, 0},                          // no tokens
      {ATOME_GATE_EXACT, ATOME_GATE_MAX_TOKENS + 1, 0, 0},  // too many
      {ATOME_GATE_EXACT, 4, 1, 0},                          // tol in exact mode
      {ATOME_GATE_TOLERANCE, 4, 1, 0},                      // unbounded tolerance
      {ATOME_GATE_TOLERANCE, 4, 256, 1},                    // tol beyond a byte
      {2, 4, 0, 0},                                         // unknown mode
  };
  for (const atome_gate_config& c : bad) {
    EXPECT_EQ(atome_gate_init(&gate, &c), ATOME_APPS_ERR_BAD_CONFIG)
        << c.mode << " " << c.n_tokens << " " << c.tol << " " << c.max_skips;
    // A failed init leaves an object that every call refuses.
    const uint8_t t[4] = {};
    int run = 0;
    EXPECT_EQ(atome_gate_decide(&gate, t, 4, &run), ATOME_APPS_ERR_NOT_INITIALISED);
    EXPECT_EQ(run, 1);
  }
  atome_stream_gate zeroed;
  std::memset(&zeroed, 0, sizeof zeroed);
  const uint8_t t[4] = {1, 2, 3, 4};
  int run = 0;
  EXPECT_EQ(atome_gate_decide(&zeroed, t, 4, &run), ATOME_APPS_ERR_NOT_INITIALISED);
  EXPECT_EQ(atome_gate_reset(&zeroed), ATOME_APPS_ERR_NOT_INITIALISED);
  EXPECT_EQ(atome_gate_reset(nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);

  ASSERT_EQ(atome_gate_init(&gate, &ok), ATOME_APPS_OK);
  EXPECT_EQ(atome_gate_decide(nullptr, t, 4, &run), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_gate_decide(&gate, nullptr, 4, &run), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_gate_decide(&gate, t, 4, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  run = 0;
  EXPECT_EQ(atome_gate_decide(&gate, t, 3, &run), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(run, 1);
  EXPECT_EQ(atome_gate_decide(&gate, t, SIZE_MAX, &run), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(gate.runs + gate.skips, 0u);  // errors change nothing
}

atome_dispatch_policy valid_policy() {
  atome_dispatch_policy p{};
  p.n_heads = 2;
  p.heads[0] = {0x3u, 1, 0, 5};
  p.heads[1] = {1u << ATOME_DISPATCH_SAFE_BIT, 2, 1, 5};
  p.n_classes = 2;
  p.k_enter = 2;
  p.k_return = 3;
  p.m_abstain = 2;
  p.k_safe_exit = 2;
  p.budget = 5;
  return p;
}

TEST(AppsApi, DispatchPolicyBadInput) {
  atome_dispatcher d;
  const atome_dispatch_policy ok = valid_policy();
  ASSERT_EQ(atome_dispatch_init(&d, &ok), ATOME_APPS_OK);
  EXPECT_EQ(atome_dispatch_init(nullptr, &ok), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_dispatch_init(&d, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  struct Case {
    const char* what;
    std::function<void(atome_dispatch_policy&)> edit;
    atome_apps_status want;
  };
  const std::vector<Case> cases = {
      {"zero heads", [](auto& p) { p.n_heads = 0; }, ATOME_APPS_ERR_NO_HEADS},
      {"17 heads", [](auto& p) { p.n_heads = 17; }, ATOME_APPS_ERR_TOO_MANY_HEADS},
      {"n_heads huge", [](auto& p) { p.n_heads = UINT32_MAX; }, ATOME_APPS_ERR_TOO_MANY_HEADS},
      {"k_enter 0", [](auto& p) { p.k_enter = 0; }, ATOME_APPS_ERR_BAD_DEBOUNCE},
      {"k_return 0", [](auto& p) { p.k_return = 0; }, ATOME_APPS_ERR_BAD_DEBOUNCE},
      {"m_abstain 0", [](auto& p) { p.m_abstain = 0; }, ATOME_APPS_ERR_BAD_DEBOUNCE},
      {"k_safe_exit 0", [](auto& p) { p.k_safe_exit = 0; }, ATOME_APPS_ERR_BAD_DEBOUNCE},
      {"k_return = k_enter", [](auto& p) { p.k_return = p.k_enter; }, ATOME_APPS_ERR_BAD_DEBOUNCE},
      {"one class", [](auto& p) { p.n_classes = 1; }, ATOME_APPS_ERR_BAD_CLASSES},
      {"17 classes", [](auto& p) { p.n_classes = 17; }, ATOME_APPS_ERR_BAD_CLASSES},
      {"normal class out of range", [](auto& p) { p.normal_class = 2; },
       ATOME_APPS_ERR_BAD_CLASSES},
      {"budget 0", [](auto& p) { p.budget = 0; }, ATOME_APPS_ERR_BAD_BUDGET},
      {"probability above 1", [](auto& p) { p.min_prob_q15 = 32769; },
       ATOME_APPS_ERR_BAD_PROBABILITY},
      {"every 0", [](auto& p) { p.heads[1].every = 0; }, ATOME_APPS_ERR_BAD_HEAD_POLICY},
      {"offset >= every", [](auto& p) { p.heads[1].offset = 2; }, ATOME_APPS_ERR_BAD_HEAD_POLICY},
      {"unknown state bit", [](auto& p) { p.heads[0].state_mask = 0x4u; },
       ATOME_APPS_ERR_BAD_HEAD_POLICY},
      {"cost above budget", [](auto& p) { p.heads[1].cost = 6; }, ATOME_APPS_ERR_BAD_HEAD_POLICY},
  };
  for (const Case& c : cases) {
    atome_dispatch_policy p = ok;
    c.edit(p);
    EXPECT_EQ(atome_dispatch_init(&d, &p), c.want) << c.what;
    atome_dispatch_output out;
    std::memset(&out, 0xAB, sizeof out);
    EXPECT_EQ(atome_dispatch_step(&d, nullptr, 0, &out), ATOME_APPS_ERR_NOT_INITIALISED) << c.what;
    EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE));
    EXPECT_EQ(out.run_mask, 0u);
  }
}

TEST(AppsApi, DispatchStepBadInput) {
  atome_dispatcher d;
  const atome_dispatch_policy p = valid_policy();
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out;
  EXPECT_EQ(atome_dispatch_step(nullptr, nullptr, 0, &out), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_dispatch_step(&d, nullptr, 0, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  // Out-of-range head ids in the bad-reading hook: refused, dispatcher unchanged, fail-safe output.
  for (uint32_t bad : {1u << 2, 1u << 31, 0xFFFFFFFFu}) {
    std::memset(&out, 0xAB, sizeof out);
    EXPECT_EQ(atome_dispatch_step(&d, nullptr, bad, &out), ATOME_APPS_ERR_BAD_HEAD_ID) << bad;
    EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE));
    EXPECT_EQ(out.state_class, ATOME_DISPATCH_NO_CLASS);
    EXPECT_EQ(out.run_mask | out.skip_mask | out.budget_used, 0u);
  }
  EXPECT_EQ(d.periods, 0u);
  atome_dispatcher zeroed;
  std::memset(&zeroed, 0, sizeof zeroed);
  EXPECT_EQ(atome_dispatch_step(&zeroed, nullptr, 0, &out), ATOME_APPS_ERR_NOT_INITIALISED);
  // A telemetry reading out of range is no error: it is no evidence (and counts towards SAFE).
  const atome_telemetry_reading garbage{0, 1000, 99999, 0};
  EXPECT_EQ(atome_dispatch_step(&d, &garbage, 0, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.reading, static_cast<uint32_t>(ATOME_READING_INVALID));
}

TEST(AppsApi, EveryCodeHasAName) {
  for (int s = 0; s <= ATOME_APPS_ERR_BAD_ROLE; ++s)
    EXPECT_STRNE(atome_apps_status_str(static_cast<atome_apps_status>(s)), "unknown status") << s;
  EXPECT_STREQ(atome_apps_status_str(static_cast<atome_apps_status>(99)), "unknown status");
  for (uint32_t r = ATOME_RULE_CONFIRM; r <= ATOME_RULE_SAFE_NO_EVIDENCE; ++r)
    EXPECT_STRNE(atome_dispatch_rule_str(r), "unknown") << r;
  for (uint32_t s = 0; s <= ATOME_DSTATE_SAFE; ++s)
    EXPECT_STRNE(atome_dispatch_state_str(s), "unknown");
  for (uint32_t r = 0; r <= ATOME_SKIP_NO_FRAME; ++r)
    EXPECT_STRNE(atome_skip_reason_str(r), "unknown");
}

// Like tests/engine_link_test.cpp for the engine: the archive references nothing outside the
// mem* functions (and the sanitizers' hooks in a sanitized build), so it links into any firmware.
TEST(AppsApi, LibraryLinksFreestanding) {
  if (std::system("command -v nm >/dev/null 2>&1") != 0) {
    if (in_ci()) FAIL() << "nm not found (CI=true)";
    GTEST_SKIP() << "nm not found: cannot inspect " << ATOME_APPS_LIB;
  }
  const std::string cmd = std::string("nm -A ") + ATOME_APPS_LIB + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::set<std::string> defined, undefined;
  char line[1024];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    char type = 0;
    char name[512];
    // "lib.a:obj.o:                 U name" or "lib.a:obj.o:0000000000000000 T name"
    const char* colon = std::strrchr(line, ':');
    if (colon == nullptr) continue;
    if (std::sscanf(colon + 1, " U %511s", name) == 1) {
      undefined.insert(name);
    } else if (std::sscanf(colon + 1, "%*s %c %511s", &type, name) == 2) {
      defined.insert(name);
    }
  }
  ::pclose(pipe);
  ASSERT_TRUE(defined.count("atome_dispatch_step") && defined.count("atome_gate_decide"));
  const std::set<std::string> allowed = {
      "memcpy", "memset", "memmove", "memcmp", "_GLOBAL_OFFSET_TABLE_", "__stack_chk_fail",
      "__stack_chk_guard",
      // The runner drives the engine (itself freestanding: tests/engine_link_test.cpp).
      "atome_session_init", "atome_session_reset", "atome_step_no_logits",
      "atome_session_class_logits_q16",
      // The text interpreter sizes its arena and checks its heads' class names (text_commands).
      "atome_state_bytes", "atome_model_class_name",
      // The runner sizes a shared session by each head's window (atome_runner_shared_arena_bytes).
      "atome_model_class_info"};
  for (const std::string& sym : undefined) {
    if (defined.count(sym) || allowed.count(sym)) continue;
    if (sym.rfind("__asan_", 0) == 0 || sym.rfind("__ubsan_", 0) == 0 ||
        sym.rfind("__sanitizer_", 0) == 0)
      continue;
    ADD_FAILURE() << "atome_apps references " << sym;
  }
}

}  // namespace
}  // namespace atome::test
