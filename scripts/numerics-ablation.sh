#!/usr/bin/env bash
# Measures the per-approximation table of docs/RESULTS.md §11: the bits-per-byte cost of each q15
# approximation on its own (tools/numerics_ablation.py: the float forward with one operation
# swapped for its integer version, and all but one swapped), on the default model and on toy_60k
# (converted to native f32 first), each checked against `atome eval` of the f32 model and of its
# q15 conversion. Rendered between the <!-- numerics-ablation:begin/end --> markers.
#
#   scripts/numerics-ablation.sh     # needs build/release (built here if absent), python3 + numpy
# env: ATOME_SHARED_DIR (default ../shared), ABLATION_BYTES (text prefix, default 10000 bytes of
#      valid.txt cut at a story boundary: 18 numpy forwards per model, ~7 minutes on the 2-core VM
#      while another build ran; the whole file would take hours there)
set -euo pipefail
cd "$(dirname "$0")/.."
atome=build/release/src/cli/atome
if [ ! -x "$atome" ]; then
  cmake --preset release >/dev/null
  cmake --build build/release -j"$(nproc)" --target atome
fi
shared=${ATOME_SHARED_DIR:-../shared}
valid=$shared/data/tinystories/valid.txt
[ -f "$valid" ] ||
  { echo "numerics-ablation: $valid not found (set ATOME_SHARED_DIR)" >&2; exit 1; }
bytes=${ABLATION_BYTES:-10000}
py=
for cand in python3 /usr/bin/python3; do
  if "$cand" -c "import numpy" 2>/dev/null; then py=$cand; break; fi
done
[ -n "$py" ] || { echo "numerics-ablation: no python3 with numpy" >&2; exit 1; }
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1  # one process per core below
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
models=(models/atome-stories-944k.atome)
toy=$shared/reference/original-models/toy_60k.atome01
if [ -f "$toy" ]; then
  "$atome" convert "$toy" "$tmp/toy_60k.atome" >/dev/null
  models+=("$tmp/toy_60k.atome")
fi
start=$(date +%s)
pids=()
for model in "${models[@]}"; do
  name=$(basename "${model%.*}")
  echo "== numerics_ablation $model (prefix $bytes bytes)" >&2
  "$py" tools/numerics_ablation.py "$model" --data "$valid" --max-bytes "$bytes" \
    --atome "$atome" --check --json > "$tmp/$name.json" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done  # --check: a failed self-check stops here
seconds=$(( $(date +%s) - start ))
ABLATION_TMP=$tmp "$py" - "$seconds" "$bytes" "${models[@]}" > "$tmp/section.md" <<'PY'
import json, math, os, sys
seconds, prefix, models = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
names = [os.path.basename(m).rsplit(".", 1)[0] for m in models]
reports = []
for name in names:
    path = os.path.join(os.environ["ABLATION_TMP"], name + ".json")
    reports.append(json.load(open(path)))
def cell(v):  # bpb with 4 decimals, and the same in millinats per predicted byte
    return "%+.4f (%+.2f)" % (v, v * math.log(2) * 1000)
r0 = reports[0]
print("<!-- numerics-ablation:begin (scripts/numerics-ablation.sh; generated, do not edit) -->")
print("Cost of each q15 approximation, bits per byte (millinats per byte in brackets) on the first")
print("%d stories of `valid.txt` (%d predictions, the first %d bytes cut at a story boundary;" %
      (r0["stories"], r0["predicted"], prefix))
print("story mode). *alone*: that operation alone integer, minus the float forward; *in q15*: the")
print("q15 forward minus the same with that operation alone left in float. The whole run took"
      " %d s." % seconds)
print()
head = "| approximation |" + "".join(" %s alone | %s in q15 |" % (n, n) for n in names)
print(head)
print("|---|" + "---|---|" * len(names))
switches = list(r0["costs_bpb"]["alone"])
for s in switches:
    row = "| `%s` |" % s
    for r in reports:
        c = r["costs_bpb"]
        row += " %s | %s |" % (cell(c["alone"][s]), cell(c["leave_one_out"][s]))
    print(row)
row = "| all (q15 forward) |"
for r in reports:
    row += " %s | |" % cell(r["costs_bpb"]["all"])
print(row)
print()
print("| model | float forward | q15 forward | engine f32 (`atome eval`) | engine q15 | checks |")
print("|---|---|---|---|---|---|")
for n, r in zip(names, reports):
    m, c = r["modes"], {k["mode"]: k for k in r["checks"]}
    print("| %s | %.6f | %.6f | %.6f | %.6f | f32 %+.1e, q15 %+.1e: %s |" % (
        n, m["float"]["bpb"], m["all"]["bpb"], c["float"]["engine_bpb"], c["all"]["engine_bpb"],
        c["float"]["diff"], c["all"]["diff"],
        "ok" if all(k["ok"] for k in r["checks"]) else "FAIL"))
print("<!-- numerics-ablation:end -->")
PY
python3 scripts/results_block.py numerics-ablation docs/RESULTS.md "$tmp/section.md"
echo "numerics-ablation: docs/RESULTS.md updated" >&2
