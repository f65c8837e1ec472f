# RISC-V rv32 boot for QEMU virt (-bios none): set gp and sp, zero .bss, call the C++ main, exit
# through semihosting with its status. Everything is linked into RAM at 0x80000000.
  .section .text.start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  call main
  call riscv_exit
3:
  j 3b
  .size _start, . - _start

# uint32_t sh_trap(uint32_t op, const void* arg): the semihosting sequence, uncompressed and
# aligned so that its three instructions never straddle a page.
  .section .text.sh_trap, "ax", @progbits
  .balign 16
  .globl sh_trap
  .type sh_trap, @function
sh_trap:
  .option push
  .option norvc
  slli x0, x0, 0x1f
  ebreak
  srai x0, x0, 7
  .option pop
  ret
  .size sh_trap, . - sh_trap
