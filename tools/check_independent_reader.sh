#!/usr/bin/env bash
# Checks tools/atome_reader.py (an independent reader written from docs/FORMAT.md alone) against
# the atome CLI.
#
# usage: check_independent_reader.sh ATOME_CLI TMP_DIR [MODE]
#   MODE: inspect | corrupt | forward | all (default all)
# env:   PYTHON3 (default python3), ATOME_SHARED_DIR (default <repo>/../shared), CI
#
# The model is the reference fixture toy_60k.atome01 converted to native with `atome convert`,
# and the same model converted to the numerics modes a8 and q15 (`atome convert --numerics`,
# docs/FORMAT.md section 16): every mode checks all three files.
# If the fixture is missing: exit 77 (CTest SKIP_RETURN_CODE), or fail when CI=true.
set -u -o pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 ATOME_CLI TMP_DIR [inspect|corrupt|forward|all]" >&2
  exit 2
fi
ATOME=$1
TMP=$2
MODE=${3:-all}
PY=${PYTHON3:-python3}
export PYTHONDONTWRITEBYTECODE=1
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TOOLS/.." && pwd)
SHARED=${ATOME_SHARED_DIR:-$REPO/../shared}
FIXTURE=$SHARED/reference/original-models/toy_60k.atome01

case $MODE in inspect|corrupt|forward|all) ;; *) echo "unknown mode $MODE" >&2; exit 2 ;; esac

# (a) the model
if [ ! -f "$FIXTURE" ]; then
  if "$(dirname "$0")/../scripts/in-ci.sh"; then
    echo "FAIL: fixture missing: $FIXTURE (CI=true)" >&2
    exit 1
  fi
  echo "SKIP: fixture missing: $FIXTURE"
  exit 77
fi
rm -rf "$TMP" && mkdir -p "$TMP" || exit 1
MODEL=$TMP/toy_60k.atn
"$ATOME" convert "$FIXTURE" "$MODEL" >/dev/null || { echo "FAIL: atome convert" >&2; exit 1; }
"$PY" "$TOOLS/atome_reader.py" validate "$MODEL" || { echo "FAIL: reader rejects the model" >&2; exit 1; }
# The same model with base-3 packing (FORMAT.md §5.3).
MODEL3=$TMP/toy_60k_trit3.atn
"$ATOME" convert "$MODEL" "$MODEL3" --packing trit3 >/dev/null || { echo "FAIL: atome convert --packing trit3" >&2; exit 1; }
"$PY" "$TOOLS/atome_reader.py" validate "$MODEL3" || { echo "FAIL: reader rejects the trit3 model" >&2; exit 1; }
for num in a8 q15; do
  "$ATOME" convert "$FIXTURE" "$TMP/toy_60k.$num.atn" --numerics $num >/dev/null ||
    { echo "FAIL: atome convert --numerics $num" >&2; exit 1; }
  "$PY" "$TOOLS/atome_reader.py" validate "$TMP/toy_60k.$num.atn" >/dev/null ||
    { echo "FAIL: reader rejects the $num model" >&2; exit 1; }
done
MODEL_A8=$TMP/toy_60k.a8.atn
MODEL_Q15=$TMP/toy_60k.q15.atn
# q15 with base-3 packing: both new encodings at once.
MODEL_Q15_3=$TMP/toy_60k.q15.trit3.atn
"$ATOME" convert "$MODEL_Q15" "$MODEL_Q15_3" --packing trit3 >/dev/null ||
  { echo "FAIL: atome convert --packing trit3 (q15)" >&2; exit 1; }
# The compact q15 layout (FORMAT.md §18, version 2.0): vectors rounded to int16 << shift.
MODEL_Q15_C=$TMP/toy_60k.q15.compact.atn
"$ATOME" convert "$MODEL_Q15" "$MODEL_Q15_C" --layout compact >/dev/null ||
  { echo "FAIL: atome convert --layout compact" >&2; exit 1; }

# A 1.3 classifier (FORMAT.md section 17): a SuperESP head with its tokeniser ranges.
CLS_SRC=$SHARED/reference/original-superesp/air
MODEL_CLS=$TMP/air.atn
"$ATOME" convert "$CLS_SRC.atomecl" "$MODEL_CLS" --tok "$CLS_SRC.tok.json" --tok-mode global \
  --channels "mq2:ppm:0:10000,co2:ppm:0:40000,voc:ppb:0:60000,temp:C:-40:85,rh:%:0:100" \
  --window 6 --pipeline window-mean --param window_s=10 --temperature 1.25 --abstain margin:0.15 \
  >/dev/null || { echo "FAIL: atome convert --tok" >&2; exit 1; }

fails=0

# (b) inspect: config, CRC and tensor table, field by field
if [ "$MODE" = inspect ] || [ "$MODE" = all ]; then
  for m in "$MODEL" "$MODEL3" "$MODEL_A8" "$MODEL_Q15" "$MODEL_Q15_3" "$MODEL_Q15_C" "$MODEL_CLS"; do
    "$PY" "$TOOLS/compare_inspect.py" "$ATOME" "$m" || fails=$((fails + 1))
  done
fi

# (c) corrupted copies: both must reject; the reader must give the spec's status, and so must the
#     engine where the CLI's message is the engine's atome_status_str (the CLI answers a file that
#     is empty or has no known magic itself); the variants the spec says are valid must be
#     accepted by both (and inspect the same)
declare -A ENGINE_MSG=(
  [ATOME_ERR_TRUNCATED]="model image is truncated"
  [ATOME_ERR_BAD_MAGIC]="not an Atome native model (bad magic)"
  [ATOME_ERR_VERSION]="unsupported model format version"
  [ATOME_ERR_SIZE_MISMATCH]="model image has trailing bytes beyond its declared size"
  [ATOME_ERR_CHECKSUM]="model checksum (CRC-32) mismatch"
  [ATOME_ERR_BAD_HEADER]="invalid model header"
  [ATOME_ERR_BAD_CONFIG]="invalid model architecture config"
  [ATOME_ERR_BAD_TENSOR]="invalid tensor table entry"
  [ATOME_ERR_BAD_WEIGHTS]="invalid weight data"
  [ATOME_ERR_BAD_SIGNATURE_BLOCK]="malformed signature block"
  [ATOME_ERR_UNSUPPORTED]="model numerics mode not supported by this build"
  [ATOME_ERR_BAD_METADATA]="invalid classifier metadata section"
)
engine_status_of() {  # the status whose atome_status_str the CLI's message carries, or "-"
  local k
  for k in "${!ENGINE_MSG[@]}"; do
    case $1 in *": ${ENGINE_MSG[$k]}"*) echo "$k"; return ;; esac
  done
  echo "-"
}
if [ "$MODE" = corrupt ] || [ "$MODE" = all ]; then
  CASES=$TMP/cases
  "$PY" "$TOOLS/corrupt_cases.py" "$MODEL" "$CASES" "$MODEL_A8" "$MODEL_Q15" "$MODEL_CLS" "$MODEL3" \
    "$MODEL_Q15_C" || exit 1
  n=0
  while IFS=$'\t' read -r name file expect status; do
    n=$((n + 1))
    got=$("$PY" "$TOOLS/atome_reader.py" validate "$file" 2>&1); rc=$?
    got_status=${got%% *}
    "$ATOME" inspect "$file" --json >/dev/null 2>"$TMP/cli.err"; cli_rc=$?
    want_rc=1; [ "$expect" = 0 ] && want_rc=0
    ok=1
    if [ "$got_status" != "$status" ] || [ $rc -ne $want_rc ]; then
      echo "FAIL $name: reader says '$got' (exit $rc), spec wants $status ($expect)"; ok=0
    fi
    if [ "$want_rc" = 0 ] && [ $cli_rc -ne 0 ]; then
      echo "FAIL $name: atome inspect rejects a valid file: $(cat "$TMP/cli.err")"; ok=0
    elif [ "$want_rc" = 1 ] && [ $cli_rc -eq 0 ]; then
      echo "FAIL $name: atome inspect accepts a corrupt file (spec: $status)"; ok=0
    fi
    cli_status=-
    if [ "$want_rc" = 1 ] && [ $cli_rc -ne 0 ]; then
      cli_status=$(engine_status_of "$(cat "$TMP/cli.err")")
      if [ "$cli_status" != - ] && [ "$cli_status" != "$status" ]; then
        echo "FAIL $name: the engine says $cli_status ($(cat "$TMP/cli.err")), spec wants $status"; ok=0
      fi
    fi
    if [ $ok = 1 ] && [ "$want_rc" = 0 ]; then
      "$PY" "$TOOLS/compare_inspect.py" "$ATOME" "$file" >"$TMP/cmp.out" || { cat "$TMP/cmp.out"; ok=0; }
    fi
    if [ $ok = 1 ]; then
      engine_note=""; [ "$cli_status" != - ] && engine_note=", engine $cli_status"
      echo "ok   $name: $status, atome inspect exit $cli_rc$engine_note"
    else
      fails=$((fails + 1))
    fi
  done < <("$PY" -c 'import json,sys
for c in json.load(open(sys.argv[1])): print("\t".join([c["name"], c["file"], str(c["expect"]), c["status"]]))' "$CASES/cases.json")
  [ $n -gt 0 ] || { echo "FAIL: no corruption cases" >&2; fails=$((fails + 1)); }
  echo "corrupt: $n cases"
fi

# (d) forward pass: first logits bit for bit, in each numerics mode (q15: the Q16 integers, which
#     the CLI prints as float32(v) / 65536 and the reader converts the same way: exact equality)
if [ "$MODE" = forward ] || [ "$MODE" = all ]; then
  for m in "$MODEL" "$MODEL_A8" "$MODEL_Q15"; do
    "$PY" "$TOOLS/compare_forward.py" "$ATOME" "$m" "Hello" || fails=$((fails + 1))
    # longer than conv_kernel and top_k, and longer than a small attention window
    "$PY" "$TOOLS/compare_forward.py" "$ATOME" "$m" "Hi, Atome!" 6 || fails=$((fails + 1))
  done
  for m in "$MODEL3" "$MODEL_Q15_3" "$MODEL_Q15_C"; do
    "$PY" "$TOOLS/compare_forward.py" "$ATOME" "$m" "Hi, Atome!" 6 || fails=$((fails + 1))
  done
  # valid variants that reach the rare paths of section 16: max|h| = 0, rounding ties of the a8
  # and q15 quantisations, saturation everywhere
  variants=$("$PY" "$TOOLS/numerics_stress.py" "$MODEL_A8" "$MODEL_Q15" "$TMP/stress") ||
    { echo "FAIL: numerics_stress.py" >&2; exit 1; }
  for v in $variants; do
    "$PY" "$TOOLS/compare_forward.py" "$ATOME" "$v" "Hi, Atome!" 6 || fails=$((fails + 1))
  done
fi

if [ $fails -ne 0 ]; then
  echo "FAILED: $fails check(s)"
  exit 1
fi
echo "PASSED ($MODE)"
exit 0
