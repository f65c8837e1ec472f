#!/usr/bin/env bash
# The fixed-point MFCC front end against the float one on a trained head (docs/APPS.md §7): generates
# a head's data keeping the int16 audio (scripts/mfcc_clips.py; sound_scene by default, voice needs
# espeak-ng and sox), trains a q15 head on the
# float features (mfcc.py on that audio), then classifies every clip twice, from the float features
# and from apps/mfcc.cpp's features of the same audio, and prints the feature error and the class
# agreement. Exit 1 below a sanity bound (97 % agreement; measured 100 %), 77 when python3-numpy
# is missing.
#
#   scripts/mfcc-agreement.sh ATOME_BIN MFCC_FEATURES_BIN [small|full] [sound_scene|voice]
set -euo pipefail
atome=$1
features=$2
scale=${3:-small}
head=${4:-sound_scene}
cd "$(dirname "$0")/.."
/usr/bin/python3 -c 'import numpy' 2>/dev/null || { echo "skip: python3-numpy missing"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 scripts/mfcc_clips.py --head "$head" --out "$work/data" --scale "$scale" --seed 1
data=$work/data/$head
# The front end's arguments from the head's pipeline params: clip samples, segments
# [cmvn N_CEPS [ENDPOINT_DB] | scene].
args=$(/usr/bin/python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["pipeline"]["params"]
extra = ["cmvn", p["n_ceps"]] + ([p["endpoint_db"]] if "endpoint_db" in p else []) if p.get("cmvn") else ["scene"] if p.get("front") == "scene" else []
print(round(p["clip_s"] * p["fs_hz"]), p["segments"], *extra)' "$data/spec.json")
"$atome" train --task classify --data "$data" --out "$work/run" --numerics q15 --seed 1 \
  --threads 1 --no-plot --quiet > "$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
tail -n +2 "$data/examples.csv" | cut -d, -f5- > "$work/float.csv"
# shellcheck disable=SC2086
"$features" "$data/audio.s16" $args > "$work/fixed.csv"
# The generator clips features to the channel limits; so does a device's CSV reader: same here.
"$atome" classify --model "$work/run/best.atome" --csv "$work/float.csv" | awk '{print $2}' > "$work/a"
"$atome" classify --model "$work/run/best.atome" --csv "$work/fixed.csv" | awk '{print $2}' > "$work/b"
paste -d, "$work/float.csv" "$work/fixed.csv" | awk -F, '
  { h = NF / 2; for (i = 1; i <= h; i++) { d = $i - $(i + h); if (d < 0) d = -d; s += d; n++;
      if (d > m) m = d } }
  END { printf "mfcc features on %d generated clips: max |fixed - float| %.4f, mean %.5f\n", NR, m, s / n }'
paste "$work/a" "$work/b" | awk '
  { n++; if ($1 == $2) s++ }
  { c[$1]++ }
  END { k = 0; for (x in c) k++
        printf "classification agreement, float vs fixed-point features: %d / %d = %.2f%% (%d classes predicted)\n", s, n, 100 * s / n, k
        exit (s < 0.97 * n) }'
