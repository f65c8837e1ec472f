// Called by riscv_start.S with main's return value in a0.
#include <stdint.h>

#include "semihost.h"

extern "C" [[noreturn]] void riscv_exit(int status) {
  sh_exit(static_cast<uint32_t>(status));
}
