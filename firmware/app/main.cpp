// Firmware entry: the embedded model (a C-array header from `atome export --c-header`, in flash,
// used in place), a static state arena, and the generation run of generation.cpp reported over
// semihosting. Build-time settings (firmware/CMakeLists.txt): ATOME_MODEL_HEADER, ATOME_WINDOW,
// ATOME_ARENA_BYTES, ATOME_PROMPT, ATOME_TOKENS.
#include <stdint.h>

#include "../boot/semihost.h"
#include "generation.h"
#include "line.h"
#include "stack_probe.h"
#include ATOME_MODEL_HEADER

alignas(16) static uint8_t g_arena[ATOME_ARENA_BYTES];

static void semihost_line(const char* line) {
  sh_write0(line);
  sh_write0("\n");
}

// A "#" line: a device-only measurement, not part of the parity comparison.
static void report_stack() {
  Line line;
  line.put("# stack_high_water_bytes ");
  line.put_u32(stack_probe_high_water());
  semihost_line(line.text);
}

int main() {
  stack_probe_paint();
  const int status =
      atome_run_generation(atome_model_image, atome_model_image_len, g_arena, sizeof g_arena,
                           ATOME_WINDOW, ATOME_PROMPT, ATOME_TOKENS, semihost_line);
  report_stack();
  return status;
}
