// Stack high-water mark of a firmware app: paint the free stack below the caller's frame with a
// pattern, run, then find the deepest word that changed. The linker scripts define where the
// stack may grow down to (__stack_bottom).
#ifndef ATOME_FIRMWARE_STACK_PROBE_H
#define ATOME_FIRMWARE_STACK_PROBE_H

#include <stdint.h>

void stack_probe_paint();
// Bytes of stack used since the paint (from the top of the stack).
uint32_t stack_probe_high_water();
// Emits "# stack_high_water_bytes N": a device-only measurement ("#" lines are not compared with
// the host twin).
void stack_probe_report(void (*emit)(const char*));

#endif  // ATOME_FIRMWARE_STACK_PROBE_H
