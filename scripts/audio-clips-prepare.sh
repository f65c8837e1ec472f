#!/usr/bin/env bash
# The raw-audio app's inputs and host checks (docs/APPS.md §13; CTest firmware.apps_audio.prepare,
# the fixture of every core's firmware.CORE.apps_audio): generates the voice and sound_scene data
# (generate.py --scale small --seed 1) and trains each head exactly as the every-head app does
# (scripts/apps_all_heads.py: q15, seed 1, --target-risk 0.1), regenerates the same data keeping
# the int16 audio (scripts/mfcc_clips.py), picks 4 clips per head into the firmware's header
# (scripts/audio_clips.py; 1 per head in OUT/one for the micro:bit), exports the heads as C arrays, runs the host twin (atome_audio_twin)
# and requires, per clip, the class the raw path gives (int16 -> atome_audio_front_frame ->
# tokeniser -> head) to equal `atome classify --csv`'s on the generator's float feature row.
#
#   scripts/audio-clips-prepare.sh ATOME_CLI TWIN OUT_DIR
#   Exit 77 without python3-numpy, espeak-ng or sox (voice's generator), unless CI=true.
set -euo pipefail
atome=$1 twin=$2 out=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3  # Debian's, with python3-numpy (the generators need it)
for need in espeak-ng sox; do
  if ! command -v "$need" >/dev/null || ! "$py" -c "import numpy" 2>/dev/null; then
    echo "missing $need or python3-numpy"
    if "$repo/scripts/in-ci.sh"; then exit 1; fi
    exit 77
  fi
done
rm -rf "$out" && mkdir -p "$out"
"$py" "$repo/data/generators/generate.py" --out "$out/data" --heads voice,sound_scene \
  --scale small --seed 1 >/dev/null
for head in voice sound_scene; do
  "$py" "$repo/scripts/mfcc_clips.py" --head "$head" --out "$out/clips" --scale small --seed 1 \
    >/dev/null
  "$atome" train --task classify --data "$out/data/$head" --out "$out/run-$head" --numerics q15 \
    --seed 1 --threads 1 --no-plot --quiet --target-risk 0.1 >/dev/null 2>&1 &
done
wait
h=0
for head in voice sound_scene; do
  cp "$out/run-$head/best.atome" "$out/$head.atome"
  "$atome" export --model "$out/$head.atome" --c-header "$out/audio_model_$h.h" \
    --symbol "atome_audio_model_$h" >/dev/null
  h=$((h + 1))
done
"$py" "$repo/scripts/audio_clips.py" --clips "$out/clips" --features "$out/data" --out "$out"
"$twin" "$out" >"$out/host.txt" || { tail -3 "$out/host.txt"; echo "host twin failed"; exit 1; }
# The micro:bit's set (out/one): 1 clip per head, 48 KB of its 256 KB flash.
mkdir -p "$out/one"
cp "$out"/*.atome "$out"/audio_model_*.h "$out/one/"
"$py" "$repo/scripts/audio_clips.py" --clips "$out/clips" --features "$out/data" --out "$out/one" \
  --per-head 1
"$twin" "$out/one" >"$out/one/host.txt" || { tail -3 "$out/one/host.txt"; echo "host twin failed"; exit 1; }
# The front end the firmware read from each model file = the generator's (spec.json).
grep '^head ' "$out/audio_clips.txt" | awk '{print "head", $2, "front", $4, $5, $6, $7, $8}' \
  >"$out/front_expected.txt"
grep '^head ' "$out/host.txt" >"$out/front_read.txt" || true
cmp -s "$out/front_expected.txt" "$out/front_read.txt" || {
  diff "$out/front_expected.txt" "$out/front_read.txt"; echo "front end read from the file differs"; exit 1; }
# The float path: the generator's feature rows of the same clips through the host classifier.
agree=0 total=0
for head in voice sound_scene; do
  "$atome" classify --model "$out/$head.atome" --csv "$out/rows_$head.csv" | awk '{print $2}' \
    >"$out/float_$head.txt"
  grep " head $head " "$out/host.txt" | sed 's/.* c \([0-9]*\) .*/\1/' >"$out/raw_$head.txt"
  n=$(paste -d' ' "$out/float_$head.txt" "$out/raw_$head.txt" | awk '$1 == $2' | wc -l)
  m=$(wc -l <"$out/raw_$head.txt")
  echo "$head: raw int16 path vs float feature row: $n / $m same class" \
    "(labels $(tr '\n' ' ' <"$out/labels_$head.txt")| float $(tr '\n' ' ' <"$out/float_$head.txt")| raw $(tr '\n' ' ' <"$out/raw_$head.txt"))"
  agree=$((agree + n)) total=$((total + m))
done
[ "$total" -gt 0 ] && [ "$agree" -eq "$total" ] || { echo "disagreement: $agree / $total"; exit 1; }
echo "raw path = float path on all $total clips"
