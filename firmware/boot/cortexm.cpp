// Cortex-M boot: the vector table, the reset handler (copy .data from flash, zero .bss, enable
// the FPU on hard-float builds, run main) and a fault handler; every way out is a semihosting
// exit, so QEMU always ends with a status.
#include <stdint.h>

#include "semihost.h"

extern "C" {
extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
int main();
void Reset_Handler();
void Fault_Handler();
}

using Handler = void (*)();

__attribute__((section(".vectors"), used)) const Handler g_vectors[16] = {
    reinterpret_cast<Handler>(__stack_top),
    Reset_Handler,  // reset
    Fault_Handler,  // NMI
    Fault_Handler,  // HardFault
    Fault_Handler,  // MemManage
    Fault_Handler,  // BusFault
    Fault_Handler,  // UsageFault
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    Fault_Handler,  // SVCall
    Fault_Handler,  // DebugMon
    nullptr,
    Fault_Handler,  // PendSV
    Fault_Handler,  // SysTick
};

extern "C" void Fault_Handler() {
  sh_exit(99);
}

extern "C" __attribute__((optimize("no-tree-loop-distribute-patterns"))) void Reset_Handler() {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  // CPACR: full access to CP10/CP11 (the FPU), before any float instruction.
  *reinterpret_cast<volatile uint32_t*>(0xE000ED88u) |= 0xFu << 20;
  __asm volatile("dsb\n isb");
#endif
  sh_exit(static_cast<uint32_t>(main()));
}
