// Firmware entry: the embedded model (a C-array header from `atome export --c-header`, in flash,
// used in place), a static state arena, and the generation run of generation.cpp reported over
// semihosting. Build-time settings (firmware/CMakeLists.txt): ATOME_MODEL_HEADER, ATOME_WINDOW,
// ATOME_ARENA_BYTES, ATOME_PROMPT, ATOME_TOKENS.
#include <stdint.h>

#include "../boot/semihost.h"
#include "generation.h"
#include ATOME_MODEL_HEADER

alignas(16) static uint8_t g_arena[ATOME_ARENA_BYTES];

static void semihost_line(const char* line) {
  sh_write0(line);
  sh_write0("\n");
}

// Stack high-water mark: paint the free stack below this frame with a pattern, run, then find the
// deepest word that changed. The linker scripts define where the stack may grow down to.
extern "C" uint32_t __stack_bottom[];
constexpr uint32_t kPaint = 0xA5C3A5C3u;

__attribute__((noinline)) static void paint_stack() {
  uint32_t* here = static_cast<uint32_t*>(__builtin_frame_address(0)) - 64;  // stay below us
  for (uint32_t* p = __stack_bottom; p < here; ++p) *p = kPaint;
}

static void report_stack() {
  const uint32_t* p = __stack_bottom;
  while (*p == kPaint) ++p;
  extern uint32_t __stack_top[];
  char line[48] = "# stack_high_water_bytes ";
  uint32_t used = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(__stack_top) -
                                        reinterpret_cast<uintptr_t>(p));
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + used % 10);
    used /= 10;
  } while (used != 0);
  int at = 25;
  while (n > 0) line[at++] = digits[--n];
  line[at] = 0;
  semihost_line(line);
}

int main() {
  paint_stack();
  const int status =
      atome_run_generation(atome_model_image, atome_model_image_len, g_arena, sizeof g_arena,
                           ATOME_WINDOW, ATOME_PROMPT, ATOME_TOKENS, semihost_line);
  report_stack();  // a "#" line: not part of the parity comparison
  return status;
}
