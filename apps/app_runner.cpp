// The app runner (docs/APPS.md §10): one period = tokenise every head's frame, run the telemetry
// and check heads, step the dispatcher, run the scheduled heads it picks (through their stream
// gates). Freestanding and integer only, like the rest of apps/.
//
// Order within a period, and why:
//   1. every frame is tokenised first (a raw window through the head's front end first): a head
//      whose own input is bad (saturated, frozen, wrong length, missing, a front end's error)
//      must be in bad_input_mask before the dispatcher decides;
//   2. the telemetry and check heads run before the dispatcher, outside its budget: the state and
//      the bad-input mask this period's schedule depends on come from them;
//   3. the dispatcher step;
//   4. the heads in run_mask, each through its gate (a gate hit repeats the last run's result,
//      which is what running would give in exact mode).
#include "apps/head_result.h"
#include "atome/apps.h"
#include "atome/atome.h"

namespace atome::apps {
namespace {

constexpr uint32_t kRunnerMagic = 0x52554E52u;  // "RUNR"
constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

void clear_output(atome_runner_output& out) {
  out.dispatch.state = ATOME_DSTATE_SAFE;
  out.dispatch.state_class = ATOME_DISPATCH_NO_CLASS;
  out.dispatch.rule = 0;
  out.dispatch.reading = ATOME_READING_MISSING;
  out.dispatch.run_mask = 0;
  out.dispatch.skip_mask = 0;
  for (uint32_t h = 0; h < ATOME_DISPATCH_MAX_HEADS; ++h) out.dispatch.reason[h] = 0;
  out.dispatch.budget_used = 0;
  out.bad_input_mask = 0;
  out.ran_mask = 0;
  out.reused_mask = 0;
  for (uint32_t h = 0; h < ATOME_RUNNER_MAX_HEADS; ++h) clear_head_result(out.heads[h]);
}

atome_apps_status init_head(atome_runner_head& h, const atome_runner_head_config& c,
                            const atome_runner_config& rc) {
  h.shared = c.arena == nullptr ? 1u : 0u;
  h.arena = h.shared != 0 ? rc.shared_arena : c.arena;
  h.arena_bytes = h.shared != 0 ? rc.shared_arena_bytes : c.arena_bytes;
  if (c.model == nullptr || h.arena == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (c.front == nullptr && c.front_ctx != nullptr) return ATOME_APPS_ERR_BAD_CONFIG;
  const atome_model& m = *c.model;
  if (m.config.arch != ATOME_ARCH_CLASSIFIER || m.config.numerics != ATOME_NUMERICS_Q15 ||
      m.config.n_classes < 2 || m.config.n_classes > ATOME_RUNNER_MAX_CLASSES)
    return ATOME_APPS_ERR_ENGINE;
  atome_apps_status s = atome_tok_prepare(&h.tok, c.model);
  if (s != ATOME_APPS_OK) return s;
  s = atome_calibration_prepare(&h.cal, c.model);
  if (s != ATOME_APPS_OK) return s;
  h.gate_off = c.gate_mode == ATOME_GATE_OFF;
  const atome_gate_config g = {h.gate_off ? uint32_t(ATOME_GATE_EXACT) : c.gate_mode,
                               h.tok.n_features, h.gate_off ? 0 : c.gate_tol,
                               h.gate_off ? 0 : c.gate_max_skips};
  s = atome_gate_init(&h.gate, &g);
  if (s != ATOME_APPS_OK) return s;
  // One classification feeds n_features tokens from a reset session: that is its window. A shared
  // arena is checked here for every head (each lays it out again before it runs).
  if (atome_session_init(&h.session, c.model, h.tok.n_features, h.arena, h.arena_bytes) != ATOME_OK)
    return ATOME_APPS_ERR_ENGINE;
  h.model = c.model;
  h.role = c.role;
  h.checks_mask = c.checks_mask;
  h.ok_class = c.ok_class;
  h.on_abstain = c.on_abstain;
  h.front = c.front;
  h.front_ctx = c.front_ctx;
  h.n_classes = m.config.n_classes;
  h.dispatch_index = kNoIndex;
  clear_head_result(h.last);
  return ATOME_APPS_OK;
}

// Roles: exactly one telemetry head whose class count is the policy's; check heads name only
// scheduled heads and a class they have; the policy schedules exactly the SCHEDULED heads.
atome_apps_status check_roles(atome_runner& r, const atome_runner_config& c) {
  uint32_t n_telemetry = 0, n_scheduled = 0;
  for (uint32_t i = 0; i < c.n_heads; ++i) {
    atome_runner_head& h = r.heads[i];
    if (h.role == ATOME_ROLE_TELEMETRY) {
      ++n_telemetry;
      r.telemetry = i;
    } else if (h.role == ATOME_ROLE_SCHEDULED) {
      h.dispatch_index = n_scheduled++;
    } else if (h.role != ATOME_ROLE_CHECK) {
      return ATOME_APPS_ERR_BAD_ROLE;
    }
  }
  if (n_telemetry != 1 || n_scheduled != c.policy.n_heads ||
      c.policy.n_classes != r.heads[r.telemetry].n_classes)
    return ATOME_APPS_ERR_BAD_ROLE;
  for (uint32_t i = 0; i < c.n_heads; ++i) {
    const atome_runner_head& h = r.heads[i];
    if (h.role != ATOME_ROLE_CHECK) continue;
    if (h.checks_mask == 0 || (n_scheduled < 32 && (h.checks_mask >> n_scheduled) != 0) ||
        h.ok_class >= h.n_classes || h.on_abstain > ATOME_CHECK_ABSTAIN_PASS)
      return ATOME_APPS_ERR_BAD_ROLE;
  }
  return ATOME_APPS_OK;
}

// Runs head h on tokens (or repeats its last result when its gate hits) into res.
atome_apps_status run_head(atome_runner_head& h, const uint8_t* tokens, atome_head_result& res,
                           bool& ran) {
  int run = 1;
  if (!h.gate_off) {
    const atome_apps_status gs = atome_gate_decide(&h.gate, tokens, h.tok.n_features, &run);
    if (gs != ATOME_APPS_OK) return gs;
  }
  ran = run != 0 || h.last.has_result == 0;
  if (!ran) {
    const uint32_t input_status = res.input_status;
    res = h.last;
    res.input_status = input_status;
    res.action = ATOME_HEAD_REUSED;
    return ATOME_APPS_OK;
  }
  // A shared session holds the last head's layout: lay it out for this one (which also resets
  // it); an own session only needs the reset.
  if (h.shared != 0) {
    if (atome_session_init(&h.session, h.model, h.tok.n_features, h.arena, h.arena_bytes) !=
        ATOME_OK)
      return ATOME_APPS_ERR_ENGINE;
  } else {
    atome_session_reset(h.session);
  }
  for (uint32_t i = 0; i < h.tok.n_features; ++i)
    if (atome_step_no_logits(h.session, tokens[i]) != ATOME_OK) return ATOME_APPS_ERR_ENGINE;
  if (atome_session_class_logits_q16(h.session, res.logits_q16, h.n_classes) != ATOME_OK)
    return ATOME_APPS_ERR_ENGINE;
  atome_calibrate_q16(&h.cal, res.logits_q16, h.n_classes, &res);
  res.action = ATOME_HEAD_RAN;
  res.reason = ATOME_SKIP_NONE;
  res.has_result = 1;
  h.last = res;
  return ATOME_APPS_OK;
}

// True when head h has no input this period (skip reason ATOME_SKIP_NO_FRAME).
bool missing(const atome_runner_input& in) {
  return in.kind == ATOME_INPUT_NONE || in.data == nullptr;
}

// Tokenises head h's input (a frame, or a raw window through its front end into frame_buf): its
// tokens and res.input_status. True when the input is usable.
bool tokenize_input(const atome_runner_head& h, const atome_runner_input& in, int32_t* frame_buf,
                    uint8_t* tokens, atome_head_result& res) {
  const int32_t* frame = nullptr;
  uint32_t n = 0;
  atome_apps_status s = ATOME_APPS_OK;
  if (in.kind != ATOME_INPUT_NONE && in.kind != ATOME_INPUT_FRAME && in.kind != ATOME_INPUT_RAW) {
    s = ATOME_APPS_ERR_BAD_INPUT_KIND;
  } else if (missing(in)) {
    s = ATOME_APPS_ERR_NULL_ARGUMENT;
  } else if (in.kind == ATOME_INPUT_FRAME) {
    frame = static_cast<const int32_t*>(in.data);
    n = uint32_t(in.len);
    if (size_t(n) != in.len) s = ATOME_APPS_ERR_BAD_LENGTH;  // cannot be the head's n_features
  } else if (h.front == nullptr) {
    s = ATOME_APPS_ERR_NO_FRONT_END;
  } else {
    s = h.front(h.front_ctx, &h.tok, in.data, in.len, frame_buf, h.tok.n_features);
    frame = frame_buf;
    n = h.tok.n_features;
  }
  if (s == ATOME_APPS_OK) s = atome_tok_run(&h.tok, frame, n, tokens, nullptr);
  res.input_status = s;
  return s == ATOME_APPS_OK;
}

atome_apps_status step(atome_runner& r, const atome_runner_input* inputs,
                       atome_runner_output& out) {
  uint8_t tokens[ATOME_RUNNER_MAX_HEADS][ATOME_TOK_MAX_FEATURES];
  bool usable[ATOME_RUNNER_MAX_HEADS];
  uint32_t bad = 0;  // dispatch indices
  for (uint32_t i = 0; i < r.n_heads; ++i) {
    atome_runner_head& h = r.heads[i];
    atome_head_result& res = out.heads[i];
    res = h.last;  // a head that does not run reports its last result, has_result says if any
    res.action = ATOME_HEAD_SKIPPED;
    res.reason = ATOME_SKIP_NONE;
    usable[i] = tokenize_input(h, inputs[i], r.front_frame, tokens[i], res);
    if (!usable[i] && h.role == ATOME_ROLE_SCHEDULED) bad |= uint32_t(1) << h.dispatch_index;
  }
  // Telemetry and check heads: every period, outside the budget.
  atome_telemetry_reading reading = {1, 0, 0, 0};
  for (uint32_t i = 0; i < r.n_heads; ++i) {
    atome_runner_head& h = r.heads[i];
    if (h.role == ATOME_ROLE_SCHEDULED) continue;
    atome_head_result& res = out.heads[i];
    bool ran = false;
    if (!usable[i]) {
      res.action = ATOME_HEAD_BAD_FRAME;
      if (h.role == ATOME_ROLE_CHECK) bad |= h.checks_mask;  // unchecked input is not trusted
      continue;
    }
    const atome_apps_status s = run_head(h, tokens[i], res, ran);
    if (s != ATOME_APPS_OK) return s;
    (ran ? out.ran_mask : out.reused_mask) |= uint32_t(1) << i;
    if (h.role == ATOME_ROLE_TELEMETRY)
      reading = {0, res.class_id, res.prob_q15, res.abstain};
    else if (res.abstain != 0 ? h.on_abstain == ATOME_CHECK_ABSTAIN_FLAG
                              : res.class_id != h.ok_class)
      bad |= h.checks_mask;  // an abstaining check flags (fail-safe) unless its config says pass
  }
  out.bad_input_mask = bad;
  const atome_apps_status ds = atome_dispatch_step(&r.dispatcher, &reading, bad, &out.dispatch);
  if (ds != ATOME_APPS_OK) return ds;
  // Scheduled heads: the dispatcher's choice, then the gate.
  for (uint32_t i = 0; i < r.n_heads; ++i) {
    atome_runner_head& h = r.heads[i];
    if (h.role != ATOME_ROLE_SCHEDULED) continue;
    atome_head_result& res = out.heads[i];
    const uint32_t d = h.dispatch_index;
    if (((out.dispatch.run_mask >> d) & 1u) == 0) {
      res.reason = out.dispatch.reason[d];
      // The dispatcher says BAD_INPUT for every flagged head; a missing frame says so itself.
      if (res.reason == ATOME_SKIP_BAD_INPUT && missing(inputs[i]))
        res.reason = ATOME_SKIP_NO_FRAME;
      continue;
    }
    bool ran = false;
    const atome_apps_status s = run_head(h, tokens[i], res, ran);
    if (s != ATOME_APPS_OK) return s;
    (ran ? out.ran_mask : out.reused_mask) |= uint32_t(1) << i;
  }
  return ATOME_APPS_OK;
}

}  // namespace
}  // namespace atome::apps

extern "C" {

size_t atome_runner_shared_arena_bytes(const atome_model* const* models, uint32_t n) {
  if (models == nullptr) return 0;
  size_t most = 0;
  for (uint32_t i = 0; i < n; ++i) {
    atome_class_info info;
    if (models[i] == nullptr || atome_model_class_info(models[i], &info) != ATOME_OK ||
        info.n_features == 0)
      return 0;
    const size_t bytes = atome_state_bytes(models[i], info.n_features);
    if (bytes == 0) return 0;
    if (bytes > most) most = bytes;
  }
  return most;
}

atome_apps_status atome_runner_init(atome_runner* r, const atome_runner_config* config) {
  using namespace atome::apps;
  if (r == nullptr || config == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  r->magic = 0;
  if (config->n_heads == 0) return ATOME_APPS_ERR_NO_HEADS;
  if (config->n_heads > ATOME_RUNNER_MAX_HEADS) return ATOME_APPS_ERR_TOO_MANY_HEADS;
  r->n_heads = config->n_heads;
  for (uint32_t i = 0; i < config->n_heads; ++i) {
    const atome_apps_status s = init_head(r->heads[i], config->heads[i], *config);
    if (s != ATOME_APPS_OK) return s;
  }
  atome_apps_status s = check_roles(*r, *config);
  if (s != ATOME_APPS_OK) return s;
  s = atome_dispatch_init(&r->dispatcher, &config->policy);
  if (s != ATOME_APPS_OK) return s;
  r->magic = kRunnerMagic;
  return ATOME_APPS_OK;
}

atome_apps_status atome_runner_step_inputs(atome_runner* r, const atome_runner_input* inputs,
                                           atome_runner_output* out) {
  using namespace atome::apps;
  if (out != nullptr) clear_output(*out);
  if (r == nullptr || inputs == nullptr || out == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (r->magic != kRunnerMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  const atome_apps_status s = step(*r, inputs, *out);
  if (s != ATOME_APPS_OK) clear_output(*out);
  return s;
}

// The frame-only step: every head's input a frame (NULL = none), over atome_runner_step_inputs.
atome_apps_status atome_runner_step(atome_runner* r, const int32_t* const* frames,
                                    const uint32_t* n_values, atome_runner_output* out) {
  if (frames == nullptr || n_values == nullptr) {
    if (out != nullptr) atome::apps::clear_output(*out);
    return ATOME_APPS_ERR_NULL_ARGUMENT;
  }
  // frames[] has a runner's n_heads entries: read none before the runner is known initialised.
  atome_runner_input inputs[ATOME_RUNNER_MAX_HEADS];
  const uint32_t n = r != nullptr && r->magic == atome::apps::kRunnerMagic ? r->n_heads : 0;
  for (uint32_t i = 0; i < n; ++i) inputs[i] = {ATOME_INPUT_FRAME, frames[i], n_values[i]};
  return atome_runner_step_inputs(r, inputs, out);
}

}  // extern "C"
