#!/usr/bin/env bash
# The raw-audio firmware (docs/APPS.md §13) on one core: builds atome_audio_fw with the header
# scripts/audio-clips-prepare.sh made (the voice and sound_scene heads, 4 recorded int16 clips
# each), sizes its one shared session with the firmware-configured engine (SIZER --state-bytes:
# the larger head's session at its n_features window), runs it under QEMU and requires its lines
# to equal the host twin's (front-end status, frame and token digests, class, calibrated p,
# margin, abstain, every Q16 logit) and the exit status 0. "#" lines are device-only measurements.
#
#   scripts/firmware-audio.sh CORE BUILD_DIR PREPARED_DIR SIZER
set -euo pipefail
core=$1 build=$2 prep=$3 sizer=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$(dirname "$0")/firmware-core.sh"
for tool in "${qemu[0]}" "${tools}g++"; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool (scripts/install-deps.sh --firmware)"
    if "$(dirname "$0")/in-ci.sh"; then exit 1; fi
    exit 77
  fi
done
[ -f "$prep/audio_clips.h" ] || { echo "missing $prep/audio_clips.h (audio-clips-prepare.sh)"; exit 1; }
arena=0
while read -r kind _ model _ _ segments n_ceps _; do
  [ "$kind" = head ] || continue
  channels=$n_ceps; [ "$channels" = 0 ] && channels=8  # scene: ATOME_MFCC_SCENE_NCH
  bytes=$("$sizer" --state-bytes "$prep/$model" $((segments * channels)))
  bytes=$(((bytes + 15) / 16 * 16))
  [ "$bytes" -gt "$arena" ] && arena=$bytes
done <"$prep/audio_clips.txt"
mkdir -p "$build"
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" -DATOME_AUDIO_HEADER="$prep/audio_clips.h" -DATOME_ARENA_BYTES="$arena" \
  -DATOME_NUMERICS=q15 -DATOME_CLASSIFIERS=ON -DATOME_APPS_MAX_HEADS=2 >/dev/null
cmake --build "$build" --target atome_audio_fw >/dev/null
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_audio_fw.elf" >"$build/device.txt" 2>&1 || status=$?
echo "$core audio firmware: $(grep -c '^clip ' "$prep/host.txt") clips, session $arena B: exit $status"
"${tools}size" "$build/atome_audio_fw.elf" | tail -1
grep '^#' "$build/device.txt" || true
if [ "$status" -ne 0 ]; then
  tail -5 "$build/device.txt"
  echo "firmware exit status $status (99: fault handler)"
  exit 1
fi
grep -v '^#' "$build/device.txt" >"$build/device-compared.txt" || true
grep -v '^#' "$prep/host.txt" >"$build/host-compared.txt" || true
if ! cmp -s "$build/host-compared.txt" "$build/device-compared.txt"; then
  diff -u "$build/host-compared.txt" "$build/device-compared.txt" | head -20 || true
  echo "device and host differ"
  exit 1
fi
echo "device = host twin: $(wc -l <"$build/device-compared.txt") lines identical"
