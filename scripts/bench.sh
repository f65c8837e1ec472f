#!/usr/bin/env bash
# Reproduces the speed figures of docs/RESULTS.md: builds the release preset, then
#   1. `atome bench --json` — greedy decoding on the original's 944K model (240 tokens after the
#      16-byte prompt "Once upon a time", window 256, one thread, 10 timed repetitions), pinned to
#      one CPU with taskset when available (the several-window table: scripts/bench-report.sh);
#   2. Google Benchmark — the ternary kernels side by side (ratios within one run are what count).
# Usage: scripts/bench.sh [MODEL]   (default: ../shared/reference/original-models/atome_944k.atome01)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-${ATOME_SHARED_DIR:-../shared}/reference/original-models/atome_944k.atome01}
[ -f "$model" ] || { echo "bench: model not found: $model (pass a path)" >&2; exit 1; }
scripts/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" >/dev/null
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
echo "== atome bench (944K, 240 greedy tokens, window 256)"
"${pin[@]}" build/release/src/cli/atome bench --model "$model" --window 256 --prompt-tokens 16 --tokens 240 \
  --repeat 10 --json
echo
echo "== kernels (Google Benchmark, 3 repetitions)"
"${pin[@]}" build/release/bench/atome_bench --benchmark_filter='Matvec' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true 2>/dev/null
