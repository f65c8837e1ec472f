// Names of the applied layer's status codes, states, rules and skip reasons (for logs and the CLI).
#include "atome/apps.h"

extern "C" {

const char* atome_apps_status_str(atome_apps_status status) {
  switch (status) {
    case ATOME_APPS_OK:
      return "ok";
    case ATOME_APPS_ERR_NULL_ARGUMENT:
      return "a required pointer was NULL";
    case ATOME_APPS_ERR_NOT_INITIALISED:
      return "object not initialised";
    case ATOME_APPS_ERR_BAD_CONFIG:
      return "gate config out of range";
    case ATOME_APPS_ERR_BAD_LENGTH:
      return "length out of range (a gate's token vector, a frame, a text of 1..32 bytes)";
    case ATOME_APPS_ERR_NO_HEADS:
      return "dispatch policy has no heads";
    case ATOME_APPS_ERR_TOO_MANY_HEADS:
      return "dispatch policy has too many heads";
    case ATOME_APPS_ERR_BAD_DEBOUNCE:
      return "debounce counts must be >= 1 and k_return > k_enter";
    case ATOME_APPS_ERR_BAD_CLASSES:
      return "telemetry class count or normal class out of range";
    case ATOME_APPS_ERR_BAD_HEAD_POLICY:
      return "head policy invalid (every 0, offset >= every, unknown state, cost > budget)";
    case ATOME_APPS_ERR_BAD_BUDGET:
      return "budget must be > 0";
    case ATOME_APPS_ERR_BAD_PROBABILITY:
      return "probability above 32768 (Q15 1.0)";
    case ATOME_APPS_ERR_BAD_HEAD_ID:
      return "head id out of range";
    case ATOME_APPS_ERR_NO_METADATA:
      return "model has no classifier input spec";
    case ATOME_APPS_ERR_TOO_BIG:
      return "more features or channels than supported, or an unsupported transform size";
    case ATOME_APPS_ERR_RANGE:
      return "a range does not fit the fixed-point format";
    case ATOME_APPS_INPUT_FLAGGED:
      return "bad frame: a value saturated to its physical range, or the window is frozen";
    case ATOME_APPS_ERR_ENGINE:
      return "the engine refused a head (not a q15 classifier, arena too small, or a call failed)";
    case ATOME_APPS_ERR_BAD_ROLE:
      return "runner heads: need one telemetry head, valid check heads, a policy matching them";
    case ATOME_APPS_ERR_NO_FRONT_END:
      return "a raw window for a head without a front end";
    case ATOME_APPS_ERR_BAD_INPUT_KIND:
      return "runner input kind is not none, frame or raw";
    case ATOME_APPS_ERR_BAD_TEXT:
      return "text contains a 0 byte (the padding byte)";
    case ATOME_APPS_ERR_NOT_TEXT_HEAD:
      return "not a text head of the expected task (1 byte channel x 32, global, class names)";
  }
  return "unknown status";
}

const char* atome_dispatch_state_str(uint32_t state) {
  switch (state) {
    case ATOME_DSTATE_NORMAL:
      return "normal";
    case ATOME_DSTATE_ALERT:
      return "alert";
    case ATOME_DSTATE_SAFE:
      return "safe";
  }
  return "unknown";
}

const char* atome_dispatch_rule_str(uint32_t rule) {
  switch (rule) {
    case ATOME_RULE_CONFIRM:
      return "confirm";
    case ATOME_RULE_DEBOUNCE:
      return "debounce";
    case ATOME_RULE_ENTER_ALERT:
      return "enter-alert";
    case ATOME_RULE_SWITCH_ALERT:
      return "switch-alert";
    case ATOME_RULE_RETURN_NORMAL:
      return "return-normal";
    case ATOME_RULE_NO_EVIDENCE:
      return "no-evidence";
    case ATOME_RULE_ENTER_SAFE:
      return "enter-safe";
    case ATOME_RULE_SAFE_COUNT:
      return "safe-count";
    case ATOME_RULE_LEAVE_SAFE:
      return "leave-safe";
    case ATOME_RULE_SAFE_NOT_NORMAL:
      return "safe-not-normal";
    case ATOME_RULE_SAFE_NO_EVIDENCE:
      return "safe-no-evidence";
    case ATOME_RULE_OPERATOR_STOP:
      return "operator-stop";
    case ATOME_RULE_OPERATOR_HOLD:
      return "operator-hold";
    case ATOME_RULE_OPERATOR_RESUME:
      return "operator-resume";
  }
  return "unknown";
}

const char* atome_skip_reason_str(uint32_t reason) {
  switch (reason) {
    case ATOME_SKIP_NONE:
      return "runs";
    case ATOME_SKIP_NOT_IN_STATE:
      return "not-in-state";
    case ATOME_SKIP_NOT_DUE:
      return "not-due";
    case ATOME_SKIP_BAD_INPUT:
      return "bad-input";
    case ATOME_SKIP_OVER_BUDGET:
      return "over-budget";
    case ATOME_SKIP_NO_FRAME:
      return "no-frame";
  }
  return "unknown";
}

const char* atome_head_action_str(uint32_t action) {
  switch (action) {
    case ATOME_HEAD_RAN:
      return "ran";
    case ATOME_HEAD_REUSED:
      return "reused";
    case ATOME_HEAD_SKIPPED:
      return "skipped";
    case ATOME_HEAD_BAD_FRAME:
      return "bad-frame";
  }
  return "unknown";
}

const char* atome_text_action_str(uint32_t action) {
  switch (action) {
    case ATOME_TEXT_NOT_UNDERSTOOD:
      return "not-understood";
    case ATOME_TEXT_ACTUATE:
      return "actuate";
    case ATOME_TEXT_STOP_ALL:
      return "stop-all";
    case ATOME_TEXT_STATUS_REPORT:
      return "status-report";
    case ATOME_TEXT_CONFIG:
      return "config";
    case ATOME_TEXT_OPERATOR_ALERT:
      return "operator-alert";
    case ATOME_TEXT_REFUSED:
      return "refused";
  }
  return "unknown";
}

const char* atome_text_why_str(uint32_t why) {
  switch (why) {
    case ATOME_TEXT_WHY_OK:
      return "ok";
    case ATOME_TEXT_WHY_BUCKET_ABSTAINED:
      return "bucket-abstained";
    case ATOME_TEXT_WHY_COMMAND_ABSTAINED:
      return "command-abstained";
    case ATOME_TEXT_WHY_SMALLTALK:
      return "smalltalk";
    case ATOME_TEXT_WHY_UNKNOWN_COMMAND:
      return "unknown-command";
    case ATOME_TEXT_WHY_REFUSED_IN_SAFE:
      return "refused-in-safe";
    case ATOME_TEXT_WHY_REFUSED_IN_ALERT:
      return "refused-in-alert";
    case ATOME_TEXT_WHY_BAD_TEXT:
      return "bad-text";
  }
  return "unknown";
}

}  // extern "C"
