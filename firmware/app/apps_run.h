// The applied-layer app (issue 15, docs/APPS.md §11): the app runner over a recorded stream, one
// line per period. Shared by the firmware (apps_main.cpp: models, config and frames as C arrays
// in flash) and its host twin (firmware/apps_twin.cpp: the same arrays in memory), so that the
// two print the same lines exactly when the runner decides the same on both.
#ifndef ATOME_FIRMWARE_APPS_RUN_H
#define ATOME_FIRMWARE_APPS_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "atome/apps.h"
#include "atome/atome.h"

// frame_offset[p * n_heads + h] when head h has no frame in period p (missing row, or a NaN the
// host dropped): the runner gets NULL, its defined "no frame" status.
#define ATOME_APPS_NO_FRAME 0xFFFFFFFFu

struct AppsHeadSpec {
  const uint8_t* image;  // the model file, 16-byte aligned
  uint32_t image_bytes;
  uint32_t role, gate_mode, gate_tol, gate_max_skips, checks_mask, ok_class, on_abstain;
};

struct AppsRunInput {
  uint32_t n_heads;
  const AppsHeadSpec* heads;
  const atome_dispatch_policy* policy;
  uint32_t n_periods;
  const int32_t* values;         // every distinct frame's values, back to back
  const uint32_t* frame_offset;  // [period * n_heads + head]: index into values, or NO_FRAME
  const uint32_t* frame_count;   // [period * n_heads + head]: the frame's value count
  uint8_t* pool;                 // session arenas, carved per head (ATOME_STATE_ALIGN aligned)
  size_t pool_bytes;
  atome_model* models;  // n_heads of them
  atome_runner* runner;
  atome_runner_output* out;
  // Called just before and just after each period's atome_runner_step (NULL: not called): the
  // firmware's instruction-count marker (scripts/apps_report.py, QEMU plugin mark=).
  void (*mark)(void);
  // Operator rows (docs/APPS.md §10, "Operator rows"), applied in order before their period's
  // step: kind ATOME_APPS_OP_COMMAND = a typed request (op_text[op_text_offset[i] ..], length
  // op_text_len[i]) for the text interpreter, ATOME_APPS_OP_RESUME = the operator's resume.
  // n_ops 0: none. With commands, text_images[0] (intent_bucket) and [1] (command_intent) are the
  // text heads, loaded into text_models[2]; their one shared session is carved from the pool after
  // the sensor heads' (the two heads run one after the other: atome_text_shared_arena_bytes).
  uint32_t n_ops = 0;
  const uint32_t* op_period = nullptr;  // ascending
  const uint32_t* op_kind = nullptr;
  const uint32_t* op_text_offset = nullptr;
  const uint32_t* op_text_len = nullptr;
  const uint8_t* op_text = nullptr;
  const uint8_t* text_images[2] = {nullptr, nullptr};
  uint32_t text_image_bytes[2] = {0, 0};
  atome_model* text_models = nullptr;  // 2 of them
  atome_text_interpreter* text = nullptr;
  // 1: one session for every head (apps.json "session": "shared", docs/APPS.md §10): the pool
  // holds one arena of the largest head's session, the runner lays it out for the head about to
  // run, and the text heads use the same arena (their shared mode: they re-lay it out per
  // request), so the RAM is the largest session, not the sum.
  uint32_t shared_session = 0;
};

#define ATOME_APPS_OP_COMMAND 0u
#define ATOME_APPS_OP_RESUME 1u

// Runs every period and emits its line (after one line per operator row of that period:
// "period P op I command state S action A why W intent N rule R status T | bucket ... | command
// ..." or "period P op I resume state S rule R"); returns 0, or 1 after one line saying what
// failed. Emits
// "# session_bytes hH N" per head first and "# pool_used_bytes N" at the end: measurements of the
// engine build ("#" lines are not compared between the firmware and its twin).
int atome_apps_run(const AppsRunInput& in, void (*emit)(const char* line));

#endif  // ATOME_FIRMWARE_APPS_RUN_H
