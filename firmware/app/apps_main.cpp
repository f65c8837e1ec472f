// Applied-layer firmware entry (issue 15 step 4): the heads, the runner's roles, gates and policy
// and the recorded stream's frames as C arrays in flash (ATOME_APPS_HEADER, written by
// firmware/apps_twin.cpp, which includes each head's `atome export --c-header`), a static pool
// for the heads' sessions (ATOME_ARENA_BYTES), and one line per period over semihosting
// (apps_run.cpp: the same code the host twin runs).
#include <stdint.h>

#include "../boot/semihost.h"
#include "apps_run.h"
#include "line.h"
#include "stack_probe.h"
#include ATOME_APPS_HEADER

alignas(16) static uint8_t g_pool[ATOME_ARENA_BYTES];
static atome_model g_models[kAppsNHeads];
static atome_runner g_runner;
static atome_runner_output g_out;
#ifdef ATOME_APPS_HAS_TEXT
static atome_model g_text_models[2];
static atome_text_interpreter g_text;
#endif

// The instruction-count marker (QEMU plugin mark=, scripts/apps_report.py): its i-th execution
// prints how many instructions ran before it.
extern "C" __attribute__((noinline)) void atome_apps_mark(void) {
  __asm volatile("" ::: "memory");  // keeps the call and the symbol
}

// One inference of each head, between two marks (after the stream, so its lines are untouched):
// its first frame tokenised, the session reset and fed, the Q16 logits read and calibrated —
// what atome_runner_step does for a head that runs (the gate's comparison and the dispatcher
// apart, which the per-period counts include).
static void measure_heads() {
  static uint8_t tokens[ATOME_TOK_MAX_FEATURES];
  static atome_head_result res;
  for (uint32_t h = 0; h < kAppsNHeads; ++h) {
    uint32_t off = ATOME_APPS_NO_FRAME, p = 0;
    for (; p < kAppsNPeriods && off == ATOME_APPS_NO_FRAME; ++p)
      off = kAppsFrameOffset[p * kAppsNHeads + h];
    atome_runner_head& head = g_runner.heads[h];
    atome_apps_mark();
    if (off != ATOME_APPS_NO_FRAME) {
      atome_tok_run(&head.tok, kAppsValues + off, head.tok.n_features, tokens, nullptr);
      if (head.shared != 0)  // the shared session holds another head's layout
        atome_session_init(&head.session, head.model, head.tok.n_features, head.arena,
                           head.arena_bytes);
      else
        atome_session_reset(head.session);
      for (uint32_t i = 0; i < head.tok.n_features; ++i)
        atome_step_no_logits(head.session, tokens[i]);
      atome_session_class_logits_q16(head.session, res.logits_q16, head.n_classes);
      atome_calibrate_q16(&head.cal, res.logits_q16, head.n_classes, &res);
    }
    atome_apps_mark();
  }
#ifdef ATOME_APPS_HAS_TEXT
  // One request through both text heads (the first command row the bucket routes to the command
  // head; else the first command row: the bucket alone), between two marks.
  static atome_text_decision dec;
  uint32_t pick = kAppsNOps;
  for (uint32_t i = 0; i < kAppsNOps && pick == kAppsNOps; ++i) {
    if (kAppsOpKind[i] != ATOME_APPS_OP_COMMAND) continue;
    atome_text_interpret(&g_text, kAppsOpText + kAppsOpTextOffset[i], kAppsOpTextLen[i],
                         ATOME_DSTATE_NORMAL, &dec);
    if (dec.command.action == ATOME_HEAD_RAN) pick = i;
  }
  for (uint32_t i = 0; i < kAppsNOps && pick == kAppsNOps; ++i)
    if (kAppsOpKind[i] == ATOME_APPS_OP_COMMAND) pick = i;
  atome_apps_mark();
  if (pick != kAppsNOps)
    atome_text_interpret(&g_text, kAppsOpText + kAppsOpTextOffset[pick], kAppsOpTextLen[pick],
                         ATOME_DSTATE_NORMAL, &dec);
  atome_apps_mark();
#endif
}

int main() {
  stack_probe_paint();
  AppsRunInput in;
  in.n_heads = kAppsNHeads;
  in.heads = kAppsHeads;
  in.policy = &kAppsPolicy;
  in.n_periods = kAppsNPeriods;
  in.values = kAppsValues;
  in.frame_offset = kAppsFrameOffset;
  in.frame_count = kAppsFrameCount;
  in.pool = g_pool;
  in.pool_bytes = sizeof g_pool;
  in.models = g_models;
  in.runner = &g_runner;
  in.out = &g_out;
  in.mark = atome_apps_mark;
  in.shared_session = kAppsSharedSession;
  in.n_ops = kAppsNOps;
  in.op_period = kAppsOpPeriod;
  in.op_kind = kAppsOpKind;
  in.op_text_offset = kAppsOpTextOffset;
  in.op_text_len = kAppsOpTextLen;
  in.op_text = kAppsOpText;
#ifdef ATOME_APPS_HAS_TEXT
  in.text_images[0] = atome_apps_text_0;
  in.text_image_bytes[0] = static_cast<uint32_t>(atome_apps_text_0_len);
  in.text_images[1] = atome_apps_text_1;
  in.text_image_bytes[1] = static_cast<uint32_t>(atome_apps_text_1_len);
  in.text_models = g_text_models;
  in.text = &g_text;
#endif
  const int status = atome_apps_run(in, sh_write_line);
  if (status == 0) measure_heads();
  // "#" lines: device-only measurements, not part of the comparison with the host twin.
  stack_probe_report(sh_write_line);
  Line line;
  line.put("# runner_bytes ");
  line.put_u32(sizeof g_runner);
  line.put(" output_bytes ");
  line.put_u32(sizeof g_out);
  line.put(" head_slot_bytes ");
  line.put_u32(sizeof(atome_runner_head));
  line.put(" pool_bytes ");
  line.put_u32(sizeof g_pool);
  sh_write_line(line.text);
  return status;
}
