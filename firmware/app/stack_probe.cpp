// See stack_probe.h.
#include "stack_probe.h"

#include <stddef.h>

#include "line.h"

extern "C" uint32_t __stack_bottom[];
extern "C" uint32_t __stack_top[];

namespace {
constexpr uint32_t kPaint = 0xA5C3A5C3u;
}

__attribute__((noinline)) void stack_probe_paint() {
  uint32_t* here = static_cast<uint32_t*>(__builtin_frame_address(0)) - 64;  // stay below us
  for (uint32_t* p = __stack_bottom; p < here; ++p) *p = kPaint;
}

uint32_t stack_probe_high_water() {
  const uint32_t* p = __stack_bottom;
  while (*p == kPaint) ++p;
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(__stack_top) -
                               reinterpret_cast<uintptr_t>(p));
}

void stack_probe_report(void (*emit)(const char*)) {
  Line line;
  line.put("# stack_high_water_bytes ");
  line.put_u32(stack_probe_high_water());
  emit(line.text);
}
