#!/usr/bin/env bash
# Integer ternary kernels on one core under QEMU: builds firmware/ (atome_kernel_bench only, no
# model), runs it, and requires every kernel compiled for the core to equal the portable kernel
# (firmware/app/kernel_bench.cpp prints "done OK" and exits 0). Speed is scripts/kernel_report.py's.
#
#   scripts/firmware-kernels.sh CORE BUILD_DIR
set -euo pipefail
core=$1 build=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$(dirname "$0")/firmware-core.sh"
mkdir -p "$build"
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" >/dev/null
cmake --build "$build" --target atome_kernel_bench >/dev/null
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_kernel_bench.elf" >"$build/kernels.txt" 2>&1 || status=$?
cat "$build/kernels.txt"
if [ "$status" -ne 0 ] || ! grep -qx 'done OK' "$build/kernels.txt"; then
  echo "$core: kernel bench failed (exit $status; 99: fault handler)"
  exit 1
fi
