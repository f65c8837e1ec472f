#!/usr/bin/env bash
# Measures the speed table of docs/RESULTS.md §5 and writes it there: `atome bench --json` at
# windows 64, 256 and 1024 (240 greedy tokens after a prompt as long as the window, 1 warm-up +
# 10 timed repetitions, one thread, pinned to CPU 0 with taskset when available) on the shipped
# default model, and on the original's toy 60K model when ../shared has it. Each run's JSON is
# saved in docs/bench/ (the baseline for `atome bench --compare`), then scripts/bench_report.py
# renders them between the <!-- bench-report:begin/end --> markers.
#
#   scripts/bench-report.sh            # needs build/release (built here if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
atome=build/release/src/cli/atome
if [ ! -x "$atome" ]; then
  cmake --preset release >/dev/null
  cmake --build build/release -j"$(nproc)" --target atome
fi
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
toy=${ATOME_SHARED_DIR:-../shared}/reference/original-models/toy_60k.atome01
models=(models/atome-stories-944k.atome)
if [ -f "$toy" ]; then models+=("$toy"); else echo "bench-report: no $toy, skipping it" >&2; fi
mkdir -p docs/bench
saved=()
for model in "${models[@]}"; do
  name=$(basename "${model%.*}")
  echo "== atome bench $model" >&2
  "${pin[@]}" "$atome" bench --model "$model" --windows 64,256,1024 --tokens 240 --repeat 10 \
    --json > "docs/bench/$name.json.tmp"
  mv "docs/bench/$name.json.tmp" "docs/bench/$name.json"
  saved+=("docs/bench/$name.json")
done
python3 scripts/bench_report.py --results docs/RESULTS.md "${saved[@]}"
echo "bench-report: wrote ${saved[*]} and the bench-report block of docs/RESULTS.md" >&2
