// Firmware entry: the embedded model (a C-array header from `atome export --c-header`, in flash,
// used in place), a static state arena, and the generation run of generation.cpp reported over
// semihosting. Build-time settings (firmware/CMakeLists.txt): ATOME_MODEL_HEADER, ATOME_WINDOW,
// ATOME_ARENA_BYTES, ATOME_PROMPT, ATOME_TOKENS.
#include <stdint.h>

#include "../boot/semihost.h"
#include "generation.h"
#include "stack_probe.h"
#include ATOME_MODEL_HEADER

alignas(16) static uint8_t g_arena[ATOME_ARENA_BYTES];

int main() {
  stack_probe_paint();
  const int status =
      atome_run_generation(atome_model_image, atome_model_image_len, g_arena, sizeof g_arena,
                           ATOME_WINDOW, ATOME_PROMPT, ATOME_TOKENS, sh_write_line);
  stack_probe_report(sh_write_line);
  return status;
}
