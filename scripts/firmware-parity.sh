#!/usr/bin/env bash
# Firmware parity for one core and one model: builds the bare-metal firmware (firmware/) with the
# model embedded as a C array, runs it under QEMU, runs the same generation code on the host
# engine (atome_firmware_twin), and requires identical output: every step's token and the digest
# of its full logits vector (firmware/app/logits_digest.h, the same code in the twin; i.e.
# bit-identical logits), and exit status 0.
#
#   scripts/firmware-parity.sh CORE MODEL WINDOW TOKENS BUILD_DIR ATOME_CLI TWIN [NUMERICS [SIZER [PACKING]]]
#   CORE: m0 m3 m4 m4f m7 rv32imc; MODEL: a native file, or a legacy .atome01 (converted first).
#   NUMERICS: f32 (default: the model as it is, the engine with its float path) or q15 (the model
#   converted with `atome convert --numerics q15` into BUILD_DIR, the integer-only firmware,
#   ATOME_NUMERICS=q15: logits are the int32 Q16 ones of atome_step_q16).
#   SIZER: a twin built with the firmware engine's defines (tests/firmware.cmake: integer-only, the
#   core's lut kernel), whose --state-bytes sizes the firmware's arena (default: TWIN). Its lines
#   must equal TWIN's too (the integer-only engine on the host).
#   PACKING: trit2 or trit3 (the model re-packed with `atome convert --packing` first; empty: as is),
#   or compact (q15 only: `atome convert --layout compact`, FORMAT.md §18).
#   Exit 77 (CTest: skipped) when MODEL is missing, unless CI=true.
set -euo pipefail
core=$1 model=$2 window=$3 tokens=$4 build=$5 atome=$6 twin=$7 numerics=${8:-f32} sizer=${9:-$7}
packing=${10:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
prompt="Once upon a time"
source "$(dirname "$0")/firmware-core.sh"
mkdir -p "$build"
if [ ! -f "$model" ]; then
  # The original's models are fixtures from ../shared: a skip that says so, a failure under CI.
  if "$(dirname "$0")/in-ci.sh"; then
    echo "model $model not found (CI: failing)"
    exit 1
  fi
  echo "model $model not found: skipped"
  exit 77
fi
if [ "$numerics" = q15 ]; then
  "$atome" convert "$model" "$build/model.atome" --numerics q15 >/dev/null
  model=$build/model.atome
else
  case $model in
    *.atome01) "$atome" convert "$model" "$build/model.atome" >/dev/null && model=$build/model.atome ;;
  esac
fi
if [ "$packing" = compact ]; then
  # The compact q15 layout (FORMAT.md §18): no tensor table, int16 << shift vectors, trit3 rows.
  "$atome" convert "$model" "$build/model-compact.atome" --layout compact >/dev/null
  model=$build/model-compact.atome
elif [ -n "$packing" ]; then
  "$atome" convert "$model" "$build/model-$packing.atome" --packing "$packing" >/dev/null
  model=$build/model-$packing.atome
fi
"$atome" export --model "$model" --c-header "$build/model.h" --symbol atome_model_image >/dev/null
arena=$("$sizer" --state-bytes "$model" "$window")
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" -DATOME_MODEL_HEADER="$build/model.h" -DATOME_WINDOW="$window" \
  -DATOME_ARENA_BYTES="$arena" -DATOME_TOKENS="$tokens" -DATOME_PROMPT="$prompt" \
  -DATOME_NUMERICS="$numerics" >/dev/null
cmake --build "$build" >/dev/null
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_fw.elf" >"$build/device.txt" 2>&1 || status=$?
"$twin" "$model" "$window" "$tokens" "$prompt" >"$build/host.txt"
if [ "$sizer" != "$twin" ]; then
  "$sizer" "$model" "$window" "$tokens" "$prompt" >"$build/host-sizer.txt"
  if ! diff -u "$build/host.txt" "$build/host-sizer.txt"; then
    echo "the host engine and the firmware-configured host engine ($(basename "$sizer")) differ"
    exit 1
  fi
fi
echo "$core $(basename "$model") ($numerics) window $window, state $arena B: $(grep -c '^step' "$build/device.txt" || true) steps on the device, exit $status"
if [ "$status" -ne 0 ]; then
  tail -5 "$build/device.txt"
  echo "firmware exit status $status (99: fault handler)"
  exit 1
fi
# "#" lines are device-only measurements (stack high-water mark), not part of the comparison.
grep -v '^#' "$build/device.txt" >"$build/device-compared.txt" || true
grep '^#' "$build/device.txt" || true
if ! diff -u "$build/host.txt" "$build/device-compared.txt"; then
  echo "device and host differ"
  exit 1
fi
tail -1 "$build/device.txt"
