// Text commands (docs/APPS.md §12): a typed request -> intent_bucket -> (control) command_intent
// -> one action for the application, from a fixed table. Freestanding and integer only, like the
// rest of apps/: the heads run on the engine's q15 path and are calibrated by calibrate.cpp, so
// a firmware app decides exactly what the host does.
//
// Fail-safe throughout: a head that abstains, a request that is smalltalk or "unknown", and a
// command that would actuate in an abnormal state all give no action. What the heads cannot
// foresee is the abstention threshold's job; this table never acts on an uncertain answer.
#include "apps/head_result.h"
#include "atome/apps.h"
#include "atome/atome.h"

namespace atome::apps {
namespace {

constexpr uint32_t kTextMagic = 0x54455854u;  // "TEXT"

const char* const kBucketNames[ATOME_BUCKET_N] = {"control", "query", "config", "alert",
                                                  "smalltalk"};
const char* const kIntentNames[ATOME_INTENT_N] = {"turn_on", "turn_off", "set_value",
                                                  "status",  "stop_all", "unknown"};

bool same_name(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

size_t align_up(size_t n) {
  return (n + ATOME_STATE_ALIGN - 1) / ATOME_STATE_ALIGN * ATOME_STATE_ALIGN;
}

bool is_classifier(const atome_model* m) {
  return m != nullptr && m->config.arch == ATOME_ARCH_CLASSIFIER;
}

// A text head: a q15 classifier with the task's class names in order, one channel, a window of
// exactly 32 bytes (docs/DATA.md's layout; the request ends at the last token), and a tokeniser
// (the model's own ranges) that maps every byte to itself — checked on all 256 values rather than
// assumed from the pipeline's name.
atome_apps_status check_head(const atome_model* m, const char* const* names, uint32_t n_names) {
  if (m->config.arch != ATOME_ARCH_CLASSIFIER || m->config.numerics != ATOME_NUMERICS_Q15)
    return ATOME_APPS_ERR_ENGINE;
  if (m->config.n_classes != n_names) return ATOME_APPS_ERR_NOT_TEXT_HEAD;
  for (uint32_t c = 0; c < n_names; ++c) {
    const char* name = nullptr;
    if (atome_model_class_name(m, c, &name) != ATOME_OK || !same_name(name, names[c]))
      return ATOME_APPS_ERR_NOT_TEXT_HEAD;
  }
  atome_tokenizer tok;
  const atome_apps_status s = atome_tok_prepare(&tok, m);
  if (s != ATOME_APPS_OK) return s;
  if (tok.n_channels != 1 || tok.n_features != ATOME_TEXT_MAX_BYTES ||
      tok.quant_mode != ATOME_QUANT_GLOBAL)
    return ATOME_APPS_ERR_NOT_TEXT_HEAD;
  int32_t x[ATOME_TEXT_MAX_BYTES];
  uint8_t t[ATOME_TEXT_MAX_BYTES];
  for (uint32_t b = 0; b < 256; b += tok.n_features) {
    for (uint32_t i = 0; i < tok.n_features; ++i)
      x[i] = int32_t(((b + i) & 0xFFu) << tok.frac[0]);  // byte value in the input format
    if (atome_tok_run(&tok, x, tok.n_features, t, nullptr) != ATOME_APPS_OK)
      return ATOME_APPS_ERR_NOT_TEXT_HEAD;
    for (uint32_t i = 0; i < tok.n_features; ++i)
      if (t[i] != ((b + i) & 0xFFu)) return ATOME_APPS_ERR_NOT_TEXT_HEAD;
  }
  return ATOME_APPS_OK;
}

void set(atome_text_decision& out, uint32_t action, uint32_t why) {
  out.action = action;
  out.why = why;
}

// One head on the padded request: reset, feed every token, read the Q16 logits, calibrate.
atome_apps_status run_head(atome_session* s, const atome_calibration& cal, const uint8_t* tokens,
                           uint32_t n, uint32_t n_classes, atome_head_result& res) {
  atome_session_reset(s);
  for (uint32_t i = 0; i < n; ++i)
    if (atome_step_no_logits(s, tokens[i]) != ATOME_OK) return ATOME_APPS_ERR_ENGINE;
  if (atome_session_class_logits_q16(s, res.logits_q16, n_classes) != ATOME_OK)
    return ATOME_APPS_ERR_ENGINE;
  atome_calibrate_q16(&cal, res.logits_q16, n_classes, &res);
  res.action = ATOME_HEAD_RAN;
  res.has_result = 1;
  return ATOME_APPS_OK;
}

}  // namespace
}  // namespace atome::apps

extern "C" {

size_t atome_text_arena_bytes(const atome_model* bucket, const atome_model* command) {
  using namespace atome::apps;
  if (!is_classifier(bucket) || !is_classifier(command)) return 0;
  const size_t a = atome_state_bytes(bucket, ATOME_TEXT_MAX_BYTES);
  const size_t b = atome_state_bytes(command, ATOME_TEXT_MAX_BYTES);
  if (a == 0 || b == 0) return 0;
  return align_up(a) + b;
}

size_t atome_text_shared_arena_bytes(const atome_model* bucket, const atome_model* command) {
  using namespace atome::apps;
  if (!is_classifier(bucket) || !is_classifier(command)) return 0;
  const size_t a = atome_state_bytes(bucket, ATOME_TEXT_MAX_BYTES);
  const size_t b = atome_state_bytes(command, ATOME_TEXT_MAX_BYTES);
  if (a == 0 || b == 0) return 0;
  return a > b ? a : b;
}

atome_apps_status atome_text_init(atome_text_interpreter* ti, const atome_model* bucket,
                                  const atome_model* command, void* arena, size_t arena_bytes) {
  using namespace atome::apps;
  if (ti == nullptr || bucket == nullptr || command == nullptr || arena == nullptr)
    return ATOME_APPS_ERR_NULL_ARGUMENT;
  ti->magic = 0;
  atome_apps_status s = check_head(bucket, kBucketNames, ATOME_BUCKET_N);
  if (s != ATOME_APPS_OK) return s;
  s = check_head(command, kIntentNames, ATOME_INTENT_N);
  if (s != ATOME_APPS_OK) return s;
  const uint32_t window = ATOME_TEXT_MAX_BYTES;  // both checked above
  s = atome_calibration_prepare(&ti->bucket_cal, bucket);
  if (s != ATOME_APPS_OK) return s;
  s = atome_calibration_prepare(&ti->command_cal, command);
  if (s != ATOME_APPS_OK) return s;
  ti->bucket_model = bucket;
  ti->command_model = command;
  ti->arena = arena;
  ti->arena_bytes = arena_bytes;
  ti->command_session = nullptr;
  ti->shared = arena_bytes < atome_text_arena_bytes(bucket, command) ? 1u : 0u;
  if (ti->shared != 0) {
    // One session: both heads must fit it; it is laid out for the head about to run.
    if (arena_bytes < atome_text_shared_arena_bytes(bucket, command) ||
        atome_session_init(&ti->bucket_session, bucket, window, arena, arena_bytes) != ATOME_OK)
      return ATOME_APPS_ERR_ENGINE;
  } else {
    // The arena holds both sessions, the second at an aligned offset.
    const size_t first = align_up(atome_state_bytes(bucket, window));
    if (atome_session_init(&ti->bucket_session, bucket, window, arena, first) != ATOME_OK ||
        atome_session_init(&ti->command_session, command, window,
                           static_cast<uint8_t*>(arena) + first, arena_bytes - first) != ATOME_OK)
      return ATOME_APPS_ERR_ENGINE;
  }
  ti->window = window;
  ti->magic = kTextMagic;
  return ATOME_APPS_OK;
}

int atome_text_routes_to_command(const atome_head_result* bucket) {
  return bucket != nullptr && bucket->has_result != 0 && bucket->abstain == 0 &&
         bucket->class_id == ATOME_BUCKET_CONTROL;
}

void atome_text_decide(uint32_t state, const atome_head_result* bucket,
                       const atome_head_result* command, atome_text_decision* out) {
  using namespace atome::apps;
  if (out == nullptr) return;
  out->intent = ATOME_TEXT_NO_INTENT;
  out->state = state;
  if (bucket == nullptr || bucket->has_result == 0)
    return set(*out, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_BAD_TEXT);
  // An out-of-range class is no decision: the same as an abstention (fail-safe).
  if (bucket->abstain != 0 || bucket->class_id >= ATOME_BUCKET_N)
    return set(*out, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_BUCKET_ABSTAINED);
  switch (bucket->class_id) {
    case ATOME_BUCKET_QUERY:
      return set(*out, ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK);
    case ATOME_BUCKET_CONFIG:
      return set(*out, ATOME_TEXT_CONFIG, ATOME_TEXT_WHY_OK);
    case ATOME_BUCKET_ALERT:
      return set(*out, ATOME_TEXT_OPERATOR_ALERT, ATOME_TEXT_WHY_OK);
    case ATOME_BUCKET_SMALLTALK:
      return set(*out, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_SMALLTALK);
    default:
      break;  // control: the command head decides
  }
  if (command == nullptr || command->has_result == 0 || command->abstain != 0 ||
      command->class_id >= ATOME_INTENT_N)
    return set(*out, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_COMMAND_ABSTAINED);
  out->intent = command->class_id;
  switch (command->class_id) {
    case ATOME_INTENT_STOP_ALL:  // stopping is the safe direction: honoured in every state
      return set(*out, ATOME_TEXT_STOP_ALL, ATOME_TEXT_WHY_OK);
    case ATOME_INTENT_STATUS:
      return set(*out, ATOME_TEXT_STATUS_REPORT, ATOME_TEXT_WHY_OK);
    case ATOME_INTENT_UNKNOWN:
      return set(*out, ATOME_TEXT_NOT_UNDERSTOOD, ATOME_TEXT_WHY_UNKNOWN_COMMAND);
    case ATOME_INTENT_TURN_OFF:  // switching one device off also moves towards safe: any state
      return set(*out, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK);
    default:
      break;  // turn_on, set_value: add energy (or may): only with telemetry saying normal
  }
  if (state == ATOME_DSTATE_NORMAL) return set(*out, ATOME_TEXT_ACTUATE, ATOME_TEXT_WHY_OK);
  set(*out, ATOME_TEXT_REFUSED,
      state == ATOME_DSTATE_ALERT ? ATOME_TEXT_WHY_REFUSED_IN_ALERT
                                  : ATOME_TEXT_WHY_REFUSED_IN_SAFE);
}

atome_apps_status atome_text_interpret(atome_text_interpreter* ti, const uint8_t* text, size_t n,
                                       uint32_t state, atome_text_decision* out) {
  using namespace atome::apps;
  if (out == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  out->action = ATOME_TEXT_NOT_UNDERSTOOD;
  out->why = ATOME_TEXT_WHY_BAD_TEXT;
  out->intent = ATOME_TEXT_NO_INTENT;
  out->state = state;
  clear_head_result(out->bucket);
  clear_head_result(out->command);
  // (NULL, 0) is an empty request, refused below as a bad length like any other empty text.
  if (ti == nullptr || (text == nullptr && n != 0)) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (ti->magic != kTextMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  if (state > ATOME_DSTATE_SAFE) return ATOME_APPS_ERR_BAD_CONFIG;
  if (n == 0 || n > ti->window) return ATOME_APPS_ERR_BAD_LENGTH;
  // Left-padded with 0 so the request ends at the last token, as the heads were trained.
  uint8_t tokens[ATOME_TEXT_MAX_BYTES];
  const uint32_t pad = ti->window - uint32_t(n);
  for (uint32_t i = 0; i < pad; ++i) tokens[i] = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (text[i] == 0) return ATOME_APPS_ERR_BAD_TEXT;
    tokens[pad + i] = text[i];
  }
  atome_apps_status s = ATOME_APPS_OK;
  // Shared: lay the one session out for the bucket head (the command head may have had it).
  if (ti->shared != 0 && atome_session_init(&ti->bucket_session, ti->bucket_model, ti->window,
                                            ti->arena, ti->arena_bytes) != ATOME_OK)
    s = ATOME_APPS_ERR_ENGINE;
  if (s == ATOME_APPS_OK)
    s = run_head(ti->bucket_session, ti->bucket_cal, tokens, ti->window, ATOME_BUCKET_N,
                 out->bucket);
  atome_session* command_session = ti->command_session;
  if (s == ATOME_APPS_OK && atome_text_routes_to_command(&out->bucket) && ti->shared != 0 &&
      atome_session_init(&command_session, ti->command_model, ti->window, ti->arena,
                         ti->arena_bytes) != ATOME_OK)
    s = ATOME_APPS_ERR_ENGINE;
  if (s == ATOME_APPS_OK && atome_text_routes_to_command(&out->bucket))
    s = run_head(command_session, ti->command_cal, tokens, ti->window, ATOME_INTENT_N,
                 out->command);
  if (s != ATOME_APPS_OK) {
    clear_head_result(out->bucket);
    clear_head_result(out->command);
    return s;
  }
  atome_text_decide(state, &out->bucket, &out->command, out);
  return ATOME_APPS_OK;
}

}  // extern "C"
