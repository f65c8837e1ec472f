# Sourced by the firmware scripts: for the core in $core, the CMake toolchain file's name
# ($toolchain), the binutils prefix ($tools) and the QEMU command line ($qemu, an array). The one
# place a core is mapped to its machine (docs: notes/embedded-targets.md).
case $core in
  m0) toolchain=arm-none-eabi qemu=(qemu-system-arm -M microbit) ;;
  m3) toolchain=arm-none-eabi qemu=(qemu-system-arm -M mps2-an385) ;;
  m4 | m4f) toolchain=arm-none-eabi qemu=(qemu-system-arm -M mps2-an386) ;;
  m7) toolchain=arm-none-eabi qemu=(qemu-system-arm -M mps2-an500) ;;
  rv32imc) toolchain=riscv32 qemu=(qemu-system-riscv32 -M virt -cpu rv32,a=off,f=off,d=off -bios none) ;;
  *) echo "unknown core $core" >&2; exit 2 ;;
esac
if [ "$toolchain" = riscv32 ]; then tools=riscv64-unknown-elf-; else tools=arm-none-eabi-; fi
