// The applied-layer app's loop (apps_run.h): load the heads, carve their session arenas out of
// one pool, init the runner, then one atome_runner_step and one line per period.
//
// A period's line, compared character by character between the firmware and its host twin:
//   period P state S class C rule R bad 0xMASK run 0xMASK skip 0xMASK budget B | h0 ... | h1 ...
// and per head (runner index) its action, the skip reason when skipped, the input status
// (atome_apps_status of its frame), and when it decided (ran or reused) class, prob_q15,
// margin_q15, abstain and every Q16 logit: the full decision, bit for bit.
#include "apps_run.h"

#include "line.h"

namespace {

// A period's line: every head of apps-all.json (13 heads of 3-6 classes) takes < 1,500
// characters; longer lines (16 heads of 16 classes: ~4,300) are cut at the end (TextLine never
// overruns), not overflowed. A part with little RAM builds it shorter (-DATOME_APPS_LINE_BYTES).
#ifndef ATOME_APPS_LINE_BYTES
#define ATOME_APPS_LINE_BYTES 2048
#endif
using LongLine = TextLine<ATOME_APPS_LINE_BYTES>;

LongLine g_line;  // static: the micro:bit's stack is small

void fail(void (*emit)(const char*), const char* what, const char* status) {
  g_line.used = 0;
  g_line.put("error: ");
  g_line.put(what);
  g_line.put(": ");
  g_line.put(status);
  emit(g_line.text);
}

void put_head(LongLine& line, const char* label, uint32_t h, const atome_head_result& r,
              uint32_t n_classes) {
  line.put(" | ");
  line.put(label);
  if (h != ATOME_APPS_NO_FRAME) line.put_u32(h);
  line.put(" ");
  line.put(atome_head_action_str(r.action));
  if (r.action == ATOME_HEAD_SKIPPED) {
    line.put(" ");
    line.put(atome_skip_reason_str(r.reason));
  }
  line.put(" in=");
  line.put_u32(r.input_status);
  if (r.action != ATOME_HEAD_RAN && r.action != ATOME_HEAD_REUSED) return;
  line.put(" c=");
  line.put_u32(r.class_id);
  line.put(" p=");
  line.put_u32(r.prob_q15);
  line.put(" m=");
  line.put_u32(r.margin_q15);
  line.put(" a=");
  line.put_u32(r.abstain);
  line.put(" L=");
  for (uint32_t c = 0; c < n_classes; ++c) {
    if (c) line.put(",");
    line.put_i32(r.logits_q16[c]);
  }
}

size_t aligned(size_t bytes) {
  return (bytes + ATOME_STATE_ALIGN - 1) & ~static_cast<size_t>(ATOME_STATE_ALIGN - 1);
}

// Loads the two text models once, before the sensor heads: the shared arena is sized from them
// and the text heads' init reads them.
int load_text_models(const AppsRunInput& in, void (*emit)(const char*)) {
  if (in.text_images[0] == nullptr) return 0;
  for (uint32_t t = 0; t < 2; ++t) {
    const atome_status st =
        atome_model_load(&in.text_models[t], in.text_images[t], in.text_image_bytes[t]);
    if (st != ATOME_OK) {
      fail(emit, "text model load", atome_status_str(st));
      return 1;
    }
  }
  return 0;
}

// The text heads' shared session bytes (0 without them); their models are loaded.
size_t text_session_bytes(const AppsRunInput& in) {
  if (in.text_images[0] == nullptr) return 0;
  return aligned(atome_text_shared_arena_bytes(&in.text_models[0], &in.text_models[1]));
}

// The text heads and their one shared session, carved from the pool after the sensor heads'.
int init_text(const AppsRunInput& in, size_t& used, void (*emit)(const char*)) {
  const size_t bytes = text_session_bytes(in);
  // Shared: the runner's one arena (at the pool's start), given exactly the text heads' shared
  // size so that they take their shared mode and lay it out again per request.
  const size_t at = in.shared_session != 0 ? 0 : used;
  if (bytes == 0 || at + bytes > in.pool_bytes) {
    fail(emit, "text session", "the pool is too small (ATOME_ARENA_BYTES)");
    return 1;
  }
  const atome_apps_status s =
      atome_text_init(in.text, &in.text_models[0], &in.text_models[1], in.pool + at, bytes);
  if (s != ATOME_APPS_OK) {
    fail(emit, "text init", atome_apps_status_str(s));
    return 1;
  }
  if (in.shared_session == 0) used += bytes;
  g_line.used = 0;  // "#": measurements of this engine build
  g_line.put("# text_session_bytes ");
  g_line.put_u32(static_cast<uint32_t>(bytes));
  g_line.put(" shared ");
  g_line.put_u32(in.text->shared);
  g_line.put(" two_sessions ");
  g_line.put_u32(
      static_cast<uint32_t>(atome_text_arena_bytes(&in.text_models[0], &in.text_models[1])));
  emit(g_line.text);
  return 0;
}

// One operator row, between periods: a typed request through the interpreter in the dispatcher's
// state (a stop-all latches SAFE at once), or the explicit resume; one line.
int apply_op(const AppsRunInput& in, uint32_t op, void (*emit)(const char*)) {
  atome_dispatcher* d = &in.runner->dispatcher;
  const uint32_t state = d->state;
  uint32_t rule = 0;
  LongLine& line = g_line;
  line.used = 0;
  line.put("period ");
  line.put_u32(in.op_period[op]);
  line.put(" op ");
  line.put_u32(op);
  if (in.op_kind[op] == ATOME_APPS_OP_RESUME) {
    if (atome_dispatch_operator(d, ATOME_OPERATOR_RESUME, &rule) != ATOME_APPS_OK) {
      fail(emit, "operator", "resume refused");
      return 1;
    }
    line.put(" resume state ");
    line.put(atome_dispatch_state_str(state));
    line.put(" rule ");
    line.put_u32(rule);
    emit(line.text);
    return 0;
  }
  if (in.text == nullptr || in.text_models == nullptr || in.text_images[0] == nullptr) {
    fail(emit, "operator", "a command row without text heads");
    return 1;
  }
  static atome_text_decision dec;  // static: 208 B off the micro:bit's small stack
  const atome_apps_status s = atome_text_interpret(in.text, in.op_text + in.op_text_offset[op],
                                                   in.op_text_len[op], state, &dec);
  if (dec.action == ATOME_TEXT_STOP_ALL &&
      atome_dispatch_operator(d, ATOME_OPERATOR_STOP, &rule) != ATOME_APPS_OK) {
    fail(emit, "operator", "stop refused");
    return 1;
  }
  line.put(" command state ");
  line.put(atome_dispatch_state_str(state));
  line.put(" action ");
  line.put(atome_text_action_str(dec.action));
  line.put(" why ");
  line.put(atome_text_why_str(dec.why));
  line.put(" intent ");
  line.put_i32(static_cast<int32_t>(dec.intent));
  line.put(" rule ");
  line.put_u32(rule);
  line.put(" status ");
  line.put(atome_apps_status_str(s));
  put_head(line, "bucket", ATOME_APPS_NO_FRAME, dec.bucket, ATOME_BUCKET_N);
  put_head(line, "command", ATOME_APPS_NO_FRAME, dec.command, ATOME_INTENT_N);
  emit(line.text);
  return 0;
}

// Loads the heads into config: one arena per head carved from the pool, or (shared_session) one
// arena for all of them, the largest session among the sensor and text heads.
int load_heads(const AppsRunInput& in, atome_runner_config& config, size_t& used,
               void (*emit)(const char*)) {
  config.n_heads = in.n_heads;
  config.policy = *in.policy;
  const atome_model* loaded[ATOME_RUNNER_MAX_HEADS];
  for (uint32_t h = 0; h < in.n_heads; ++h) {
    const AppsHeadSpec& s = in.heads[h];
    atome_model& m = in.models[h];
    const atome_status st = atome_model_load(&m, s.image, s.image_bytes);
    if (st != ATOME_OK) {
      fail(emit, "model load", atome_status_str(st));
      return 1;
    }
    loaded[h] = &m;
    atome_runner_head_config& c = config.heads[h];
    c.model = &m;
    c.role = s.role;
    c.gate_mode = s.gate_mode;
    c.gate_tol = s.gate_tol;
    c.gate_max_skips = s.gate_max_skips;
    c.checks_mask = s.checks_mask;
    c.ok_class = s.ok_class;
    c.on_abstain = s.on_abstain;
  }
  if (in.shared_session != 0) {
    const size_t text = text_session_bytes(in);
    size_t bytes = aligned(atome_runner_shared_arena_bytes(loaded, in.n_heads));
    if (text > bytes) bytes = text;
    if (bytes == 0 || bytes > in.pool_bytes) {
      fail(emit, "shared session", "the pool is too small (ATOME_ARENA_BYTES)");
      return 1;
    }
    config.shared_arena = in.pool;  // every head's arena stays NULL: the shared one
    config.shared_arena_bytes = bytes;
    used = bytes;
    for (uint32_t h = 0; h < in.n_heads; ++h) {  // what each head would take on its own
      g_line.used = 0;
      g_line.put("# session_bytes h");
      g_line.put_u32(h);
      g_line.put(" ");
      g_line.put_u32(
          static_cast<uint32_t>(aligned(atome_runner_shared_arena_bytes(&loaded[h], 1))));
      emit(g_line.text);
    }
    g_line.used = 0;  // "#": a measurement of this engine build, not compared with the twin
    g_line.put("# shared_session_bytes ");
    g_line.put_u32(static_cast<uint32_t>(bytes));
    g_line.put(" text ");
    g_line.put_u32(static_cast<uint32_t>(text));
    emit(g_line.text);
    return 0;
  }
  for (uint32_t h = 0; h < in.n_heads; ++h) {
    atome_model& m = in.models[h];
    // One classification feeds its n_features tokens: that is the session's window.
    atome_class_info info;
    const uint32_t window =
        atome_model_class_info(&m, &info) == ATOME_OK && info.n_features > 0 ? info.n_features : 1;
    const size_t bytes = aligned(atome_state_bytes(&m, window));
    if (bytes == 0 || used + bytes > in.pool_bytes) {
      fail(emit, "session arenas", "the pool is too small (ATOME_ARENA_BYTES)");
      return 1;
    }
    config.heads[h].arena = in.pool + used;
    config.heads[h].arena_bytes = bytes;
    used += bytes;
    g_line.used = 0;  // "#": a measurement of this engine build, not compared with the twin
    g_line.put("# session_bytes h");
    g_line.put_u32(h);
    g_line.put(" ");
    g_line.put_u32(static_cast<uint32_t>(bytes));
    emit(g_line.text);
  }
  return 0;
}

}  // namespace

int atome_apps_run(const AppsRunInput& in, void (*emit)(const char* line)) {
  if (in.n_heads == 0 || in.n_heads > ATOME_RUNNER_MAX_HEADS) {
    fail(emit, "heads", "more than ATOME_RUNNER_MAX_HEADS (or none)");
    return 1;
  }
  atome_runner_config config{};  // zero: no shared arena unless asked
  size_t used = 0;
  if (load_text_models(in, emit) != 0 || load_heads(in, config, used, emit) != 0) return 1;
  atome_apps_status as = atome_runner_init(in.runner, &config);
  if (as != ATOME_APPS_OK) {
    fail(emit, "runner init", atome_apps_status_str(as));
    return 1;
  }
  if (in.text_images[0] != nullptr && init_text(in, used, emit) != 0) return 1;
  uint32_t op = 0;
  const int32_t* frames[ATOME_RUNNER_MAX_HEADS];
  uint32_t counts[ATOME_RUNNER_MAX_HEADS];
  for (uint32_t p = 0; p < in.n_periods; ++p) {
    for (uint32_t h = 0; h < in.n_heads; ++h) {
      const uint32_t off = in.frame_offset[p * in.n_heads + h];
      frames[h] = off == ATOME_APPS_NO_FRAME ? nullptr : in.values + off;
      counts[h] = in.frame_count[p * in.n_heads + h];
    }
    for (; op < in.n_ops && in.op_period[op] == p; ++op)
      if (apply_op(in, op, emit) != 0) return 1;
    if (in.mark) in.mark();
    as = atome_runner_step(in.runner, frames, counts, in.out);
    if (in.mark) in.mark();
    if (as != ATOME_APPS_OK) {
      fail(emit, "runner step", atome_apps_status_str(as));
      return 1;
    }
    const atome_dispatch_output& d = in.out->dispatch;
    LongLine& line = g_line;
    line.used = 0;
    line.put("period ");
    line.put_u32(p);
    line.put(" state ");
    line.put(atome_dispatch_state_str(d.state));
    line.put(" class ");
    line.put_i32(static_cast<int32_t>(d.state_class));
    line.put(" rule ");
    line.put(atome_dispatch_rule_str(d.rule));
    line.put(" bad 0x");
    line.put_hex32(in.out->bad_input_mask);
    line.put(" run 0x");
    line.put_hex32(d.run_mask);
    line.put(" skip 0x");
    line.put_hex32(d.skip_mask);
    line.put(" budget ");
    line.put_u32(d.budget_used);
    for (uint32_t h = 0; h < in.n_heads; ++h)
      put_head(line, "h", h, in.out->heads[h], in.models[h].config.n_classes);
    emit(line.text);
  }
  g_line.used = 0;
  g_line.put("# pool_used_bytes ");
  g_line.put_u32(static_cast<uint32_t>(used));
  emit(g_line.text);
  return 0;
}
