#!/usr/bin/env bash
# A firmware program without a model on one core under QEMU against its host twin (the same
# source built for the host): builds firmware/'s TARGET, runs it, and requires its lines to equal
# the twin's, the last one "done OK". The programs: atome_fixed_edges (engine/fixed.h at its
# edges, firmware/app/fixed_edges.cpp) and atome_frontends_fw (every feature extractor of apps/,
# firmware/app/frontends_run.cpp).
#
#   scripts/firmware-twin.sh CORE BUILD_DIR TARGET TWIN
set -euo pipefail
core=$1 build=$2 target=$3 twin=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$(dirname "$0")/firmware-core.sh"
mkdir -p "$build"
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" >/dev/null
cmake --build "$build" --target "$target" >/dev/null
"$twin" >"$build/$target.host.txt"
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/$target.elf" >"$build/$target.txt" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ "$(tail -n 1 "$build/$target.txt")" != "done OK" ]; then
  cat "$build/$target.txt"
  echo "$core: $target failed (exit $status; 99: fault handler)"
  exit 1
fi
if ! diff "$build/$target.host.txt" "$build/$target.txt"; then
  echo "$core: $target's lines differ from the host twin's (above: < host, > $core)"
  exit 1
fi
echo "$core: $target, $(wc -l <"$build/$target.txt") lines equal to the host twin's"
