#!/usr/bin/env bash
# The task classifiers of issue 15 item 3 (command_intent, bad_reading, intent_bucket): generates
# their data (data/generators/generate.py --scale full --seed 1), trains each with 3 seeds in q15
# (`atome train --task classify`, one thread each, two at a time; text heads with --quant global so
# a token is a byte), then scripts/task_classifiers_report.py writes the <!-- task-classifiers -->
# block of docs/RESULTS.md beside float baselines, and ships the seed with the lowest validation
# loss as models/task-<head>-q15.atome with its card. About 3 minutes on a 2-core VM.
# Needs python3-numpy and python3-sklearn (Debian).
#
#   scripts/task-classifiers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
atome=$build/src/cli/atome
if [ ! -x "$atome" ]; then
  cmake --preset release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target atome
fi
data=build/task-data
runs=build/task-runs
heads=(command_intent bad_reading intent_bucket)
/usr/bin/python3 data/generators/generate.py --out "$data" --scale full --seed 1 \
  --heads "$(IFS=,; echo "${heads[*]}")"
# bad_reading: five reading_context features (data/generators/reading_context.py), banded = 51
# levels each. (Its first version fed the 16 readings, 16 levels each: valid slow channels looked
# stuck; docs/APPS.md §10.)
declare -A quant=([command_intent]=global [bad_reading]=banded [intent_bucket]=global)
mkdir -p "$runs"
jobs=()
for head in "${heads[@]}"; do
  for seed in 1 2 3; do
    rm -rf "$runs/$head-s$seed"
    jobs+=("$head $seed ${quant[$head]}")
  done
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 sh -c \
  "nice $atome"' train --task classify --data '"$data"'/$0 --out '"$runs"'/$0-s$1 --numerics q15 --seed $1 --quant $2 --target-risk 0.05 --threads 1 --no-plot --quiet > '"$runs"'/$0-s$1.log 2>&1 && echo "trained $0 seed $1"'
/usr/bin/python3 scripts/task_classifiers_report.py --data "$data" --runs "$runs"
