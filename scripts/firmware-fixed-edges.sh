#!/usr/bin/env bash
# The fixed-point helpers (engine/fixed.h) at their edges on one core under QEMU: builds
# firmware/'s atome_fixed_edges (no model), runs it, and requires its lines to equal its host
# twin's (the same source built for the host: firmware/app/fixed_edges.cpp), ending "done OK".
#
#   scripts/firmware-fixed-edges.sh CORE BUILD_DIR TWIN
set -euo pipefail
core=$1 build=$2 twin=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$(dirname "$0")/firmware-core.sh"
mkdir -p "$build"
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" >/dev/null
cmake --build "$build" --target atome_fixed_edges >/dev/null
status=0
timeout 120 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_fixed_edges.elf" >"$build/fixed_edges.txt" 2>&1 || status=$?
"$twin" >"$build/fixed_edges_host.txt"
if [ "$status" -ne 0 ] || ! diff "$build/fixed_edges_host.txt" "$build/fixed_edges.txt"; then
  echo "$core: fixed-point edges differ from the host's (exit $status; 99: fault handler)"
  exit 1
fi
cat "$build/fixed_edges.txt"
