// The text-command interpreter (apps/text_commands.cpp, docs/APPS.md §12): the decision table on
// synthetic head results (every bucket, intent, abstention and state), the shipped heads on fixed
// requests, agreement of its integer decisions with the host's `atome classify` path, and the
// defined statuses of bad text and wrong heads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "host/aligned_buffer.h"
#include "host/class_spec.h"
#include "host/classify.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"

namespace atome::test {
namespace {

atome_head_result result(uint32_t cls, bool abstain) {
  atome_head_result r{};
  r.action = ATOME_HEAD_RAN;
  r.has_result = 1;
  r.class_id = cls;
  r.prob_q15 = abstain ? 10000 : 30000;
  r.abstain = abstain ? 1 : 0;
  return r;
}

struct Expect {
  uint32_t action, why;
};

// docs/APPS.md §12.2, written out row by row (not derived from the code under test).
Expect expected_control(uint32_t intent, uint32_t state) {
  switch (intent) {
    case ATOME_INTENT_TURN_OFF:
      return {ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK};
    case ATOME_INTENT_STATUS:
      return {ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK};
    case ATOME_INTENT_STOP_ALL:
      return {ATOME_TEXT_STOP_ALL, ATOME_TEXT_WHY_OK};
    case ATOME_INTENT_UNKNOWN:
      return {ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_UNKNOWN_COMMAND};
    default:  // turn_on, set_value
      if (state == ATOME_DSTATE_NORMAL) return {ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK};
      if (state == ATOME_DSTATE_ALERT) return {ATOME_TEXT_REFUSED, ATOME_TEXT_WHY_REFUSED_IN_ALERT};
      return {ATOME_TEXT_REFUSED, ATOME_TEXT_WHY_REFUSED_IN_SAFE};
  }
}

TEST(AppsText, DecisionTableEveryCase) {
  const Expect by_bucket[ATOME_BUCKET_N] = {{0, 0},  // control: the command head decides (below)
                                            {ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK},
                                            {ATOME_TEXT_CONFIG, ATOME_TEXT_WHY_OK},
                                            {ATOME_TEXT_OPERATOR_ALERT, ATOME_TEXT_WHY_OK},
                                            {ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_SMALLTALK}};
  int cases = 0;
  for (uint32_t state = ATOME_DSTATE_NORMAL; state <= ATOME_DSTATE_SAFE; ++state) {
    for (uint32_t b = 0; b < ATOME_BUCKET_N; ++b) {
      for (int b_abstain = 0; b_abstain < 2; ++b_abstain) {
        const atome_head_result bucket = result(b, b_abstain != 0);
        const bool routed = atome_text_routes_to_command(&bucket) != 0;
        EXPECT_EQ(routed, b == ATOME_BUCKET_CONTROL && b_abstain == 0);
        if (!routed) {
          atome_text_decision d;
          atome_text_decide(state, &bucket, nullptr, &d);
          const Expect e = b_abstain != 0
                               ? Expect{ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_BUCKET_ABSTAINED}
                               : by_bucket[b];
          EXPECT_EQ(d.action, e.action) << "state " << state << " bucket " << b;
          EXPECT_EQ(d.why, e.why) << "state " << state << " bucket " << b;
          EXPECT_EQ(d.intent, ATOME_TEXT_NO_INTENT);
          EXPECT_EQ(d.state, state);
          ++cases;
          continue;
        }
        for (uint32_t c = 0; c < ATOME_INTENT_N; ++c) {
          for (int c_abstain = 0; c_abstain < 2; ++c_abstain) {
            const atome_head_result command = result(c, c_abstain != 0);
            atome_text_decision d;
            atome_text_decide(state, &bucket, &command, &d);
            const Expect e =
                c_abstain != 0 ? Expect{ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_COMMAND_ABSTAINED}
                               : expected_control(c, state);
            EXPECT_EQ(d.action, e.action)
                << "state " << state << " intent " << c << " abstain " << c_abstain;
            EXPECT_EQ(d.why, e.why) << "state " << state << " intent " << c;
            EXPECT_EQ(d.intent, c_abstain != 0 ? ATOME_TEXT_NO_INTENT : c);
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 3 * (9 + 12));
  // Fail-safe edges: a control request whose command head did not run, or results with a class
  // the heads do not have, are no action.
  atome_text_decision d;
  const atome_head_result control = result(ATOME_BUCKET_CONTROL, false);
  atome_text_decide(ATOME_DSTATE_NORMAL, &control, nullptr, &d);
  EXPECT_EQ(d.why, static_cast<uint32_t>(ATOME_TEXT_WHY_COMMAND_ABSTAINED));
  const atome_head_result odd_bucket = result(ATOME_BUCKET_N, false);
  atome_text_decide(ATOME_DSTATE_NORMAL, &odd_bucket, nullptr, &d);
  EXPECT_EQ(d.action, static_cast<uint32_t>(ATOME_TEXT_NOT_UNDERSTOOD));
  const atome_head_result odd_command = result(ATOME_INTENT_N, false);
  atome_text_decide(ATOME_DSTATE_NORMAL, &control, &odd_command, &d);
  EXPECT_EQ(d.action, static_cast<uint32_t>(ATOME_TEXT_NOT_UNDERSTOOD));
  atome_text_decide(ATOME_DSTATE_NORMAL, nullptr, nullptr, &d);
  EXPECT_EQ(d.why, static_cast<uint32_t>(ATOME_TEXT_WHY_BAD_TEXT));
}

// The shipped heads, loaded once for the tests below.
struct Shipped {
  ModelFile bucket, command;
  AlignedBuffer arena;
  atome_text_interpreter ti{};
  Shipped()
      : bucket(load_model_file(std::string(ATOME_SOURCE_DIR) +
                               "/models/task-intent-bucket-q15.atome")),
        command(load_model_file(std::string(ATOME_SOURCE_DIR) +
                                "/models/task-command-intent-q15.atome")) {
    arena.resize(atome_text_arena_bytes(&bucket.model, &command.model));
    EXPECT_EQ(atome_text_init(&ti, &bucket.model, &command.model, arena.data(), arena.size()),
              ATOME_APPS_OK);
  }
  atome_apps_status run(const std::string& text, uint32_t state, atome_text_decision* d) {
    return atome_text_interpret(&ti, reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                                state, d);
  }
};

Shipped& shipped() {
  static Shipped s;
  return s;
}

struct Fixed {
  const char* text;
  uint32_t state, action, why, intent;
};

// Requests the shipped heads decide with some margin to their thresholds (bucket 0.860, command
// 0.782; `atome apps command` prints the p of each): one per row of the table that they reach.
const Fixed kFixed[] = {
    {"turn on the motor", ATOME_DSTATE_NORMAL, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK,
     ATOME_INTENT_TURN_ON},
    {"turn on the motor", ATOME_DSTATE_ALERT, ATOME_TEXT_REFUSED, ATOME_TEXT_WHY_REFUSED_IN_ALERT,
     ATOME_INTENT_TURN_ON},
    {"turn on the motor", ATOME_DSTATE_SAFE, ATOME_TEXT_REFUSED, ATOME_TEXT_WHY_REFUSED_IN_SAFE,
     ATOME_INTENT_TURN_ON},
    {"set the fan to 40", ATOME_DSTATE_NORMAL, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK,
     ATOME_INTENT_SET_VALUE},
    {"set the fan to 40", ATOME_DSTATE_SAFE, ATOME_TEXT_REFUSED, ATOME_TEXT_WHY_REFUSED_IN_SAFE,
     ATOME_INTENT_SET_VALUE},
    {"pump off", ATOME_DSTATE_ALERT, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK, ATOME_INTENT_TURN_OFF},
    {"pump off", ATOME_DSTATE_SAFE, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK, ATOME_INTENT_TURN_OFF},
    {"emergency stop now", ATOME_DSTATE_NORMAL, ATOME_TEXT_STOP_ALL, ATOME_TEXT_WHY_OK,
     ATOME_INTENT_STOP_ALL},
    {"emergency stop now", ATOME_DSTATE_SAFE, ATOME_TEXT_STOP_ALL, ATOME_TEXT_WHY_OK,
     ATOME_INTENT_STOP_ALL},
    {"pump status", ATOME_DSTATE_SAFE, ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK,
     ATOME_INTENT_STATUS},
    {"play some music", ATOME_DSTATE_NORMAL, ATOME_TEXT_NOT_UNDERSTOOD,
     ATOME_TEXT_WHY_UNKNOWN_COMMAND, ATOME_INTENT_UNKNOWN},
    {"what is the temperature", ATOME_DSTATE_SAFE, ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK,
     ATOME_TEXT_NO_INTENT},
    {"water leak!", ATOME_DSTATE_NORMAL, ATOME_TEXT_OPERATOR_ALERT, ATOME_TEXT_WHY_OK,
     ATOME_TEXT_NO_INTENT},
    {"update firmware", ATOME_DSTATE_NORMAL, ATOME_TEXT_CONFIG, ATOME_TEXT_WHY_OK,
     ATOME_TEXT_NO_INTENT},
    {"tell me a joke", ATOME_DSTATE_NORMAL, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_SMALLTALK,
     ATOME_TEXT_NO_INTENT},
    {"stop the heater", ATOME_DSTATE_NORMAL, ATOME_TEXT_NOT_UNDERSTOOD,
     ATOME_TEXT_WHY_COMMAND_ABSTAINED, ATOME_TEXT_NO_INTENT},
    {"stop everything", ATOME_DSTATE_NORMAL, ATOME_TEXT_NOT_UNDERSTOOD,
     ATOME_TEXT_WHY_BUCKET_ABSTAINED, ATOME_TEXT_NO_INTENT},
};

TEST(AppsText, ShippedHeadsOnFixedRequests) {
  Shipped& s = shipped();
  for (const Fixed& f : kFixed) {
    atome_text_decision d;
    ASSERT_EQ(s.run(f.text, f.state, &d), ATOME_APPS_OK) << f.text;
    EXPECT_EQ(d.action, f.action) << f.text << " in " << atome_dispatch_state_str(f.state) << ": "
                                  << atome_text_action_str(d.action);
    EXPECT_EQ(d.why, f.why) << f.text << ": " << atome_text_why_str(d.why);
    EXPECT_EQ(d.intent, f.intent) << f.text;
    EXPECT_EQ(d.bucket.action, static_cast<uint32_t>(ATOME_HEAD_RAN));
    const bool routed = d.bucket.class_id == ATOME_BUCKET_CONTROL && d.bucket.abstain == 0;
    EXPECT_EQ(d.command.action, routed ? uint32_t(ATOME_HEAD_RAN) : uint32_t(ATOME_HEAD_SKIPPED))
        << f.text;
  }
}

// The interpreter's integer decisions against the host's (host/classify.h: the engine's float
// logits, double softmax; what `atome classify` prints) on the same padded bytes.
TEST(AppsText, AgreesWithHostClassify) {
  Shipped& s = shipped();
  const char* extra[] = {"turn on the pump",
                         "switch off the light",
                         "set fan 3",
                         "status?",
                         "is the pump on",
                         "smoke in the kitchen!",
                         "set wifi password",
                         "thanks",
                         "tell me a joke",
                         "halt everything",
                         "kill all",
                         "asdfg",
                         "buy milk",
                         "fan speed 2",
                         "pump status",
                         "reset settings",
                         "Please Turn Off The Heater",
                         "VALVE TO 70%",
                         "x",
                         "abcdefghijklmnopqrstuvwxyz012345"};
  std::vector<std::string> texts;
  for (const Fixed& f : kFixed) texts.push_back(f.text);
  for (const char* t : extra) texts.push_back(t);
  AlignedBuffer ab(atome_state_bytes(&s.bucket.model, 32)),
      ac(atome_state_bytes(&s.command.model, 32));
  atome_session *sb = nullptr, *sc = nullptr;
  ASSERT_EQ(atome_session_init(&sb, &s.bucket.model, 32, ab.data(), ab.size()), ATOME_OK);
  ASSERT_EQ(atome_session_init(&sc, &s.command.model, 32, ac.data(), ac.size()), ATOME_OK);
  const Calibration cb = calibration_of(s.bucket.model), cc = calibration_of(s.command.model);
  int commands = 0;
  for (const std::string& t : texts) {
    std::vector<uint32_t> tokens(32 - t.size(), 0);
    for (unsigned char c : t) tokens.push_back(c);
    atome_text_decision d;
    ASSERT_EQ(s.run(t, ATOME_DSTATE_NORMAL, &d), ATOME_APPS_OK) << t;
    const Classification hb = classify_tokens(sb, s.bucket.model, tokens, cb);
    EXPECT_EQ(d.bucket.class_id, hb.cls) << t;
    EXPECT_NEAR(d.bucket.prob_q15 / 32768.0, hb.p, 5e-4) << t;
    EXPECT_EQ(d.bucket.abstain != 0, hb.abstain) << t;
    if (d.command.action != ATOME_HEAD_RAN) continue;
    ++commands;
    const Classification hc = classify_tokens(sc, s.command.model, tokens, cc);
    EXPECT_EQ(d.command.class_id, hc.cls) << t;
    EXPECT_NEAR(d.command.prob_q15 / 32768.0, hc.p, 5e-4) << t;
    EXPECT_EQ(d.command.abstain != 0, hc.abstain) << t;
  }
  EXPECT_GE(commands, 8);
}

// A request decided stop-all drives the dispatcher's operator stop; what follows is refused.
TEST(AppsText, StopAllLatchesTheDispatcherAndRefusesActuation) {
  Shipped& s = shipped();
  atome_dispatch_policy p{};
  p.n_heads = 1;
  p.heads[0] = {0x3u | (1u << ATOME_DISPATCH_SAFE_BIT), 1, 0, 1};
  p.n_classes = 2;
  p.k_enter = 1;
  p.k_return = 2;
  p.m_abstain = 1;
  p.k_safe_exit = 1;
  p.budget = 1;
  atome_dispatcher d;
  ASSERT_EQ(atome_dispatch_init(&d, &p), ATOME_APPS_OK);
  const atome_telemetry_reading normal = {0, 0, 30000, 0};
  atome_dispatch_output out;
  ASSERT_EQ(atome_dispatch_step(&d, &normal, 0, &out), ATOME_APPS_OK);
  ASSERT_EQ(d.state, static_cast<uint32_t>(ATOME_DSTATE_NORMAL));
  atome_text_decision t;
  ASSERT_EQ(s.run("emergency stop now", d.state, &t), ATOME_APPS_OK);
  ASSERT_EQ(t.action, static_cast<uint32_t>(ATOME_TEXT_STOP_ALL));
  uint32_t rule = 0;
  ASSERT_EQ(atome_dispatch_operator(&d, ATOME_OPERATOR_STOP, &rule), ATOME_APPS_OK);
  EXPECT_EQ(rule, static_cast<uint32_t>(ATOME_RULE_OPERATOR_STOP));
  ASSERT_EQ(atome_dispatch_step(&d, &normal, 0, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.state, static_cast<uint32_t>(ATOME_DSTATE_SAFE));  // k_safe_exit 1, yet held
  ASSERT_EQ(s.run("turn on the motor", d.state, &t), ATOME_APPS_OK);
  EXPECT_EQ(t.action, static_cast<uint32_t>(ATOME_TEXT_REFUSED));
  ASSERT_EQ(atome_dispatch_operator(&d, ATOME_OPERATOR_RESUME, &rule), ATOME_APPS_OK);
  ASSERT_EQ(atome_dispatch_step(&d, &normal, 0, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.rule, static_cast<uint32_t>(ATOME_RULE_LEAVE_SAFE));
  ASSERT_EQ(s.run("turn on the motor", d.state, &t), ATOME_APPS_OK);
  EXPECT_EQ(t.action, static_cast<uint32_t>(ATOME_TEXT_ACTUATE));
}

TEST(AppsText, BadTextHasADefinedStatus) {
  Shipped& s = shipped();
  atome_text_decision d;
  auto expect_bad = [&](atome_apps_status want, const std::string& text, uint32_t state) {
    EXPECT_EQ(s.run(text, state, &d), want) << text.size() << " bytes";
    EXPECT_EQ(d.action, static_cast<uint32_t>(ATOME_TEXT_NOT_UNDERSTOOD));
    EXPECT_EQ(d.why, static_cast<uint32_t>(ATOME_TEXT_WHY_BAD_TEXT));
    EXPECT_EQ(d.bucket.has_result, 0u);
    EXPECT_EQ(d.command.has_result, 0u);
  };
  expect_bad(ATOME_APPS_ERR_BAD_LENGTH, "", ATOME_DSTATE_NORMAL);
  expect_bad(ATOME_APPS_ERR_BAD_LENGTH, std::string(33, 'a'), ATOME_DSTATE_NORMAL);
  expect_bad(ATOME_APPS_ERR_BAD_TEXT, std::string("turn on\0pump", 12), ATOME_DSTATE_NORMAL);
  expect_bad(ATOME_APPS_ERR_BAD_CONFIG, "hello", 3);
  EXPECT_EQ(s.run(std::string(32, 'a'), ATOME_DSTATE_NORMAL, &d), ATOME_APPS_OK);    // 32 fits
  EXPECT_EQ(s.run(std::string(1, '\xff'), ATOME_DSTATE_NORMAL, &d), ATOME_APPS_OK);  // any byte
  EXPECT_EQ(atome_text_interpret(&s.ti, nullptr, 3, 0, &d), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_text_interpret(&s.ti, nullptr, 0, 0, &d), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_text_interpret(&s.ti, reinterpret_cast<const uint8_t*>("a"), 1, 0, nullptr),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  atome_text_interpreter fresh{};
  EXPECT_EQ(atome_text_interpret(&fresh, reinterpret_cast<const uint8_t*>("a"), 1, 0, &d),
            ATOME_APPS_ERR_NOT_INITIALISED);
}

TEST(AppsText, WrongHeadsAreRefused) {
  Shipped& s = shipped();
  const ModelFile br =
      load_model_file(std::string(ATOME_SOURCE_DIR) + "/models/task-bad-reading-q15.atome");
  AlignedBuffer arena(s.arena.size() * 2);
  atome_text_interpreter ti;
  // Swapped heads: their class names say which task they are.
  EXPECT_EQ(atome_text_init(&ti, &s.command.model, &s.bucket.model, arena.data(), arena.size()),
            ATOME_APPS_ERR_NOT_TEXT_HEAD);
  EXPECT_EQ(atome_text_init(&ti, &br.model, &s.command.model, arena.data(), arena.size()),
            ATOME_APPS_ERR_NOT_TEXT_HEAD);
  EXPECT_EQ(atome_text_init(&ti, &s.bucket.model, &s.command.model, arena.data(), 64),
            ATOME_APPS_ERR_ENGINE);
  EXPECT_EQ(atome_text_init(&ti, nullptr, &s.command.model, arena.data(), arena.size()),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_text_arena_bytes(nullptr, &s.command.model), 0u);
  // The bucket head with one class renamed: same shape, same tokens, not the task it claims.
  const std::string path = std::string(ATOME_SOURCE_DIR) + "/models/task-intent-bucket-q15.atome";
  ClassSpec spec = class_spec_of(s.bucket.model);
  spec.classes[ATOME_BUCKET_ALERT] = "alarm";
  AlignedBuffer renamed;
  renamed.assign(write_native(with_class_spec(read_native(read_file(path)), spec)));
  atome_model m{};
  ASSERT_EQ(atome_model_load(&m, renamed.data(), renamed.size()), ATOME_OK);
  EXPECT_EQ(atome_text_init(&ti, &m, &s.command.model, arena.data(), arena.size()),
            ATOME_APPS_ERR_NOT_TEXT_HEAD);
  EXPECT_EQ(atome_text_init(&ti, &s.bucket.model, &s.command.model, arena.data(), arena.size()),
            ATOME_APPS_OK);
}

// One session shared by the two heads (the firmware's RAM lever): the same decisions, head
// results and logits as two sessions, for every fixed request in every state, in an arena about
// half the size.
TEST(AppsText, SharedSessionDecidesAsTwoSessions) {
  Shipped& s = shipped();
  const size_t one = atome_text_shared_arena_bytes(&s.bucket.model, &s.command.model);
  ASSERT_GT(one, 0u);
  ASSERT_LT(one, s.arena.size());
  AlignedBuffer arena(one);
  atome_text_interpreter ti;
  ASSERT_EQ(atome_text_init(&ti, &s.bucket.model, &s.command.model, arena.data(), one),
            ATOME_APPS_OK);
  EXPECT_EQ(ti.shared, 1u);
  EXPECT_EQ(s.ti.shared, 0u);
  EXPECT_EQ(atome_text_init(&ti, &s.bucket.model, &s.command.model, arena.data(), one - 16),
            ATOME_APPS_ERR_ENGINE);
  ASSERT_EQ(atome_text_init(&ti, &s.bucket.model, &s.command.model, arena.data(), one),
            ATOME_APPS_OK);
  int routed = 0;
  for (const Fixed& f : kFixed) {
    for (uint32_t state : {ATOME_DSTATE_NORMAL, ATOME_DSTATE_ALERT, ATOME_DSTATE_SAFE}) {
      atome_text_decision a, b;
      ASSERT_EQ(s.run(f.text, state, &a), ATOME_APPS_OK);
      ASSERT_EQ(atome_text_interpret(&ti, reinterpret_cast<const uint8_t*>(f.text),
                                     std::strlen(f.text), state, &b),
                ATOME_APPS_OK);
      EXPECT_EQ(a.action, b.action) << f.text;
      EXPECT_EQ(a.why, b.why) << f.text;
      EXPECT_EQ(a.intent, b.intent) << f.text;
      for (const auto& [x, y] : {std::pair{&a.bucket, &b.bucket}, {&a.command, &b.command}}) {
        EXPECT_EQ(x->action, y->action) << f.text;
        EXPECT_EQ(x->class_id, y->class_id) << f.text;
        EXPECT_EQ(x->prob_q15, y->prob_q15) << f.text;
        EXPECT_EQ(x->abstain, y->abstain) << f.text;
        for (uint32_t c = 0; c < ATOME_RUNNER_MAX_CLASSES; ++c)
          EXPECT_EQ(x->logits_q16[c], y->logits_q16[c]) << f.text;
      }
      routed += a.command.action == ATOME_HEAD_RAN;
    }
  }
  EXPECT_GT(routed, 10);  // the session really went back and forth between the heads
}

TEST(AppsText, EveryCodeHasAName) {
  for (atome_apps_status st : {ATOME_APPS_ERR_BAD_TEXT, ATOME_APPS_ERR_NOT_TEXT_HEAD})
    EXPECT_STRNE(atome_apps_status_str(st), "unknown status") << st;
  for (uint32_t r = ATOME_RULE_OPERATOR_STOP; r <= ATOME_RULE_OPERATOR_RESUME; ++r)
    EXPECT_STRNE(atome_dispatch_rule_str(r), "unknown") << r;
  for (uint32_t a = 0; a <= ATOME_TEXT_REFUSED; ++a)
    EXPECT_STRNE(atome_text_action_str(a), "unknown") << a;
  for (uint32_t w = 0; w <= ATOME_TEXT_WHY_BAD_TEXT; ++w)
    EXPECT_STRNE(atome_text_why_str(w), "unknown") << w;
}

}  // namespace
}  // namespace atome::test
