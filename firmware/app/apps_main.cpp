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

static void semihost_line(const char* line) {
  sh_write0(line);
  sh_write0("\n");
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
  const int status = atome_apps_run(in, semihost_line);
  // "#" lines: device-only measurements, not part of the comparison with the host twin.
  Line line;
  line.put("# stack_high_water_bytes ");
  line.put_u32(stack_probe_high_water());
  semihost_line(line.text);
  line.used = 0;
  line.put("# runner_bytes ");
  line.put_u32(sizeof g_runner);
  line.put(" output_bytes ");
  line.put_u32(sizeof g_out);
  line.put(" pool_bytes ");
  line.put_u32(sizeof g_pool);
  semihost_line(line.text);
  return status;
}
