// Semihosting (ARM "bkpt 0xab", RISC-V "slli/ebreak/srai"): the only I/O the firmware has, so
// that QEMU prints its lines and returns its exit status (notes: embedded-targets.md §3-4).
#ifndef ATOME_FIRMWARE_SEMIHOST_H
#define ATOME_FIRMWARE_SEMIHOST_H

#include <stdint.h>

#if defined(__riscv)
extern "C" uint32_t sh_trap(uint32_t op, const void* arg);  // boot/riscv_start.S
inline uint32_t sh_call(uint32_t op, const void* arg) {
  return sh_trap(op, arg);
}
#else
inline uint32_t sh_call(uint32_t op, const void* arg) {
  register uint32_t r0 __asm("r0") = op;
  register const void* r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
#endif

inline void sh_write0(const char* text) {
  sh_call(0x04, text);
}  // SYS_WRITE0

// One line of output: the text and a newline.
inline void sh_write_line(const char* text) {
  sh_write0(text);
  sh_write0("\n");
}

// SYS_EXIT_EXTENDED: the status reaches QEMU's exit code (plain SYS_EXIT only gives 0 or 1).
[[noreturn]] inline void sh_exit(uint32_t status) {
  const uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, status};
  sh_call(0x20, block);
  for (;;) {
  }
}

#endif  // ATOME_FIRMWARE_SEMIHOST_H
