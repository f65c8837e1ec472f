#!/usr/bin/env bash
# The classifier-heads table of docs/RESULTS.md §12 (issue 14): generates the 12 domains' data
# (data/generators/generate.py --scale full --seed 1; voice needs espeak-ng and sox), trains each
# head with 3 seeds in q15 (`atome train --task classify`, one thread each, two at a time), then
# scripts/classify_report.py scores them beside float baselines on the same splits and rewrites
# the block between the <!-- classify-report --> markers. About 10 minutes on a 2-core VM.
# Needs python3-numpy and python3-sklearn (Debian).
#
#   scripts/classify-report.sh [HEAD ...]      # default: all 12
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
atome=$build/src/cli/atome
twin=$build/tests/atome_firmware_twin_q15_classifier
if [ ! -x "$atome" ] || [ ! -x "$twin" ]; then
  cmake --preset release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target atome atome_firmware_twin_q15_classifier
fi
heads=("$@")
if [ ${#heads[@]} -eq 0 ]; then
  heads=(agri voice motion sound_scene anomaly air os_telem power occupancy wearable water forecast)
fi
data=build/classify-data
runs=build/classify-runs
for head in "${heads[@]}"; do
  if [ ! -f "$data/$head/examples.csv" ]; then
    /usr/bin/python3 data/generators/generate.py --out "$data" --scale full --seed 1 --heads "$head"
  fi
done
mkdir -p "$runs"
jobs=()
for head in "${heads[@]}"; do
  for seed in 1 2 3; do
    rm -rf "$runs/$head-s$seed"
    jobs+=("$head $seed")
  done
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 sh -c \
  "$atome"' train --task classify --data '"$data"'/$0 --out '"$runs"'/$0-s$1 --numerics q15 --seed $1 --threads 1 --no-plot --quiet > '"$runs"'/$0-s$1.log 2>&1 && echo "trained $0 seed $1"'
/usr/bin/python3 scripts/classify_report.py --data "$data" --runs "$runs" --twin "$twin"
