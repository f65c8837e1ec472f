// The dispatcher's state machine (docs/APPS.md §3.2): one test case per row of the documented
// transition table, then the properties the rules exist for — flapping input changes nothing,
// abstention leads to SAFE, leaving SAFE needs k_safe_exit confident normal readings in a row.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "atome/apps.h"

namespace atome::test {
namespace {

// Telemetry classes as the original's os_telem head has them: normal first.
constexpr uint32_t kNormal = 0, kLowMem = 1, kHot = 2, kWifi = 3;

atome_dispatch_policy test_policy() {
  atome_dispatch_policy p{};
  p.n_heads = 1;
  p.heads[0] = {0x1Fu | (1u << ATOME_DISPATCH_SAFE_BIT), 1, 0, 1};  // every state, every period
  p.n_classes = 5;
  p.normal_class = kNormal;
  p.k_enter = 2;
  p.k_return = 3;
  p.m_abstain = 3;
  p.k_safe_exit = 4;
  p.min_prob_q15 = 16384;  // 0.5
  p.budget = 10;
  return p;
}

// One period's telemetry: a confident class, or one kind of no evidence.
struct Reading {
  enum Kind {
    kConfident,
    kAbstain,
    kMissing,
    kFailed,
    kBadClass,
    kBadProb,
    kLowProb,
    kStop,   // operator stop between periods (§3.4): out gets its rule and the state after it
    kResume  // operator resume
  } kind;
  uint32_t class_id = 0;
};
Reading C(uint32_t c) {
  return {Reading::kConfident, c};
}
const Reading A{Reading::kAbstain};
const Reading kStopCmd{Reading::kStop};
const Reading kResumeCmd{Reading::kResume};

atome_apps_status feed(atome_dispatcher& d, const Reading& r, atome_dispatch_output& out) {
  atome_telemetry_reading t{0, r.class_id, 30000, 0};
  switch (r.kind) {
    case Reading::kConfident:
      break;
    case Reading::kAbstain:
      t.abstain = 1;
      break;
    case Reading::kMissing:
      return atome_dispatch_step(&d, nullptr, 0, &out);
    case Reading::kFailed:
      t.head_status = 7;
      break;
    case Reading::kBadClass:
      t.class_id = 5;
      break;
    case Reading::kBadProb:
      t.prob_q15 = 40000;
      break;
    case Reading::kLowProb:
      t.prob_q15 = 16383;
      break;
    case Reading::kStop:
    case Reading::kResume: {
      const atome_apps_status s = atome_dispatch_operator(
          &d, r.kind == Reading::kStop ? ATOME_OPERATOR_STOP : ATOME_OPERATOR_RESUME, &out.rule);
      out.state = d.state;
      out.state_class = d.state_class;
      return s;
    }
  }
  return atome_dispatch_step(&d, &t, 0, &out);
}

void feed_all(atome_dispatcher& d, const std::vector<Reading>& rs, atome_dispatch_output& out) {
  for (const Reading& r : rs) ASSERT_EQ(feed(d, r, out), ATOME_APPS_OK);
}

// Readings that take a fresh dispatcher (SAFE) to NORMAL, and then to ALERT(kLowMem).
const std::vector<Reading> kToNormal = {C(kNormal), C(kNormal), C(kNormal), C(kNormal)};
std::vector<Reading> to_alert(uint32_t c) {
  std::vector<Reading> v = kToNormal;
  v.push_back(C(c));
  v.push_back(C(c));
  return v;
}

struct Row {
  const char* name;
  uint32_t rule;               // the table row under test
  std::vector<Reading> setup;  // brings the dispatcher to the row's "from" state
  Reading reading;             // the row's reading
  uint32_t state, state_class;
};

// gtest (and so CTest's test names) print a parameter with this: its row name, not its bytes.
void PrintTo(const Row& row, std::ostream* os) {
  *os << row.name;
}

const std::vector<Row>& table() {
  static const std::vector<Row> rows = {
      {"confirm_normal", ATOME_RULE_CONFIRM, kToNormal, C(kNormal), ATOME_DSTATE_NORMAL, kNormal},
      {"confirm_alert", ATOME_RULE_CONFIRM, to_alert(kLowMem), C(kLowMem), ATOME_DSTATE_ALERT,
       kLowMem},
      {"debounce_leaving_normal", ATOME_RULE_DEBOUNCE, kToNormal, C(kHot), ATOME_DSTATE_NORMAL,
       kNormal},
      {"debounce_returning_k_enter_is_not_enough", ATOME_RULE_DEBOUNCE,
       [] {
         auto v = to_alert(kLowMem);
         v.push_back(C(kNormal));
         return v;
       }(),
       C(kNormal), ATOME_DSTATE_ALERT, kLowMem},
      {"debounce_other_alert", ATOME_RULE_DEBOUNCE, to_alert(kLowMem), C(kHot), ATOME_DSTATE_ALERT,
       kLowMem},
      {"enter_alert", ATOME_RULE_ENTER_ALERT,
       [] {
         auto v = kToNormal;
         v.push_back(C(kHot));
         return v;
       }(),
       C(kHot), ATOME_DSTATE_ALERT, kHot},
      {"switch_alert", ATOME_RULE_SWITCH_ALERT,
       [] {
         auto v = to_alert(kLowMem);
         v.push_back(C(kWifi));
         return v;
       }(),
       C(kWifi), ATOME_DSTATE_ALERT, kWifi},
      {"return_normal", ATOME_RULE_RETURN_NORMAL,
       [] {
         auto v = to_alert(kLowMem);
         v.push_back(C(kNormal));
         v.push_back(C(kNormal));
         return v;
       }(),
       C(kNormal), ATOME_DSTATE_NORMAL, kNormal},
      {"no_evidence_normal", ATOME_RULE_NO_EVIDENCE, kToNormal, A, ATOME_DSTATE_NORMAL, kNormal},
      {"no_evidence_alert", ATOME_RULE_NO_EVIDENCE,
       [] {
         auto v = to_alert(kHot);
         v.push_back(A);
         return v;
       }(),
       A, ATOME_DSTATE_ALERT, kHot},
      {"enter_safe_from_normal", ATOME_RULE_ENTER_SAFE,
       [] {
         auto v = kToNormal;
         v.push_back(A);
         v.push_back(A);
         return v;
       }(),
       A, ATOME_DSTATE_SAFE, ATOME_DISPATCH_NO_CLASS},
      {"enter_safe_from_alert", ATOME_RULE_ENTER_SAFE,
       [] {
         auto v = to_alert(kWifi);
         v.push_back(A);
         v.push_back(A);
         return v;
       }(),
       A, ATOME_DSTATE_SAFE, ATOME_DISPATCH_NO_CLASS},
      {"safe_count",
       ATOME_RULE_SAFE_COUNT,
       {},
       C(kNormal),
       ATOME_DSTATE_SAFE,
       ATOME_DISPATCH_NO_CLASS},
      {"leave_safe",
       ATOME_RULE_LEAVE_SAFE,
       {C(kNormal), C(kNormal), C(kNormal)},
       C(kNormal),
       ATOME_DSTATE_NORMAL,
       kNormal},
      {"safe_not_normal",
       ATOME_RULE_SAFE_NOT_NORMAL,
       {C(kNormal)},
       C(kHot),
       ATOME_DSTATE_SAFE,
       ATOME_DISPATCH_NO_CLASS},
      {"safe_no_evidence",
       ATOME_RULE_SAFE_NO_EVIDENCE,
       {C(kNormal)},
       A,
       ATOME_DSTATE_SAFE,
       ATOME_DISPATCH_NO_CLASS},
      {"operator_stop_from_normal", ATOME_RULE_OPERATOR_STOP, kToNormal, kStopCmd,
       ATOME_DSTATE_SAFE, ATOME_DISPATCH_NO_CLASS},
      {"operator_stop_from_alert", ATOME_RULE_OPERATOR_STOP, to_alert(kHot), kStopCmd,
       ATOME_DSTATE_SAFE, ATOME_DISPATCH_NO_CLASS},
      {"operator_hold_ignores_confident_normal", ATOME_RULE_OPERATOR_HOLD,
       [] {
         auto v = kToNormal;
         v.push_back(kStopCmd);
         for (int i = 0; i < 5; ++i) v.push_back(C(kNormal));  // > k_safe_exit: still held
         return v;
       }(),
       C(kNormal), ATOME_DSTATE_SAFE, ATOME_DISPATCH_NO_CLASS},
      {"operator_resume_stays_safe",
       ATOME_RULE_OPERATOR_RESUME,
       {kStopCmd, C(kNormal)},
       kResumeCmd,
       ATOME_DSTATE_SAFE,
       ATOME_DISPATCH_NO_CLASS},
      {"after_resume_safe_count",
       ATOME_RULE_SAFE_COUNT,
       {kStopCmd, kResumeCmd},
       C(kNormal),
       ATOME_DSTATE_SAFE,
       ATOME_DISPATCH_NO_CLASS},
      {"after_resume_leave_safe",
       ATOME_RULE_LEAVE_SAFE,
       {kStopCmd, C(kNormal), kResumeCmd, C(kNormal), C(kNormal), C(kNormal)},
       C(kNormal),
       ATOME_DSTATE_NORMAL,
       kNormal},
  };
  return rows;
}

class TransitionTable : public ::testing::TestWithParam<Row> {};

TEST_P(TransitionTable, RowHolds) {
  const Row& row = GetParam();
  const atome_dispatch_policy p = test_policy();
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  feed_all(d, row.setup, out);
  ASSERT_EQ(feed(d, row.reading, out), ATOME_APPS_OK);
  EXPECT_EQ(out.rule, row.rule) << atome_dispatch_rule_str(out.rule);
  EXPECT_EQ(out.state, row.state) << atome_dispatch_state_str(out.state);
  EXPECT_EQ(out.state_class, row.state_class);
}

INSTANTIATE_TEST_SUITE_P(AppsDispatch, TransitionTable, ::testing::ValuesIn(table()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           return std::string(info.param.name);
                         });

// Every row of docs/APPS.md's table has a case above, and the doc names the rules as the code does.
TEST(AppsDispatch, TableCoversEveryDocumentedRule) {
  std::ifstream doc(std::string(ATOME_SOURCE_DIR) + "/docs/APPS.md");
  ASSERT_TRUE(doc.good());
  std::map<uint32_t, std::string> documented;  // "| 3 `ENTER_ALERT` |" -> 3: "enter-alert"
  std::string line;
  while (std::getline(doc, line)) {
    if (line.size() < 4 || line[0] != '|' || line[1] != ' ' || !std::isdigit(line[2])) continue;
    const size_t tick = line.find('`'), end = line.find('`', tick + 1);
    ASSERT_NE(end, std::string::npos) << line;
    std::string name = line.substr(tick + 1, end - tick - 1);
    for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
    documented[static_cast<uint32_t>(std::stoul(line.substr(2)))] = name;
  }
  ASSERT_EQ(documented.size(), 14u);
  std::map<uint32_t, int> tested;
  for (const Row& row : table()) ++tested[row.rule];
  for (const auto& [rule, name] : documented) {
    EXPECT_EQ(name, atome_dispatch_rule_str(rule)) << "rule " << rule;
    EXPECT_GT(tested[rule], 0) << "no test case for rule " << rule << " (" << name << ")";
  }
}

// Operator commands outside the table: a resume with nothing latched does nothing, an unknown
// command changes nothing, and a held SAFE still schedules the SAFE heads.
TEST(AppsDispatch, OperatorCommandEdges) {
  atome_dispatch_policy p = test_policy();
  p.n_heads = 2;
  p.heads[0] = {1u << kNormal, 1, 0, 1};                  // normal only
  p.heads[1] = {1u << ATOME_DISPATCH_SAFE_BIT, 1, 0, 1};  // safe only
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  feed_all(d, kToNormal, out);
  ASSERT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  uint32_t rule = 99;
  EXPECT_EQ(atome_dispatch_operator(&d, ATOME_OPERATOR_RESUME, &rule), ATOME_APPS_OK);
  EXPECT_EQ(rule, 0u);
  EXPECT_EQ(d.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  EXPECT_EQ(atome_dispatch_operator(&d, 7, &rule), ATOME_APPS_ERR_BAD_CONFIG);
  EXPECT_EQ(d.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  EXPECT_EQ(atome_dispatch_operator(nullptr, ATOME_OPERATOR_STOP, &rule),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  atome_dispatcher fresh{};
  EXPECT_EQ(atome_dispatch_operator(&fresh, ATOME_OPERATOR_STOP, nullptr),
            ATOME_APPS_ERR_NOT_INITIALISED);
  ASSERT_EQ(atome_dispatch_operator(&d, ATOME_OPERATOR_STOP, nullptr), ATOME_APPS_OK);
  ASSERT_EQ(feed(d, C(kNormal), out), ATOME_APPS_OK);
  EXPECT_EQ(out.rule, static_cast<uint32_t>(ATOME_RULE_OPERATOR_HOLD));
  EXPECT_EQ(out.run_mask, 2u);  // the SAFE head, not the normal one
  // A second stop while stopped is the same stop; re-init clears the latch.
  EXPECT_EQ(atome_dispatch_operator(&d, ATOME_OPERATOR_STOP, &rule), ATOME_APPS_OK);
  EXPECT_EQ(rule, static_cast<uint32_t>(ATOME_RULE_OPERATOR_STOP));
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  EXPECT_EQ(d.operator_stop, 0u);
}

TEST(AppsDispatch, StartsInSafeAndSchedulesForSafe) {
  atome_dispatch_policy p = test_policy();
  p.n_heads = 2;
  p.heads[0] = {1u << kNormal, 1, 0, 1};                  // normal only
  p.heads[1] = {1u << ATOME_DISPATCH_SAFE_BIT, 1, 0, 1};  // safe only
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  ASSERT_EQ(feed(d, A, out), ATOME_APPS_OK);
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE));
  EXPECT_EQ(out.run_mask, 2u);
  EXPECT_EQ(out.reason[0], ATOME_SKIP_NOT_IN_STATE);
  feed_all(d, kToNormal, out);
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  EXPECT_EQ(out.run_mask, 1u);  // the period of the transition runs the new state's heads
}

// Alternating classes every period: never K of one in a row, so the state never changes.
TEST(AppsDispatch, FlappingInputChangesNoState) {
  const atome_dispatch_policy p = test_policy();
  struct Case {
    std::vector<Reading> setup;
    std::vector<Reading> cycle;
    uint32_t state_class;
  };
  const std::vector<Case> cases = {
      {kToNormal, {C(kLowMem), C(kHot)}, kNormal},     // two alerts alternating
      {kToNormal, {C(kLowMem), C(kNormal)}, kNormal},  // alert and normal alternating
      {to_alert(kHot), {C(kNormal), C(kLowMem)}, kHot},
      {to_alert(kHot), {C(kNormal), C(kHot)}, kHot},  // never k_return normal in a row
      {to_alert(kHot), {C(kNormal), C(kNormal), A}, kHot},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    atome_dispatcher d;
    ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
    atome_dispatch_output out{};
    feed_all(d, cases[i].setup, out);
    for (int period = 0; period < 300; ++period) {
      const Reading& r = cases[i].cycle[period % cases[i].cycle.size()];
      ASSERT_EQ(feed(d, r, out), ATOME_APPS_OK);
      ASSERT_EQ(out.state_class, cases[i].state_class) << "case " << i << " period " << period;
    }
  }
}

// A streak is consecutive: a gap (no evidence) in the middle restarts it.
TEST(AppsDispatch, GapRestartsDebounce) {
  const atome_dispatch_policy p = test_policy();
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  feed_all(d, kToNormal, out);
  feed_all(d, {C(kHot), A, C(kHot)}, out);
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  feed_all(d, {C(kHot)}, out);
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_ALERT));
}

// Every kind of no evidence counts towards SAFE, mixed; any confident reading restarts the count.
TEST(AppsDispatch, AbstentionLeadsToSafe) {
  const atome_dispatch_policy p = test_policy();
  const std::vector<Reading::Kind> kinds = {Reading::kAbstain, Reading::kMissing,
                                            Reading::kFailed,  Reading::kBadClass,
                                            Reading::kBadProb, Reading::kLowProb};
  for (const auto& setup : {kToNormal, to_alert(kWifi)}) {
    for (size_t k = 0; k < kinds.size(); ++k) {
      atome_dispatcher d;
      ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
      atome_dispatch_output out{};
      feed_all(d, setup, out);
      const uint32_t before = out.state;
      // Two of no evidence, a confident reading of the state in force, two more: never three in a
      // row, so no SAFE.
      const Reading gap{kinds[k]}, gap2{kinds[(k + 1) % kinds.size()]};
      feed_all(d, {gap, gap2, C(out.state_class), gap2, gap}, out);
      EXPECT_EQ(out.state, before) << "kind " << k;
      EXPECT_NE(out.reading, static_cast<uint32_t>(ATOME_READING_CONFIDENT));
      ASSERT_EQ(feed(d, gap, out), ATOME_APPS_OK);
      EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE)) << "kind " << k;
      EXPECT_EQ(out.rule, static_cast<uint32_t>(ATOME_RULE_ENTER_SAFE));
    }
  }
}

// SAFE is left only after k_safe_exit confident normal readings in a row; anything else restarts.
TEST(AppsDispatch, RecoveryNeedsKSafeExitConfidentPeriods) {
  const atome_dispatch_policy p = test_policy();
  for (const Reading& breaker :
       {A, C(kHot), Reading{Reading::kLowProb}, Reading{Reading::kMissing}}) {
    atome_dispatcher d;
    ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
    atome_dispatch_output out{};
    for (uint32_t i = 0; i + 1 < p.k_safe_exit; ++i) feed_all(d, {C(kNormal)}, out);
    feed_all(d, {breaker}, out);
    for (uint32_t i = 0; i + 1 < p.k_safe_exit; ++i) {
      feed_all(d, {C(kNormal)}, out);
      ASSERT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE)) << i;
    }
    feed_all(d, {C(kNormal)}, out);
    EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
    EXPECT_EQ(out.rule, static_cast<uint32_t>(ATOME_RULE_LEAVE_SAFE));
  }
}

// Hysteresis: leaving NORMAL takes k_enter readings, returning takes k_return (more).
TEST(AppsDispatch, ReturnNeedsMoreEvidenceThanLeaving) {
  const atome_dispatch_policy p = test_policy();
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  atome_dispatch_output out{};
  feed_all(d, kToNormal, out);
  uint32_t periods = 0;
  while (out.state == ATOME_DSTATE_NORMAL && periods < 100) feed_all(d, {C(kHot)}, out), ++periods;
  EXPECT_EQ(periods, p.k_enter);
  periods = 0;
  while (out.state == ATOME_DSTATE_ALERT && periods < 100)
    feed_all(d, {C(kNormal)}, out), ++periods;
  EXPECT_EQ(periods, p.k_return);
  EXPECT_GT(periods, p.k_enter);
}

}  // namespace
}  // namespace atome::test
