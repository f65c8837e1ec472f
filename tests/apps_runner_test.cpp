// The app runner (apps/app_runner.cpp) and its integer calibration (apps/calibrate.cpp),
// docs/APPS.md §10: the calibrated probability against the host's double softmax and the engine's
// q15 softmax, the runner's logits against a direct engine run, gate reuse, roles, bad frames,
// the check-head hook and an abstaining telemetry head.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "atome/apps.h"
#include "engine/fixed.h"
#include "host/aligned_buffer.h"
#include "host/class_spec.h"
#include "host/classify.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "random_model.h"
#include "voiced_clip.h"

extern "C" int atome_apps_c_use_inputs(void);  // tests/apps_c_use.c (C99, -Wpedantic)

namespace atome::test {
namespace {

ClassSpec spec_of(uint32_t n_classes, uint32_t C, uint32_t rule, float threshold, float temp) {
  ClassSpec s;
  for (uint32_t c = 0; c < n_classes; ++c) s.classes.push_back("k" + std::to_string(c));
  for (uint32_t c = 0; c < C; ++c) s.channels.push_back({"ch" + std::to_string(c), "", 0.0f, 0.0f});
  s.window = 1;
  s.quant_mode = ATOME_QUANT_BANDED;
  s.vmin.assign(C, -4.0);
  s.vmax.assign(C, 4.0);
  s.temperature = temp;
  s.abstain_rule = rule;
  s.abstain_threshold = threshold;
  return s;
}

// A loaded q15 (or f32) classifier with random weights and its session arena.
struct Head {
  AlignedBuffer image, arena;
  atome_model model{};
  Head(const ClassSpec& spec, uint64_t seed, uint32_t numerics = ATOME_NUMERICS_Q15) {
    const auto cfg =
        small_config(16, 1, 4, 3, 2, ATOME_PATH_ALL, static_cast<uint32_t>(spec.classes.size()));
    HostModel m = with_class_spec(random_model(cfg, seed), spec);
    if (numerics != ATOME_NUMERICS_F32) m = convert_numerics(m, numerics);
    image.assign(write_native(m));
    EXPECT_EQ(atome_model_load(&model, image.data(), image.size()), ATOME_OK);
    arena.resize(atome_state_bytes(&model, spec.n_features()));
  }
  atome_runner_head_config config(uint32_t role) {
    atome_runner_head_config c{};
    c.model = &model;
    c.arena = arena.data();
    c.arena_bytes = arena.size();
    c.role = role;
    c.gate_mode = ATOME_GATE_EXACT;
    return c;
  }
};

atome_dispatch_policy one_head_policy(uint32_t n_classes, uint32_t normal) {
  atome_dispatch_policy p{};
  p.n_heads = 1;
  p.heads[0] = {(1u << ATOME_DISPATCH_SAFE_BIT) | ((1u << n_classes) - 1), 1, 0, 1};
  p.n_classes = n_classes;
  p.normal_class = normal;
  p.k_enter = 1;
  p.k_return = 2;
  p.m_abstain = 2;
  p.k_safe_exit = 1;
  p.budget = 1;
  return p;
}

// Two runner outputs of one period p agree in every field: the dispatch, the masks and each of
// the first n heads' result (logits bit for bit).
void expect_same_output(const atome_runner_output& a, const atome_runner_output& b, uint32_t n,
                        int p) {
  EXPECT_EQ(a.dispatch.state, b.dispatch.state) << p;
  EXPECT_EQ(a.dispatch.rule, b.dispatch.rule) << p;
  EXPECT_EQ(a.dispatch.run_mask, b.dispatch.run_mask) << p;
  EXPECT_EQ(a.bad_input_mask, b.bad_input_mask) << p;
  EXPECT_EQ(a.ran_mask, b.ran_mask) << p;
  EXPECT_EQ(a.reused_mask, b.reused_mask) << p;
  for (uint32_t i = 0; i < n; ++i) {
    const atome_head_result &x = a.heads[i], &y = b.heads[i];
    EXPECT_EQ(x.action, y.action) << p << " head " << i;
    EXPECT_EQ(x.reason, y.reason) << p << " head " << i;
    EXPECT_EQ(x.input_status, y.input_status) << p << " head " << i;
    EXPECT_EQ(x.class_id, y.class_id) << p << " head " << i;
    EXPECT_EQ(x.prob_q15, y.prob_q15) << p << " head " << i;
    EXPECT_EQ(x.margin_q15, y.margin_q15) << p << " head " << i;
    EXPECT_EQ(x.abstain, y.abstain) << p << " head " << i;
    EXPECT_EQ(std::memcmp(x.logits_q16, y.logits_q16, sizeof x.logits_q16), 0)
        << p << " head " << i;
  }
}

TEST(AppsRunner, CalibrationIsTheEngineSoftmaxOfLogitsOverTemperature) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int32_t> logit(-(8 << 16), 8 << 16);
  double worst = 0.0;
  for (float temp : {0.5f, 1.0f, 2.7f}) {
    Head h(spec_of(4, 2, ATOME_ABSTAIN_MARGIN, 0.15f, temp), 1);
    atome_calibration cal;
    ASSERT_EQ(atome_calibration_prepare(&cal, &h.model), ATOME_APPS_OK);
    for (int trial = 0; trial < 2000; ++trial) {
      int32_t l[4];
      for (int32_t& v : l) v = logit(rng);
      atome_head_result r{};
      atome_calibrate_q16(&cal, l, 4, &r);
      std::vector<float> lf(l, l + 4);
      for (float& v : lf) v /= 65536.0f;
      const Classification host = decide(lf, Calibration{temp, ATOME_ABSTAIN_MARGIN, 0.15f});
      EXPECT_EQ(r.class_id, host.cls);
      worst = std::max(worst, std::fabs(r.prob_q15 / 32768.0 - host.p));
      if (temp == 1.0f) {  // exactly the engine's softmax_q15 (no division by T)
        int32_t v[4];
        std::memcpy(v, l, sizeof v);
        fixed::softmax_q15(v, 4);
        EXPECT_EQ(r.prob_q15, static_cast<uint32_t>(v[r.class_id]));
      }
    }
  }
  std::printf("calibrated probability vs double softmax: max |error| %.2e\n", worst);
  EXPECT_LT(worst, 5e-4);
}

TEST(AppsRunner, AbstainsByTheFilesRuleInQ15) {
  Head h(spec_of(2, 2, ATOME_ABSTAIN_MAX_PROB, 0.75f, 1.0f), 1);
  atome_calibration cal;
  ASSERT_EQ(atome_calibration_prepare(&cal, &h.model), ATOME_APPS_OK);
  EXPECT_EQ(cal.threshold_q15, 24576u);
  atome_head_result r{};
  const int32_t close[2] = {0, 1 << 16};  // p = 0.731 < 0.75
  atome_calibrate_q16(&cal, close, 2, &r);
  EXPECT_EQ(r.class_id, 1u);
  EXPECT_EQ(r.abstain, 1u);
  const int32_t far[2] = {0, 2 << 16};  // p = 0.881
  atome_calibrate_q16(&cal, far, 2, &r);
  EXPECT_EQ(r.abstain, 0u);
}

TEST(AppsRunner, RunsHeadsLikeTheEngineAndReusesOnGateHits) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  Head air(spec_of(4, 3, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  atome_runner_config rc{};
  rc.n_heads = 2;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  auto r = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  const int32_t ft[2] = {1 << 16, -(1 << 16)}, fa[3] = {3 << 15, 0, -(5 << 15)};
  const int32_t* frames[2] = {ft, fa};
  const uint32_t counts[2] = {2, 3};
  atome_runner_output out;
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].action, ATOME_HEAD_RAN);
  // The same logits as the engine on the same tokens in a session of our own.
  uint8_t tokens[3];
  ASSERT_EQ(atome_tok_run(&r->heads[1].tok, fa, 3, tokens, nullptr), ATOME_APPS_OK);
  AlignedBuffer arena(atome_state_bytes(&air.model, 3));
  atome_session* s = nullptr;
  ASSERT_EQ(atome_session_init(&s, &air.model, 3, arena.data(), arena.size()), ATOME_OK);
  for (uint8_t t : tokens) ASSERT_EQ(atome_step_no_logits(s, t), ATOME_OK);
  int32_t want[4];
  ASSERT_EQ(atome_session_class_logits_q16(s, want, 4), ATOME_OK);
  for (int c = 0; c < 4; ++c) EXPECT_EQ(out.heads[1].logits_q16[c], want[c]) << c;
  // Same frames again: both gates hit, the results are repeated bit for bit.
  const atome_head_result first = out.heads[1];
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[0].action, ATOME_HEAD_REUSED);
  EXPECT_EQ(out.heads[1].action, ATOME_HEAD_REUSED);
  EXPECT_EQ(std::memcmp(out.heads[1].logits_q16, first.logits_q16, sizeof first.logits_q16), 0);
  EXPECT_EQ(out.heads[1].prob_q15, first.prob_q15);
  EXPECT_EQ(out.ran_mask, 0u);
  EXPECT_EQ(out.reused_mask, 3u);
  // Bad frames: wrong length and missing give their statuses; the head is skipped as bad input.
  const uint32_t short_counts[2] = {2, 2};
  ASSERT_EQ(atome_runner_step(r.get(), frames, short_counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].input_status, ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(out.heads[1].reason, ATOME_SKIP_BAD_INPUT);
  EXPECT_EQ(out.bad_input_mask, 1u);
  const int32_t* missing[2] = {ft, nullptr};
  ASSERT_EQ(atome_runner_step(r.get(), missing, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].reason, ATOME_SKIP_NO_FRAME);
  EXPECT_EQ(out.heads[1].input_status, ATOME_APPS_ERR_NULL_ARGUMENT);
}

TEST(AppsRunner, TelemetryWithoutEvidenceLeadsToSafe) {
  // A telemetry head that always abstains (max prob below 1.0 is always true for 3 classes).
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_MAX_PROB, 1.0f, 1.0f), 11);
  Head air(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  atome_runner_config rc{};
  rc.n_heads = 2;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  auto r = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  const int32_t f[2] = {1 << 16, 0};
  const int32_t* frames[2] = {f, f};
  const uint32_t counts[2] = {2, 2};
  atome_runner_output out;
  for (int p = 0; p < 4; ++p) {
    ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
    EXPECT_EQ(out.heads[0].abstain, 1u);
    EXPECT_EQ(out.dispatch.reading, ATOME_READING_ABSTAINED);
    EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_SAFE);
    EXPECT_EQ(out.dispatch.rule, ATOME_RULE_SAFE_NO_EVIDENCE);
  }
  // The same head without abstention leaves SAFE (k_safe_exit 1) once its class is the normal
  // one; then missing telemetry frames for m_abstain periods send it back to SAFE.
  Head tel2(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  rc.heads[0] = tel2.config(ATOME_ROLE_TELEMETRY);
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  rc.policy.normal_class = out.heads[0].class_id;
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_NORMAL);
  const int32_t* no_telemetry[2] = {nullptr, f};
  ASSERT_EQ(atome_runner_step(r.get(), no_telemetry, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[0].action, ATOME_HEAD_BAD_FRAME);
  EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_NORMAL);  // 1 < m_abstain
  ASSERT_EQ(atome_runner_step(r.get(), no_telemetry, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_SAFE);
  EXPECT_EQ(out.dispatch.rule, ATOME_RULE_ENTER_SAFE);
}

TEST(AppsRunner, CheckHeadGatesTheHeadsItChecks) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  Head air(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  Head chk(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 13);
  atome_runner_config rc{};
  rc.n_heads = 3;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = chk.config(ATOME_ROLE_CHECK);
  rc.heads[1].checks_mask = 1;
  rc.heads[2] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  const int32_t f[2] = {1 << 16, 0};
  const int32_t* frames[3] = {f, f, f};
  const uint32_t counts[3] = {2, 2, 2};
  atome_runner_output out;
  auto r = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  const uint32_t verdict = out.heads[1].class_id;
  for (uint32_t ok : {verdict, 1 - verdict}) {
    rc.heads[1].ok_class = ok;
    ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
    ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
    const bool flagged = ok != verdict;
    EXPECT_EQ(out.bad_input_mask, flagged ? 1u : 0u) << ok;
    EXPECT_EQ(out.heads[2].action, flagged ? ATOME_HEAD_SKIPPED : ATOME_HEAD_RAN) << ok;
    if (flagged) {
      EXPECT_EQ(out.heads[2].reason, ATOME_SKIP_BAD_INPUT);
    }
  }
}

// on_abstain: an abstaining check head flags its heads (FLAG, the default: fail-safe) or lets
// them run (PASS), whichever class it abstained on; a bad on_abstain value is refused.
TEST(AppsRunner, CheckHeadAbstentionFlagsOrPasses) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  Head air(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  // Max prob below 1.0 is always true for 2 classes: this check head always abstains.
  Head chk(spec_of(2, 2, ATOME_ABSTAIN_MAX_PROB, 1.0f, 1.0f), 13);
  atome_runner_config rc{};
  rc.n_heads = 3;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = chk.config(ATOME_ROLE_CHECK);
  rc.heads[1].checks_mask = 1;
  rc.heads[2] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  const int32_t f[2] = {1 << 16, 0};
  const int32_t* frames[3] = {f, f, f};
  const uint32_t counts[3] = {2, 2, 2};
  atome_runner_output out;
  auto r = std::make_unique<atome_runner>();
  for (uint32_t mode : {uint32_t(ATOME_CHECK_ABSTAIN_FLAG), uint32_t(ATOME_CHECK_ABSTAIN_PASS)}) {
    for (uint32_t ok : {0u, 1u}) {
      rc.heads[1].on_abstain = mode;
      rc.heads[1].ok_class = ok;
      ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
      ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
      ASSERT_EQ(out.heads[1].abstain, 1u);
      const bool flagged = mode == ATOME_CHECK_ABSTAIN_FLAG;
      EXPECT_EQ(out.bad_input_mask, flagged ? 1u : 0u) << mode << " " << ok;
      EXPECT_EQ(out.heads[2].action, flagged ? ATOME_HEAD_SKIPPED : ATOME_HEAD_RAN) << mode;
    }
    // A bad frame for the check head flags its heads in both modes (their input is unchecked).
    const int32_t* no_check[3] = {f, nullptr, f};
    ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
    ASSERT_EQ(atome_runner_step(r.get(), no_check, counts, &out), ATOME_APPS_OK);
    EXPECT_EQ(out.heads[1].action, ATOME_HEAD_BAD_FRAME);
    EXPECT_EQ(out.bad_input_mask, 1u) << mode;
  }
  rc.heads[1].on_abstain = 2;
  EXPECT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_ERR_BAD_ROLE);
}

TEST(AppsRunner, RefusesBadConfigurations) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  Head air(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  Head f32(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12, ATOME_NUMERICS_F32);
  auto r = std::make_unique<atome_runner>();
  atome_runner_config rc{};
  rc.n_heads = 2;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  auto expect = [&](atome_runner_config c, atome_apps_status want) {
    EXPECT_EQ(atome_runner_init(r.get(), &c), want) << atome_apps_status_str(want);
    atome_runner_output out;
    const int32_t* frames[2] = {nullptr, nullptr};
    const uint32_t counts[2] = {0, 0};
    EXPECT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_ERR_NOT_INITIALISED);
    EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_SAFE);
  };
  atome_runner_config c = rc;
  c.heads[1].role = ATOME_ROLE_TELEMETRY;  // two telemetry heads
  expect(c, ATOME_APPS_ERR_BAD_ROLE);
  c = rc;
  c.policy.n_classes = 4;  // not the telemetry head's
  expect(c, ATOME_APPS_ERR_BAD_ROLE);
  c = rc;
  c.heads[1] = f32.config(ATOME_ROLE_SCHEDULED);
  expect(c, ATOME_APPS_ERR_ENGINE);
  c = rc;
  c.heads[1].arena_bytes = 64;
  expect(c, ATOME_APPS_ERR_ENGINE);
  c = rc;
  c.heads[1].role = ATOME_ROLE_CHECK;  // checks nothing
  c.policy.n_heads = 0;
  expect(c, ATOME_APPS_ERR_BAD_ROLE);
  c = rc;
  c.n_heads = 0;
  expect(c, ATOME_APPS_ERR_NO_HEADS);
  EXPECT_EQ(atome_runner_init(nullptr, &rc), ATOME_APPS_ERR_NULL_ARGUMENT);
}

// The shipped bad-reading head (models/task-bad-reading-q15.atome) as the check head of a sensor
// head, fed as a device feeds it: 16 normalised readings -> atome_reading_context's five features
// in the head's input format. A reading that jumps far above its history is not "valid", so the
// sensor head is skipped as bad input; a quiet noisy history ending in an ordinary reading is
// "valid"; and the check head's integer decision is the host's (atome classify).
TEST(AppsRunner, ShippedBadReadingHeadGatesASensorHead) {
  const ModelFile br =
      load_model_file(std::string(ATOME_SOURCE_DIR) + "/models/task-bad-reading-q15.atome");
  AlignedBuffer br_arena(atome_state_bytes(&br.model, ATOME_READING_FEATURES));
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 11);
  Head air(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 12);
  atome_runner_config rc{};
  rc.n_heads = 3;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = {&br.model,
                 br_arena.data(),
                 br_arena.size(),
                 ATOME_ROLE_CHECK,
                 ATOME_GATE_EXACT,
                 0,
                 0,
                 1,
                 0,
                 ATOME_CHECK_ABSTAIN_FLAG,
                 nullptr,
                 nullptr};
  rc.heads[2] = air.config(ATOME_ROLE_SCHEDULED);
  rc.policy = one_head_policy(3, 0);
  auto r = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  const atome_tokenizer& tok = r->heads[1].tok;
  ASSERT_EQ(tok.n_features, uint32_t(ATOME_READING_FEATURES));
  // 15 readings around 0.5 of the range (noise of +-0.4 %), then the reading to judge.
  auto frame_of = [&](double last) {
    int32_t q[ATOME_READING_WINDOW];
    for (int t = 0; t < ATOME_READING_WINDOW; ++t) {
      const double v = t == 15 ? last : 0.5 + 0.004 * ((t * 7) % 5 - 2) / 2.0;
      q[t] = static_cast<int32_t>(std::lround(std::ldexp(v, ATOME_READING_FRAC)));
    }
    std::vector<int32_t> f(ATOME_READING_FEATURES);
    EXPECT_EQ(atome_reading_context(q, 16, ATOME_READING_FRAC, tok.frac, f.data()), ATOME_APPS_OK);
    return f;
  };
  const int32_t f[2] = {1 << 16, 0};
  const uint32_t counts[3] = {2, ATOME_READING_FEATURES, 2};
  atome_runner_output out;
  const std::vector<int32_t> ok = frame_of(0.503);
  const int32_t* ok_frames[3] = {f, ok.data(), f};
  ASSERT_EQ(atome_runner_step(r.get(), ok_frames, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].class_id, 0u);  // valid
  EXPECT_EQ(out.heads[1].abstain, 0);
  EXPECT_EQ(out.bad_input_mask, 0u);
  const std::vector<int32_t> reading = frame_of(1.4);
  const int32_t* frames[3] = {f, reading.data(), f};
  ASSERT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].action, ATOME_HEAD_RAN);
  EXPECT_NE(out.heads[1].class_id, 0u);  // not "valid"
  EXPECT_EQ(out.bad_input_mask, 1u);
  EXPECT_EQ(out.heads[2].reason, ATOME_SKIP_BAD_INPUT);
  // The host's classification of the same features: same class, p within 5e-4.
  const uint32_t n = ATOME_READING_FEATURES;
  std::vector<uint32_t> tokens(n);
  uint8_t t8[ATOME_READING_FEATURES];
  ASSERT_EQ(atome_tok_run(&tok, reading.data(), n, t8, nullptr), ATOME_APPS_OK);
  for (uint32_t i = 0; i < n; ++i) tokens[i] = t8[i];
  AlignedBuffer arena(atome_state_bytes(&br.model, n));
  atome_session* s = nullptr;
  ASSERT_EQ(atome_session_init(&s, &br.model, n, arena.data(), arena.size()), ATOME_OK);
  const Classification host = classify_tokens(s, br.model, tokens, calibration_of(br.model));
  EXPECT_EQ(out.heads[1].class_id, host.cls);
  EXPECT_NEAR(out.heads[1].prob_q15 / 32768.0, host.p, 5e-4);
  EXPECT_EQ(out.heads[1].abstain != 0, host.abstain);
}

// One session shared by every head (config.shared_arena, each head's arena NULL): the same
// decisions, probabilities and logits as one session per head, period by period. The heads differ
// in model width and window, so a session left laid out for the previous head would be wrong.
TEST(AppsRunner, SharedSessionDecidesAsOneSessionPerHead) {
  struct Wide {
    AlignedBuffer image;
    atome_model model{};
    uint32_t n_features;
    Wide(const ClassSpec& spec, uint32_t d, uint64_t seed) : n_features(spec.n_features()) {
      const auto cfg =
          small_config(d, 1, 4, 3, 2, ATOME_PATH_ALL, static_cast<uint32_t>(spec.classes.size()));
      image.assign(write_native(
          convert_numerics(with_class_spec(random_model(cfg, seed), spec), ATOME_NUMERICS_Q15)));
      EXPECT_EQ(atome_model_load(&model, image.data(), image.size()), ATOME_OK);
    }
  };
  std::vector<std::unique_ptr<Wide>> heads;
  const uint32_t channels[4] = {2, 5, 3, 4}, widths[4] = {16, 32, 8, 24};
  for (uint32_t i = 0; i < 4; ++i)
    heads.push_back(std::make_unique<Wide>(
        spec_of(i == 0 ? 3 : 2 + i, channels[i], ATOME_ABSTAIN_MARGIN, 0.1f, 1.0f), widths[i],
        20 + i));
  const atome_model* models[4];
  for (uint32_t i = 0; i < 4; ++i) models[i] = &heads[i]->model;
  size_t most = 0, sum = 0;
  for (const auto& h : heads) {
    const size_t b = atome_state_bytes(&h->model, h->n_features);
    most = std::max(most, b);
    sum += b;
  }
  ASSERT_EQ(atome_runner_shared_arena_bytes(models, 4), most);
  std::printf("sessions: %zu B shared, %zu B one per head\n", most, sum);

  atome_runner_config own{};
  own.n_heads = 4;
  own.policy = one_head_policy(3, 0);
  own.policy.n_heads = 2;
  own.policy.heads[1] = own.policy.heads[0];
  own.policy.budget = 2;
  std::vector<AlignedBuffer> arenas(4);
  for (uint32_t i = 0; i < 4; ++i) {
    atome_runner_head_config& c = own.heads[i];
    arenas[i].resize(atome_state_bytes(models[i], heads[i]->n_features));
    c.model = models[i];
    c.arena = arenas[i].data();
    c.arena_bytes = arenas[i].size();
    c.role = i == 0 ? ATOME_ROLE_TELEMETRY : i == 1 ? ATOME_ROLE_CHECK : ATOME_ROLE_SCHEDULED;
    c.checks_mask = i == 1 ? 1u : 0u;
    c.gate_mode = ATOME_GATE_OFF;  // every head runs every period: the session is used each time
  }
  atome_runner_config shared = own;
  AlignedBuffer one(most);
  shared.shared_arena = one.data();
  shared.shared_arena_bytes = one.size();
  for (uint32_t i = 0; i < 4; ++i) shared.heads[i].arena = nullptr;
  auto a = std::make_unique<atome_runner>();
  auto b = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(a.get(), &own), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_init(b.get(), &shared), ATOME_APPS_OK);

  std::mt19937 rng(5);
  std::uniform_int_distribution<int32_t> value(-(5 << 16), 5 << 16);
  atome_runner_output oa, ob;
  uint32_t ran = 0;
  for (int p = 0; p < 40; ++p) {
    std::vector<std::vector<int32_t>> f(4);
    const int32_t* frames[4];
    uint32_t counts[4];
    for (uint32_t i = 0; i < 4; ++i) {
      f[i].resize(heads[i]->n_features);
      for (int32_t& v : f[i]) v = value(rng);
      frames[i] = f[i].data();
      counts[i] = heads[i]->n_features;
    }
    ASSERT_EQ(atome_runner_step(a.get(), frames, counts, &oa), ATOME_APPS_OK);
    ASSERT_EQ(atome_runner_step(b.get(), frames, counts, &ob), ATOME_APPS_OK);
    expect_same_output(oa, ob, 4, p);
    ran += static_cast<uint32_t>(__builtin_popcount(oa.ran_mask));
  }
  EXPECT_GT(ran, 80u);  // the comparison covers many runs of every head, not a few
  // Too small a shared arena is refused (the largest head cannot lay it out); none at all too.
  shared.shared_arena_bytes = most - 64;
  EXPECT_EQ(atome_runner_init(b.get(), &shared), ATOME_APPS_ERR_ENGINE);
  shared.shared_arena = nullptr;
  EXPECT_EQ(atome_runner_init(b.get(), &shared), ATOME_APPS_ERR_NULL_ARGUMENT);
}

// ---- Front end per head (atome_runner_step_inputs, docs/APPS.md §10 "Front end per head") ----

// A head of C channels x T segments, every feature quantised over [lo, hi]; channel `phys` (if
// < C) records the physical range [-p, p].
ClassSpec audio_spec(uint32_t n_classes, uint32_t C, uint32_t T, double lo, double hi,
                     uint32_t phys = 99, float p = 0.0f) {
  ClassSpec s = spec_of(n_classes, C, ATOME_ABSTAIN_MARGIN, 0.05f, 1.0f);
  s.window = T;
  s.vmin.assign(size_t(C) * T, lo);
  s.vmax.assign(size_t(C) * T, hi);
  if (phys < C) s.channels[phys] = {"ch" + std::to_string(phys), "", -p, p};
  return s;
}

atome_dispatch_policy two_head_policy() {
  atome_dispatch_policy p = one_head_policy(3, 0);
  p.n_heads = 2;
  p.heads[1] = p.heads[0];
  p.budget = 2;
  return p;
}

// The voice-like (4 x 8, CMVN span) and sound_scene-like (8 x 4, scene) heads given raw audio
// through atome_audio_front_run decide exactly as the same runner given the frames
// atome_audio_front_frame makes of that audio: state, rule, masks, every head's action, reason,
// input status, class, p, margin, abstention and Q16 logits, exact gates hitting on repeats.
TEST(AppsRunner, FrontEndDecidesAsTheFramesItMakes) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 31);
  Head voice(audio_spec(5, 4, 8, -3.0, 3.0, 3, 1.0f), 32);
  Head scene(audio_spec(4, 8, 4, -60.0, 20.0), 33);
  atome_mfcc_work work;  // shared by the two heads' contexts
  atome_audio_front_ctx vctx{
      {ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN, 16000, 8, 4, 4, nullptr, 0}, &work, 0};
  atome_audio_front_ctx sctx{{ATOME_AUDIO_FRONT_MFCC_SCENE, 8000, 4, 0, 0, nullptr, 0}, &work, 0};
  atome_runner_config rc{};
  rc.n_heads = 3;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = voice.config(ATOME_ROLE_SCHEDULED);
  rc.heads[2] = scene.config(ATOME_ROLE_SCHEDULED);
  rc.policy = two_head_policy();
  atome_runner_config raw_rc = rc;
  raw_rc.heads[1].front = atome_audio_front_run;
  raw_rc.heads[1].front_ctx = &vctx;
  raw_rc.heads[2].front = atome_audio_front_run;
  raw_rc.heads[2].front_ctx = &sctx;
  // Separate arenas: the two runners must not share sessions.
  Head tel_b(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 31);
  Head voice_b(audio_spec(5, 4, 8, -3.0, 3.0, 3, 1.0f), 32);
  Head scene_b(audio_spec(4, 8, 4, -60.0, 20.0), 33);
  rc.heads[0] = tel_b.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = voice_b.config(ATOME_ROLE_SCHEDULED);
  rc.heads[2] = scene_b.config(ATOME_ROLE_SCHEDULED);
  auto a = std::make_unique<atome_runner>();
  auto b = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(a.get(), &raw_rc), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_init(b.get(), &rc), ATOME_APPS_OK);

  uint32_t ran = 0, reused = 0, clipped = 0;
  std::vector<uint32_t> classes;
  for (uint32_t p = 0; p < 14; ++p) {
    // Every third period repeats the last clips (the gates hit); the telemetry frame varies.
    const uint32_t k = p - p % 3 / 2;
    const std::vector<int16_t> v = voiced_clip(16000, 7 + k, 110.0 + 23.0 * k, 1000 + 500 * k);
    const std::vector<int16_t> sc = voiced_clip(8000, 90 + k, 400.0 + 170.0 * k, 300 * k);
    const int32_t ft[2] = {int32_t(p % 4) << 15, -(int32_t(p % 3) << 16)};
    int32_t fv[32], fs[32];
    uint32_t nc = 0;
    ASSERT_EQ(
        atome_audio_front_frame(&vctx.fe, &b->heads[1].tok, v.data(), v.size(), &work, fv, &nc),
        ATOME_APPS_OK);
    clipped += nc;
    ASSERT_EQ(atome_audio_front_frame(&sctx.fe, &b->heads[2].tok, sc.data(), sc.size(), &work, fs,
                                      nullptr),
              ATOME_APPS_OK);
    const int32_t* frames[3] = {ft, fv, fs};
    const uint32_t counts[3] = {2, 32, 32};
    const atome_runner_input in[3] = {{ATOME_INPUT_FRAME, ft, 2},
                                      {ATOME_INPUT_RAW, v.data(), v.size()},
                                      {ATOME_INPUT_RAW, sc.data(), sc.size()}};
    atome_runner_output oa, ob;
    ASSERT_EQ(atome_runner_step_inputs(a.get(), in, &oa), ATOME_APPS_OK);
    ASSERT_EQ(atome_runner_step(b.get(), frames, counts, &ob), ATOME_APPS_OK);
    EXPECT_EQ(vctx.n_clipped, nc) << p;
    expect_same_output(oa, ob, 3, p);
    for (uint32_t i = 1; i < 3; ++i)
      if (oa.heads[i].action == ATOME_HEAD_RAN) classes.push_back(oa.heads[i].class_id);
    ran += uint32_t(__builtin_popcount(oa.ran_mask & 6u));
    reused += uint32_t(__builtin_popcount(oa.reused_mask & 6u));
  }
  // The comparison covers runs and gate hits of both audio heads, clipping, and more than one
  // decision.
  EXPECT_GE(ran, 10u);
  EXPECT_GE(reused, 4u);
  EXPECT_GT(clipped, 0u);
  std::sort(classes.begin(), classes.end());
  EXPECT_GT(std::unique(classes.begin(), classes.end()) - classes.begin(), 1);
}

// A test front end: writes value v to every feature, or returns status.
struct FakeFront {
  atome_apps_status status = ATOME_APPS_OK;
  int32_t value = 0;
  uint32_t calls = 0;
  const void* raw = nullptr;
  size_t raw_len = 0;
  uint32_t n_values = 0;
};

atome_apps_status fake_front(void* ctx, const atome_tokenizer* tok, const void* raw, size_t raw_len,
                             int32_t* frame, uint32_t n_values) {
  FakeFront& f = *static_cast<FakeFront*>(ctx);
  ++f.calls;
  f.raw = raw;
  f.raw_len = raw_len;
  f.n_values = n_values;
  if (tok == nullptr || frame == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (f.status != ATOME_APPS_OK) return f.status;
  for (uint32_t i = 0; i < n_values; ++i) frame[i] = f.value + int32_t(i << 12);
  return ATOME_APPS_OK;
}

// A front end's error is its head's input status (a bad input: skipped, or for a check head its
// heads flagged); the other heads run as without it. An OK front end's frame is tokenised as the
// same frame given directly.
TEST(AppsRunner, FrontEndErrorIsTheHeadsInputStatus) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 41);
  Head chk(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 42);
  Head a(spec_of(2, 3, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 43);
  Head b(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 44);
  FakeFront fa, fc;
  atome_runner_config rc{};
  rc.n_heads = 4;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = chk.config(ATOME_ROLE_CHECK);
  rc.heads[1].checks_mask = 2;  // checks head b
  rc.heads[1].front = fake_front;
  rc.heads[1].front_ctx = &fc;
  rc.heads[2] = a.config(ATOME_ROLE_SCHEDULED);
  rc.heads[2].front = fake_front;
  rc.heads[2].front_ctx = &fa;
  rc.heads[2].gate_mode = ATOME_GATE_OFF;
  rc.heads[3] = b.config(ATOME_ROLE_SCHEDULED);
  rc.heads[3].gate_mode = ATOME_GATE_OFF;
  rc.policy = two_head_policy();
  auto r = std::make_unique<atome_runner>();
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  const int32_t ft[2] = {1 << 16, 0}, fb[2] = {1 << 15, -(1 << 15)};
  const int32_t fa_frame[3] = {-(1 << 16), -(1 << 16) + (1 << 12), -(1 << 16) + (2 << 12)};
  const int16_t raw[5] = {1, 2, 3, 4, 5};
  // Period 0: every input usable, the check head's verdict taken as ok.
  fc.value = 1 << 14;
  fa.value = -(1 << 16);
  atome_runner_input in[4] = {{ATOME_INPUT_FRAME, ft, 2},
                              {ATOME_INPUT_RAW, raw, 5},
                              {ATOME_INPUT_RAW, raw, 3},
                              {ATOME_INPUT_FRAME, fb, 2}};
  atome_runner_output out;
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(fa.calls, 1u);
  EXPECT_EQ(fa.raw, raw);
  EXPECT_EQ(fa.raw_len, 3u);
  EXPECT_EQ(fa.n_values, 3u);  // the head's n_features
  EXPECT_EQ(fc.n_values, 2u);
  rc.heads[1].ok_class = out.heads[1].class_id;
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.bad_input_mask, 0u);
  EXPECT_EQ(out.heads[2].action, ATOME_HEAD_RAN);
  EXPECT_EQ(out.heads[3].action, ATOME_HEAD_RAN);
  const atome_head_result good_b = out.heads[3];
  // The front end's frame decides as the same frame given directly.
  in[2] = {ATOME_INPUT_FRAME, fa_frame, 3};
  atome_runner_output direct;
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &direct), ATOME_APPS_OK);
  EXPECT_EQ(direct.heads[2].class_id, out.heads[2].class_id);
  EXPECT_EQ(std::memcmp(direct.heads[2].logits_q16, out.heads[2].logits_q16,
                        sizeof direct.heads[2].logits_q16),
            0);
  in[2] = {ATOME_INPUT_RAW, raw, 3};
  // The scheduled head's front end fails: its input status, skipped as bad input; b still runs.
  fa.status = ATOME_APPS_ERR_RANGE;
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[2].input_status, ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(out.heads[2].action, ATOME_HEAD_SKIPPED);
  EXPECT_EQ(out.heads[2].reason, ATOME_SKIP_BAD_INPUT);
  EXPECT_EQ(out.bad_input_mask, 1u);
  EXPECT_EQ(out.heads[3].action, ATOME_HEAD_RAN);
  EXPECT_EQ(out.heads[3].class_id, good_b.class_id);
  EXPECT_EQ(out.heads[0].action, ATOME_HEAD_REUSED);  // the same telemetry frame: its gate hits
  // The check head's front end fails: a bad frame for it, so its head b is flagged; a runs.
  fa.status = ATOME_APPS_OK;
  fc.status = ATOME_APPS_ERR_BAD_LENGTH;
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[1].input_status, ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(out.heads[1].action, ATOME_HEAD_BAD_FRAME);
  EXPECT_EQ(out.bad_input_mask, 2u);
  EXPECT_EQ(out.heads[2].action, ATOME_HEAD_RAN);
  EXPECT_EQ(out.heads[3].reason, ATOME_SKIP_BAD_INPUT);
  // The audio adapter on a clip of the wrong length: ATOME_APPS_ERR_BAD_LENGTH for the head.
  Head voice(audio_spec(5, 4, 8, -3.0, 3.0), 45);
  atome_mfcc_work work;
  atome_audio_front_ctx vctx{
      {ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN, 16000, 8, 4, 4, nullptr, 0}, &work, 0};
  rc.heads[2] = voice.config(ATOME_ROLE_SCHEDULED);
  rc.heads[2].front = atome_audio_front_run;
  rc.heads[2].front_ctx = &vctx;
  fc.status = ATOME_APPS_OK;
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  const std::vector<int16_t> clip = voiced_clip(16000, 3, 150.0, 4000);
  in[2] = {ATOME_INPUT_RAW, clip.data(), 15999};
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[2].input_status, ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(out.heads[2].reason, ATOME_SKIP_BAD_INPUT);
  EXPECT_EQ(out.heads[3].action, ATOME_HEAD_RAN);
  in[2].len = 16000;
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[2].input_status, ATOME_APPS_OK);
  EXPECT_EQ(out.heads[2].action, ATOME_HEAD_RAN);
}

// Wrong use of the inputs: defined statuses, never a crash.
TEST(AppsRunner, StepInputsRefusesWrongUse) {
  Head tel(spec_of(3, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 51);
  Head a(spec_of(2, 2, ATOME_ABSTAIN_NONE, 0.0f, 1.0f), 52);
  atome_runner_config rc{};
  rc.n_heads = 2;
  rc.heads[0] = tel.config(ATOME_ROLE_TELEMETRY);
  rc.heads[1] = a.config(ATOME_ROLE_SCHEDULED);
  rc.heads[1].gate_mode = ATOME_GATE_OFF;
  rc.policy = one_head_policy(3, 0);
  auto r = std::make_unique<atome_runner>();
  std::memset(r.get(), 0xA5, sizeof *r);
  const int32_t f[2] = {1 << 16, 0};
  const int16_t raw[4] = {0, 1, 2, 3};
  atome_runner_input in[2] = {{ATOME_INPUT_FRAME, f, 2}, {ATOME_INPUT_FRAME, f, 2}};
  atome_runner_output out;
  // Not initialised, NULL arguments (*out says SAFE, nothing ran).
  EXPECT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_ERR_NOT_INITIALISED);
  const int32_t* frames[2] = {f, f};
  const uint32_t counts[2] = {2, 2};
  EXPECT_EQ(atome_runner_step(r.get(), frames, counts, &out), ATOME_APPS_ERR_NOT_INITIALISED);
  // A front_ctx without a front is a config error.
  FakeFront ff;
  rc.heads[1].front_ctx = &ff;
  EXPECT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_ERR_BAD_CONFIG);
  rc.heads[1].front_ctx = nullptr;
  ASSERT_EQ(atome_runner_init(r.get(), &rc), ATOME_APPS_OK);
  EXPECT_EQ(atome_runner_step_inputs(nullptr, in, &out), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_runner_step_inputs(r.get(), nullptr, &out), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(out.dispatch.state, ATOME_DSTATE_SAFE);
  EXPECT_EQ(out.ran_mask, 0u);
  EXPECT_EQ(atome_runner_step_inputs(r.get(), in, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_runner_step(r.get(), nullptr, counts, &out), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_runner_step(r.get(), frames, nullptr, &out), ATOME_APPS_ERR_NULL_ARGUMENT);
  // Per head: the status, a bad input for the dispatcher, and the telemetry head still runs.
  struct Case {
    atome_runner_input input;
    uint32_t status, reason;
  };
  const Case cases[] = {
      {{ATOME_INPUT_RAW, raw, 4}, ATOME_APPS_ERR_NO_FRONT_END, ATOME_SKIP_BAD_INPUT},
      {{7, f, 2}, ATOME_APPS_ERR_BAD_INPUT_KIND, ATOME_SKIP_BAD_INPUT},
      {{ATOME_INPUT_NONE, f, 2}, ATOME_APPS_ERR_NULL_ARGUMENT, ATOME_SKIP_NO_FRAME},
      {{ATOME_INPUT_FRAME, nullptr, 2}, ATOME_APPS_ERR_NULL_ARGUMENT, ATOME_SKIP_NO_FRAME},
      {{ATOME_INPUT_RAW, nullptr, 4}, ATOME_APPS_ERR_NULL_ARGUMENT, ATOME_SKIP_NO_FRAME},
      {{ATOME_INPUT_FRAME, f, 1}, ATOME_APPS_ERR_BAD_LENGTH, ATOME_SKIP_BAD_INPUT},
      {{ATOME_INPUT_FRAME, f, 3}, ATOME_APPS_ERR_BAD_LENGTH, ATOME_SKIP_BAD_INPUT},
      {{ATOME_INPUT_FRAME, f, (size_t(1) << 32 | 2) * (sizeof(size_t) > 4)},
       ATOME_APPS_ERR_BAD_LENGTH,
       ATOME_SKIP_BAD_INPUT},
  };
  for (const Case& c : cases) {
    in[1] = c.input;
    ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
    EXPECT_EQ(out.heads[1].input_status, c.status) << c.input.kind << " " << c.input.len;
    EXPECT_EQ(out.heads[1].action, ATOME_HEAD_SKIPPED) << c.input.kind;
    EXPECT_EQ(out.heads[1].reason, c.reason) << c.input.kind << " " << c.input.len;
    EXPECT_EQ(out.bad_input_mask, 1u);
    EXPECT_EQ(out.ran_mask | out.reused_mask, 1u);  // the telemetry head decided (its gate hits)
    EXPECT_NE(out.dispatch.reading, ATOME_READING_MISSING);
  }
  // The telemetry head's raw window without a front end: no reading.
  in[0] = {ATOME_INPUT_RAW, raw, 4};
  in[1] = {ATOME_INPUT_FRAME, f, 2};
  ASSERT_EQ(atome_runner_step_inputs(r.get(), in, &out), ATOME_APPS_OK);
  EXPECT_EQ(out.heads[0].action, ATOME_HEAD_BAD_FRAME);
  EXPECT_EQ(out.heads[0].input_status, ATOME_APPS_ERR_NO_FRONT_END);
  EXPECT_EQ(out.dispatch.reading, ATOME_READING_MISSING);
  // The audio adapter's own refusals.
  atome_tokenizer tok = r->heads[1].tok;
  int32_t frame[2];
  atome_mfcc_work work;
  atome_audio_front_ctx ctx{{ATOME_AUDIO_FRONT_MFCC_SCENE, 8000, 4, 0, 0, nullptr, 0}, nullptr, 0};
  EXPECT_EQ(atome_audio_front_run(nullptr, &tok, raw, 4, frame, 2), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_audio_front_run(&ctx, &tok, raw, 4, frame, 2), ATOME_APPS_ERR_NULL_ARGUMENT);
  ctx.work = &work;
  EXPECT_EQ(atome_audio_front_run(&ctx, nullptr, raw, 4, frame, 2), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_audio_front_run(&ctx, &tok, raw, 4, frame, 3), ATOME_APPS_ERR_BAD_LENGTH);
  // A scene front end paired with a 2 x 1 head: no clip fixes it.
  EXPECT_EQ(atome_audio_front_run(&ctx, &tok, raw, 4, frame, 2), ATOME_APPS_ERR_BAD_CONFIG);
  for (atome_apps_status s : {ATOME_APPS_ERR_NO_FRONT_END, ATOME_APPS_ERR_BAD_INPUT_KIND})
    EXPECT_STRNE(atome_apps_status_str(s), "unknown status");
  EXPECT_EQ(atome_apps_c_use_inputs(), 0);  // the same API from C99
}

}  // namespace
}  // namespace atome::test
