#!/usr/bin/env bash
# Measures the integer-numerics table of docs/RESULTS.md §11 and writes it there: the bits-per-byte
# cost of converting each float model after training to a8 and to q15 (`atome convert --numerics
# MODE --text valid.txt`, story mode, as `atome eval`), and the decode speed of the q15 default
# model against the f32 one in one run (`atome bench --numerics q15`, one thread, pinned to CPU 0
# when taskset exists). Rendered between the <!-- numerics-report:begin/end --> markers.
#
#   scripts/numerics-report.sh            # needs build/release (built here if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
atome=build/release/src/cli/atome
if [ ! -x "$atome" ]; then
  cmake --preset release >/dev/null
  cmake --build build/release -j"$(nproc)" --target atome
fi
shared=${ATOME_SHARED_DIR:-../shared}
valid=$shared/data/tinystories/valid.txt
[ -f "$valid" ] || { echo "numerics-report: $valid not found (set ATOME_SHARED_DIR)" >&2; exit 1; }
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
models=(models/atome-stories-944k.atome)
toy=$shared/reference/original-models/toy_60k.atome01
if [ -f "$toy" ]; then models+=("$toy"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=()
for model in "${models[@]}"; do
  name=$(basename "${model%.*}")
  for mode in a8 q15; do
    echo "== atome convert $model --numerics $mode" >&2
    line=$("$atome" convert "$model" "$tmp/$name.$mode.atn" --numerics "$mode" --text "$valid" |
           grep '^bpb on')
    # "bpb on FILE: f32 1.5926 -> q15 1.5925 (-0.0002)"
    read -r from before _ to after delta <<<"$(sed -E 's/^bpb on [^:]*: //; s/[()]//g' <<<"$line")"
    bytes=$(stat -c %s "$tmp/$name.$mode.atn")
    rows+=("| $name | $from $before | $to $after | $delta | $bytes |")
  done
done
echo "== atome bench models/atome-stories-944k.atome --numerics q15" >&2
"${pin[@]}" "$atome" bench --model models/atome-stories-944k.atome --numerics q15 \
  --windows 64,256 --tokens 240 --repeat 10 --json > "$tmp/bench.json"
speed=$(python3 - "$tmp/bench.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
conv = j["numerics_compare"]
print(f"Machine: {j['cpu']}, {j['nproc']} logical CPUs, kernel {j['kernel']}, load average "
      f"{j['load_average_1m']:.2f} at the start; medians of {j['repeat']} runs of {j['tokens']} tokens.\n")
print("| window | f32 decode tok/s (min-max) | q15 decode tok/s (min-max) | q15 / f32 | state f32 | state q15 |")
print("|---|---|---|---|---|---|")
for f, q in zip(j["windows"], conv["windows"]):
    fs, qs = f["decode_tok_s"], q["decode_tok_s"]
    print(f"| {f['window']} | {fs['median']:.0f} ({fs['min']:.0f}-{fs['max']:.0f}) | "
          f"{qs['median']:.0f} ({qs['min']:.0f}-{qs['max']:.0f}) | {q['decode_speedup']:.2f}x | "
          f"{f['state_bytes']:,} B | {q['state_bytes']:,} B |")
PY
)
{
  echo "<!-- numerics-report:begin (scripts/numerics-report.sh; generated, do not edit) -->"
  echo "Post-training conversion, bits per byte on \`valid.txt\` (story mode):"
  echo
  echo "| model | float | converted | cost | file bytes |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Decode speed of the default model, f32 and q15 in one \`atome bench --numerics q15\` run:"
  echo
  echo "$speed"
  echo "<!-- numerics-report:end -->"
} > "$tmp/section.md"
python3 scripts/results_block.py numerics-report docs/RESULTS.md "$tmp/section.md"
echo "numerics-report: docs/RESULTS.md updated" >&2
