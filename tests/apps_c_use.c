/* The applied layer's C API used from C99, as firmware would: include/atome/apps.h must compile as
   C with -Wpedantic (tests/apps_api_test.cpp calls this). */
#include "atome/apps.h"

/* Inits a gate and a one-head dispatcher, steps one period with no telemetry; returns the state
   (SAFE expected) or 100 + the first failing status. */
int atome_apps_c_use(void) {
  atome_stream_gate gate;
  atome_gate_config config = {ATOME_GATE_EXACT, 4, 0, 0};
  const uint8_t tokens[4] = {1, 2, 3, 4};
  int run = 0;
  atome_dispatch_policy policy = {0};
  atome_dispatcher d;
  atome_dispatch_output out;
  atome_apps_status s = atome_gate_init(&gate, &config);
  if (s != ATOME_APPS_OK) return 100 + (int)s;
  s = atome_gate_decide(&gate, tokens, 4, &run);
  if (s != ATOME_APPS_OK || run != 1) return 100 + (int)s;
  policy.n_heads = 1;
  policy.heads[0].state_mask = 1u << ATOME_DISPATCH_SAFE_BIT;
  policy.heads[0].every = 1;
  policy.heads[0].cost = 1;
  policy.n_classes = 2;
  policy.k_enter = 1;
  policy.k_return = 2;
  policy.m_abstain = 1;
  policy.k_safe_exit = 1;
  policy.budget = 1;
  s = atome_dispatch_init(&d, &policy);
  if (s != ATOME_APPS_OK) return 100 + (int)s;
  s = atome_dispatch_step(&d, NULL, 0, &out);
  if (s != ATOME_APPS_OK || out.run_mask != 1u) return 100 + (int)s;
  return (int)out.state;
}

/* A front end of C (atome_runner_front_fn) and the runner's per-head inputs from C99: the wrong
   uses a C caller can make return their statuses. Returns 0, or 100 + the first wrong status. */
static atome_apps_status c_front(void* ctx, const atome_tokenizer* tok, const void* raw,
                                 size_t raw_len, int32_t* frame, uint32_t n_values) {
  (void)ctx;
  (void)tok;
  (void)raw;
  (void)raw_len;
  (void)frame;
  (void)n_values;
  return ATOME_APPS_ERR_BAD_LENGTH;
}

int atome_apps_c_use_inputs(void) {
  atome_runner_head_config head = {0};
  const int16_t raw[2] = {0, 1};
  atome_runner_input inputs[1];
  atome_runner_output out;
  atome_apps_status s;
  head.front = c_front;
  head.front_ctx = NULL;
  inputs[0].kind = ATOME_INPUT_RAW;
  inputs[0].data = raw;
  inputs[0].len = 2;
  s = atome_runner_step_inputs(NULL, inputs, &out);
  if (s != ATOME_APPS_ERR_NULL_ARGUMENT) return 100 + (int)s;
  s = head.front(head.front_ctx, NULL, raw, 2, NULL, 0);
  if (s != ATOME_APPS_ERR_BAD_LENGTH) return 100 + (int)s;
  s = atome_audio_front_run(NULL, NULL, raw, 2, NULL, 0);
  if (s != ATOME_APPS_ERR_NULL_ARGUMENT) return 100 + (int)s;
  return 0;
}
