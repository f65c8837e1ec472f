#!/usr/bin/env bash
# The front-end variants of the MFCC heads on the same audio (docs/DATA.md, "Voice front end"):
# generates the head's clips as int16 (scripts/mfcc_clips.py, --scale full --seed 1), rewrites the
# features per variant (scripts/mfcc_variants.py), trains seeds 1-3 in q15 and prints one markdown
# row per variant: the best validation loss per seed (what a variant is chosen on) and the held-out
# test accuracy per seed and its median. About 40 s per variant on a 2-core VM. voice needs
# espeak-ng and sox.
#
#   scripts/mfcc-variants.sh ATOME_BIN HEAD "SEGMENTS:N_CEPS:MODE ..." [TRAIN OPTIONS...]
set -euo pipefail
atome=$(realpath "$1")
head=$2
variants=$3
shift 3
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 scripts/mfcc_clips.py --head "$head" --out "$work/clips" --scale full --seed 1 >/dev/null
echo "| $head variant | best validation loss, seeds 1 / 2 / 3 | test accuracy, seeds 1 / 2 / 3 | median |"
echo "|---|---|---|---|"
for v in $variants; do
  IFS=: read -r segs ceps mode <<< "$v"
  /usr/bin/python3 scripts/mfcc_variants.py "$work/clips/$head" "$work/$v" "$segs" "$ceps" "$mode" >/dev/null
  accs=()
  losses=()
  for seed in 1 2 3; do
    "$atome" train --task classify --data "$work/$v" --out "$work/$v-run$seed" --numerics q15 \
      --seed "$seed" --threads 1 --no-plot --quiet "$@" > "$work/$v-run$seed.log" 2>&1 ||
      { cat "$work/$v-run$seed.log"; exit 1; }
    read -r loss acc < <(/usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print("%.3f %.3f" % (r["best_valid_loss"], r["test"]["accuracy"]))' "$work/$v-run$seed/result.json")
    losses+=("$loss")
    accs+=("$acc")
  done
  med=$(printf '%s\n' "${accs[@]}" | sort -n | sed -n 2p)
  echo "| $segs x $ceps $mode | ${losses[0]} / ${losses[1]} / ${losses[2]} | ${accs[0]} / ${accs[1]} / ${accs[2]} | $med |"
done
