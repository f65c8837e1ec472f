// Signature firmware entry (issue 16): the signed and the unsigned test model as C arrays in
// flash, a static state arena, and the checks of signed_checks.cpp reported over semihosting.
// Build-time settings (firmware/CMakeLists.txt): ATOME_SIGNED_MODEL_HEADER (symbol
// atome_signed_model), ATOME_UNSIGNED_MODEL_HEADER (symbol atome_unsigned_model), ATOME_WINDOW,
// ATOME_ARENA_BYTES, ATOME_PROMPT, ATOME_TOKENS, ATOME_FLIPS (0 on the micro:bit: its 16 KB of
// RAM cannot hold a copy of the model).
#include <stdint.h>

#include "../boot/semihost.h"
#include "signed_checks.h"
#include "stack_probe.h"
#include ATOME_SIGNED_MODEL_HEADER
#include ATOME_UNSIGNED_MODEL_HEADER

alignas(16) static uint8_t g_arena[ATOME_ARENA_BYTES];
#if ATOME_FLIPS
alignas(16) static uint8_t g_flip_copy[sizeof atome_signed_model];
#endif

int main() {
  stack_probe_paint();
  atome_signed_checks_input in;
  in.signed_image = atome_signed_model;
  in.signed_bytes = atome_signed_model_len;
  in.unsigned_image = atome_unsigned_model;
  in.unsigned_bytes = atome_unsigned_model_len;
#if ATOME_FLIPS
  in.flip_copy = g_flip_copy;
#else
  in.flip_copy = nullptr;
#endif
  in.arena = g_arena;
  in.arena_bytes = sizeof g_arena;
  in.window = ATOME_WINDOW;
  in.prompt = ATOME_PROMPT;
  in.n_tokens = ATOME_TOKENS;
  const int status = atome_run_signed_checks(&in, sh_write_line);
  stack_probe_report(sh_write_line);
  return status;
}
