#!/usr/bin/env bash
# The applied-layer firmware app (issue 15 step 4) on one core: makes every head's app
# (scripts/apps_all_heads.py: apps/examples/apps-all.json's 12 sensor heads trained on generated
# data, seed 1, the shipped bad-reading head as air's check, the shipped text heads, one shared
# session, and a 400-period recorded stream with faults, telemetry events of class overheating and
# operator rows for the shipped text heads), packs the frames and the rows into a C header with the host twin (atome_apps_twin: the same physical -> fixed-point conversion as
# `atome apps run`), embeds the heads (`atome export --c-header`), builds atome_apps_fw, runs it
# under QEMU and requires: (1) the twin's decisions equal `atome apps run --json`'s
# (scripts/apps_fw_check.py); (2) the firmware's lines equal the twin's, every period (state, rule,
# masks, each head's action, class, prob_q15, abstain and full Q16 logits; each operator row's
# decision with both text heads' results); exit status 0.
#
#   scripts/firmware-apps.sh CORE BUILD_DIR ATOME_CLI TWIN SIZER [CACHE_DIR]
#   SIZER: the firmware-configured q15 classifier engine whose --state-bytes sizes each session
#   (the pool: the largest of them with "session": "shared", else their sum).
#   Exit 77 (CTest: skipped) without the core's cross compiler and QEMU or python3-numpy, unless
#   CI=true: then it fails.
set -euo pipefail
core=$1 build=$2 atome=$3 twin=$4 sizer=$5 cache=${6:-}  # cache: scripts/apps_all_heads.py
repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3  # Debian's, with python3-numpy (the generators need it)
source "$(dirname "$0")/firmware-core.sh"
for tool in "${qemu[0]}" "${tools}g++"; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool (scripts/install-deps.sh --firmware)"
    if "$(dirname "$0")/in-ci.sh"; then exit 1; fi
    exit 77
  fi
done
if ! "$py" -c "import numpy" 2>/dev/null; then
  echo "python3-numpy missing"
  if "$(dirname "$0")/in-ci.sh"; then exit 1; fi
  exit 77
fi
mkdir -p "$build/app"
app=$build/app
# Every head (apps/examples/apps-all.json): the 12 sensor heads trained on generated data, the
# shipped check and text heads, apps.json and the recorded stream (scripts/apps_all_heads.py).
"$py" "$repo/scripts/apps_all_heads.py" "$atome" "$app" ${cache:+"$cache"}
"$atome" apps run --config "$app/apps.json" --stream "$app/frames.csv" --json >"$build/apps-run.jsonl"
"$twin" "$app/apps.json" "$app/frames.csv" "$app/apps_data.h" >"$build/host.txt" || {
  tail -3 "$build/host.txt"; echo "host twin failed"; exit 1; }
"$py" "$repo/scripts/apps_fw_check.py" "$build/host.txt" "$build/apps-run.jsonl"
# Head h's model as a C array beside apps_data.h (it includes "model_h.h"); its session's bytes
# from the firmware engine (rounded up to the 16-byte alignment apps_run.cpp carves with). The
# example shares one session among all heads ("session": "shared"): the pool is the largest
# session, the text heads' included; otherwise the sum.
shared=$(grep -c '^constexpr uint32_t kAppsSharedSession = 1;' "$app/apps_data.h" || true)
arena=0 h=0
grow() { if [ "$shared" = 1 ]; then [ "$1" -gt "$arena" ] && arena=$1; else arena=$((arena + $1)); fi; true; }
while read -r model window; do
  "$atome" export --model "$model" --c-header "$app/model_$h.h" --symbol "atome_apps_model_$h" \
    >/dev/null
  bytes=$("$sizer" --state-bytes "$model" "$window")
  grow $(((bytes + 15) / 16 * 16))
  h=$((h + 1))
done <"$app/apps_data.h.windows"
# The two text heads share one session (they run one after the other): the larger of the two.
if [ -f "$app/apps_data.h.text" ]; then
  t=0 text=0
  while read -r model; do
    "$atome" export --model "$model" --c-header "$app/text_$t.h" --symbol "atome_apps_text_$t" \
      >/dev/null
    bytes=$("$sizer" --state-bytes "$model" 32)
    bytes=$(((bytes + 15) / 16 * 16))
    if [ "$bytes" -gt "$text" ]; then text=$bytes; fi
    t=$((t + 1))
  done <"$app/apps_data.h.text"
  grow "$text"
fi
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" -DATOME_APPS_HEADER="$app/apps_data.h" -DATOME_ARENA_BYTES="$arena" \
  -DATOME_NUMERICS=q15 -DATOME_CLASSIFIERS=ON -DATOME_APPS_MAX_HEADS="$h" >/dev/null
cmake --build "$build" --target atome_apps_fw >/dev/null
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_apps_fw.elf" >"$build/device.txt" 2>&1 || status=$?
echo "$core apps firmware: $(wc -l <"$app/apps_data.h.windows") heads, $(grep -c '^period [0-9]* state' "$build/host.txt") periods, $(grep -c '^period [0-9]* op' "$build/host.txt") operator rows, sessions $arena B: exit $status"
"${tools}size" "$build/atome_apps_fw.elf" | tail -1
if [ "$status" -ne 0 ]; then
  tail -5 "$build/device.txt"
  echo "firmware exit status $status (99: fault handler)"
  exit 1
fi
# "#" lines are device-only measurements (stack, pool), not part of the comparison.
grep -v '^#' "$build/device.txt" >"$build/device-compared.txt" || true
grep -v '^#' "$build/host.txt" >"$build/host-compared.txt" || true
grep '^#' "$build/device.txt" || true
if ! diff -u "$build/host-compared.txt" "$build/device-compared.txt" | head -20; then :; fi
if ! cmp -s "$build/host-compared.txt" "$build/device-compared.txt"; then
  echo "device and host differ"
  exit 1
fi
echo "device = host twin: $(wc -l <"$build/device-compared.txt") lines identical"
