#!/usr/bin/env bash
# Checks tools/numerics_ablation.py against the engine on a few short stories written here (no
# ../shared needed): with every switch off its bits per byte must match `atome eval` of the f32
# model (1e-4), with every switch on `atome eval` of its q15 conversion (1e-9: the same integer
# logits, so equal but for the order of the double sums). A wrong rounding in an integer
# operation moves the all-on figure by far more (LayerNorm's output floored instead of rounded:
# 6.8e-4 bpb on these stories).
#
# usage: check_numerics_ablation.sh ATOME_CLI MODEL TMP_DIR
# env:   PYTHON3 (default: the first of python3, /usr/bin/python3 that has numpy), CI
# Without numpy: exit 77 (CTest SKIP_RETURN_CODE), or fail when CI=true.
set -u -o pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 ATOME_CLI MODEL TMP_DIR" >&2
  exit 2
fi
ATOME=$1
MODEL=$2
TMP=$3
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

PY=
for cand in ${PYTHON3:-} python3 /usr/bin/python3; do
  if "$cand" -c "import numpy" 2>/dev/null; then PY=$cand; break; fi
done
if [ -z "$PY" ]; then
  if "$TOOLS/../scripts/in-ci.sh"; then
    echo "FAIL: no python3 with numpy (CI=true)" >&2
    exit 1
  fi
  echo "SKIP: no python3 with numpy (apt-get install python3-numpy)"
  exit 77
fi

rm -rf "$TMP" && mkdir -p "$TMP" || exit 1
TEXT=$TMP/stories.txt
cat > "$TEXT" <<'STORIES'
Once upon a time, there was a little girl named Lily. She loved to play in the park with her red ball. One day, the ball rolled under a big tree. Lily looked and looked, but she could not find it.
Her friend Tom came to help. "Look, Lily! It is behind the rock," he said. Lily was very happy. She hugged Tom and they played together until the sun went down.
<|endoftext|>
Tim had a small dog named Max. Max liked to run and jump. One day, Max saw a cat and ran after it. Tim called, "Max, come back!" Max stopped and came back to Tim. Tim gave Max a big hug.
<|endoftext|>
The sun was hot. A bird sat on a branch and sang a happy song. A frog in the pond heard the song and said, "What a nice song!" The bird smiled and sang again.
<|endoftext|>
Sue wanted to bake a cake for her mom. She got flour, eggs and milk. She mixed them in a bowl. The cake was yummy, and Mom said, "Thank you, Sue!"
STORIES

"$PY" "$TOOLS/numerics_ablation.py" "$MODEL" --data "$TEXT" --modes float,all \
  --atome "$ATOME" --check > "$TMP/report.txt"
rc=$?
cat "$TMP/report.txt"
if [ $rc -ne 0 ]; then
  echo "FAIL: numerics_ablation.py disagrees with the engine (exit $rc)" >&2
  exit 1
fi
grep -q "check float vs engine f32.* ok$" "$TMP/report.txt" &&
  grep -q "check all vs engine q15.* ok$" "$TMP/report.txt" ||
  { echo "FAIL: a self-check is missing from the report" >&2; exit 1; }
echo "PASS"
