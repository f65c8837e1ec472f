#!/usr/bin/env bash
# Model-side settings for the classifier heads (issue 14), measured on each head's VALIDATION
# split: trains HEADS x SEEDS with one extra option set (q15, one thread each, two at a time, as
# scripts/classify-report.sh) into build/classify-sweep/<head>-<label>-s<seed>, then
# scripts/classify_sweep.py prints, per head and label, the best validation loss and the
# validation accuracy at that epoch (median over the seeds run so far). Test figures are printed
# for the record only: settings are chosen on validation. Finished runs are kept and reused.
#
#   scripts/classify-sweep.sh LABEL "HEAD ..." "SEED ..." [TRAIN OPTIONS...]
#   scripts/classify-sweep.sh wd0.1 "agri motion" "1 2 3" --wd 0.1
#   scripts/classify_sweep.py [HEAD ...]          # the table of everything run so far
#
# Needs build/classify-data (scripts/classify-report.sh writes it: data/generators/generate.py
# --scale large --seed 1; the passes before main 6ebd4de ran on --scale full with 1 % label noise)
# and build/release/src/cli/atome.
set -euo pipefail
cd "$(dirname "$0")/.."
label=$1 heads=$2 seeds=$3
shift 3
lines=()
for h in $heads; do
  for s in $seeds; do
    line="$h $s $label $*"
    lines+=("${line% }")  # no trailing blank: xargs -L would join the next line to it
  done
done
mkdir -p build/classify-sweep
printf '%s\n' "${lines[@]}" | xargs -P 2 -L 1 sh -c \
  'h=$0 s=$1 l=$2; shift 2; d=build/classify-sweep/$h-$l-s$s; [ -f "$d/result.json" ] && exit 0
   rm -rf "$d"; build/release/src/cli/atome train --task classify --data "build/classify-data/$h" \
     --out "$d" --numerics q15 --seed "$s" --threads 1 --no-plot --quiet "$@" > "$d.log" 2>&1 \
     || { echo "failed: $d (see $d.log)" >&2; exit 1; }'
/usr/bin/python3 scripts/classify_sweep.py $heads
