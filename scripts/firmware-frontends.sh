#!/usr/bin/env bash
# The applied layer's feature extractors on one core under QEMU (docs/APPS.md §8): builds
# firmware/ (atome_frontends_fw, no model), runs it, and requires its lines to equal the host
# twin's (atome_frontends_twin: the same calls on the same compile-time inputs, host compiler,
# host apps library) — every output integer of MFCC, MFCC+CMVN, band energies, IMU features,
# power quality, pulse count, PPG beats, velocity RMS, window statistics and the reading context.
# Instruction counts are scripts/frontends_report.py's.
#
#   scripts/firmware-frontends.sh CORE BUILD_DIR TWIN
set -euo pipefail
core=$1 build=$2 twin=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$(dirname "$0")/firmware-core.sh"
mkdir -p "$build"
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" >/dev/null
cmake --build "$build" --target atome_frontends_fw >/dev/null
"$twin" >"$build/twin.txt"
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_frontends_fw.elf" >"$build/frontends.txt" 2>&1 || status=$?
if [ "$status" -ne 0 ] || ! grep -qx 'done OK' "$build/frontends.txt"; then
  cat "$build/frontends.txt"
  echo "$core: the front-end firmware failed (exit $status; 99: fault handler)"
  exit 1
fi
if ! diff "$build/twin.txt" "$build/frontends.txt"; then
  echo "$core: the extractors' outputs differ from the host twin's (above: < host, > $core)"
  exit 1
fi
echo "$core: $(grep -c '^fe ' "$build/frontends.txt") extractors, every output equal to the host twin's"
