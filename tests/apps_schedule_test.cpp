// Which heads the dispatcher runs (docs/APPS.md §3.3): per state, every Nth period, within the
// budget (first fit in priority order, deferred heads stay owed), and never on a flagged input.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "atome/apps.h"

namespace atome::test {
namespace {

constexpr uint32_t kSafeBit = 1u << ATOME_DISPATCH_SAFE_BIT;

atome_dispatch_policy base_policy(uint32_t budget) {
  atome_dispatch_policy p{};
  p.n_classes = 3;
  p.normal_class = 0;
  p.k_enter = 1;
  p.k_return = 2;
  p.m_abstain = 2;
  p.k_safe_exit = 1;
  p.budget = budget;
  return p;
}

atome_telemetry_reading confident(uint32_t c) {
  return {0, c, 32768, 0};
}

// Steps one period with a confident reading of class c.
atome_dispatch_output step(atome_dispatcher& d, uint32_t c, uint32_t bad = 0) {
  atome_dispatch_output out{};
  const atome_telemetry_reading r = confident(c);
  EXPECT_EQ(atome_dispatch_step(&d, &r, bad, &out), ATOME_APPS_OK);
  return out;
}

TEST(AppsSchedule, HeadsFollowTheStateMask) {
  atome_dispatch_policy p = base_policy(100);
  p.n_heads = 3;
  p.heads[0] = {0x7u | kSafeBit, 1, 0, 1};  // always (telemetry-independent safety head)
  p.heads[1] = {0x1u, 1, 0, 1};             // normal only (e.g. voice)
  p.heads[2] = {0x2u, 1, 0, 1};             // alert 1 only (e.g. diagnostics)
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  ASSERT_EQ(atome_dispatch_step(&d, nullptr, 0, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.run_mask, 0x1u);  // SAFE
  EXPECT_EQ(step(d, 0).run_mask, 0x3u);
  out = step(d, 1);
  EXPECT_EQ(out.run_mask, 0x5u);
  EXPECT_EQ(out.reason[1], ATOME_SKIP_NOT_IN_STATE);
  EXPECT_EQ(out.skip_mask, 0u);  // switched off by the state is not "owed and skipped"
}

TEST(AppsSchedule, EveryNthPeriodWithOffset) {
  atome_dispatch_policy p = base_policy(100);
  p.n_heads = 2;
  p.heads[0] = {0x7u | kSafeBit, 3, 1, 1};
  p.heads[1] = {0x7u | kSafeBit, 1, 0, 1};
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  std::vector<int> ran;
  for (int period = 0; period < 10; ++period) {
    const atome_dispatch_output out = step(d, 0);
    if (out.run_mask & 1u) {
      ran.push_back(period);
    } else {
      EXPECT_EQ(out.reason[0], ATOME_SKIP_NOT_DUE);
    }
    EXPECT_TRUE(out.run_mask & 2u);
  }
  EXPECT_EQ(ran, (std::vector<int>{1, 4, 7}));
}

TEST(AppsSchedule, FirstFitInPriorityOrder) {
  atome_dispatch_policy p = base_policy(10);
  p.n_heads = 3;
  p.heads[0] = {0x7u | kSafeBit, 1, 0, 8};
  p.heads[1] = {0x7u | kSafeBit, 1, 0, 5};
  p.heads[2] = {0x7u | kSafeBit, 1, 0, 2};
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  const atome_dispatch_output out = step(d, 0);
  EXPECT_EQ(out.run_mask, 0x5u);
  EXPECT_EQ(out.skip_mask, 0x2u);
  EXPECT_EQ(out.reason[1], ATOME_SKIP_OVER_BUDGET);
  EXPECT_EQ(out.budget_used, 10u);
}

// A deferred head stays owed and runs in the next period with room, even one it is not due in.
TEST(AppsSchedule, DeferredHeadRunsLater) {
  atome_dispatch_policy p = base_policy(10);
  p.n_heads = 2;
  p.heads[0] = {0x7u | kSafeBit, 2, 0, 6};
  p.heads[1] = {0x7u | kSafeBit, 4, 0, 6};
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out = step(d, 0);
  EXPECT_EQ(out.run_mask, 0x1u);
  EXPECT_EQ(out.reason[1], ATOME_SKIP_OVER_BUDGET);
  out = step(d, 0);  // head 0 not due, head 1 owed from period 0
  EXPECT_EQ(out.run_mask, 0x2u);
  out = step(d, 0);
  EXPECT_EQ(out.run_mask, 0x1u);
  EXPECT_EQ(out.reason[1], ATOME_SKIP_NOT_DUE);  // paid in period 1: owes nothing now
}

// The bad-reading hook: the head is skipped and reported, stays owed, and runs once its input is
// valid again; a flagged head leaves its budget to the others.
TEST(AppsSchedule, BadInputSkipsAndReports) {
  atome_dispatch_policy p = base_policy(10);
  p.n_heads = 2;
  p.heads[0] = {0x7u | kSafeBit, 4, 0, 8};
  p.heads[1] = {0x7u | kSafeBit, 1, 0, 2};
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out = step(d, 0, 0x1u);
  EXPECT_EQ(out.run_mask, 0x2u);
  EXPECT_EQ(out.skip_mask, 0x1u);
  EXPECT_EQ(out.reason[0], ATOME_SKIP_BAD_INPUT);
  out = step(d, 0, 0x1u);
  EXPECT_EQ(out.reason[0], ATOME_SKIP_BAD_INPUT);
  out = step(d, 0, 0x2u);
  EXPECT_EQ(out.run_mask, 0x1u);
  EXPECT_EQ(out.reason[1], ATOME_SKIP_BAD_INPUT);
}

// A head the state switches off forgets what it was owed (no pile-up when it comes back).
TEST(AppsSchedule, SwitchedOffHeadOwesNothing) {
  atome_dispatch_policy p = base_policy(10);
  p.n_heads = 1;
  p.heads[0] = {0x1u, 4, 0, 1};
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  EXPECT_EQ(step(d, 1).reason[0], ATOME_SKIP_NOT_IN_STATE);  // still SAFE: owed run dropped
  atome_dispatch_output out = step(d, 0);                    // NORMAL, period 1: not due
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  EXPECT_EQ(out.reason[0], ATOME_SKIP_NOT_DUE);
}

// Random policies and readings: the budget is never exceeded, budget_used is what ran, no flagged
// or switched-off head runs, and every owed head either ran or says why not.
TEST(AppsSchedule, BudgetNeverExceeded) {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  auto next = [&s](uint32_t n) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return static_cast<uint32_t>(s % n);
  };
  uint64_t runs = 0, deferrals = 0, periods = 0;
  for (int trial = 0; trial < 200; ++trial) {
    atome_dispatch_policy p = base_policy(1 + next(50));
    p.n_heads = 1 + next(ATOME_DISPATCH_MAX_HEADS);
    for (uint32_t h = 0; h < p.n_heads; ++h) {
      const uint32_t every = 1 + next(4);
      p.heads[h] = {next(8) | (next(2) ? kSafeBit : 0u), every, next(every), next(p.budget + 1)};
    }
    atome_dispatcher d;
    ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
    for (int period = 0; period < 200; ++period, ++periods) {
      const atome_telemetry_reading r{0, next(3), 32768, next(5) == 0 ? 1u : 0u};
      const uint32_t bad = next(4) == 0 ? next(1u << p.n_heads) : 0u;
      atome_dispatch_output out{};
      ASSERT_EQ(atome_dispatch_step(&d, &r, bad, &out), ATOME_APPS_OK);
      ASSERT_LE(out.budget_used, p.budget);
      uint32_t used = 0;
      const uint32_t state_bit =
          out.state == ATOME_DSTATE_SAFE ? kSafeBit : (1u << out.state_class);
      for (uint32_t h = 0; h < p.n_heads; ++h) {
        const bool ran = out.run_mask & (1u << h);
        ASSERT_EQ(ran, out.reason[h] == ATOME_SKIP_NONE);
        if (!ran) continue;
        used += p.heads[h].cost;
        ASSERT_FALSE(bad & (1u << h));
        ASSERT_TRUE(p.heads[h].state_mask & state_bit);
        ++runs;
      }
      ASSERT_EQ(used, out.budget_used);
      ASSERT_EQ(out.run_mask & out.skip_mask, 0u);
      for (uint32_t h = 0; h < p.n_heads; ++h) deferrals += out.reason[h] == ATOME_SKIP_OVER_BUDGET;
    }
  }
  EXPECT_GT(deferrals, 0u);  // the budget did bind: the check above was not vacuous
  std::printf(
      "[apps-schedule] %llu periods, %llu head runs, %llu deferrals, budget never exceeded\n",
      static_cast<unsigned long long>(periods), static_cast<unsigned long long>(runs),
      static_cast<unsigned long long>(deferrals));
}

}  // namespace
}  // namespace atome::test
