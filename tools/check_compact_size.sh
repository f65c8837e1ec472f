#!/usr/bin/env bash
# Checks tools/compact_size.py (the table-free layout arithmetic of docs/RESULTS.md §11): its
# rounded copy of a q15 model must be a valid native file that the engine loads (so the rounding
# kept every value in range and the CRC was rewritten) and whose bits per byte on a short text stay
# within 0.01 of the original's; a non-q15 file and a truncated file must each give one error line
# and exit 1, never a Python traceback.
#
# usage: check_compact_size.sh ATOME_CLI Q15_MODEL F32_MODEL TMP_DIR
set -u -o pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 ATOME_CLI Q15_MODEL F32_MODEL TMP_DIR" >&2
  exit 2
fi
ATOME=$1
Q15=$2
F32=$3
TMP=$4
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${PYTHON3:-python3}
export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$TMP"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

out=$("$PY" "$TOOLS/compact_size.py" "$Q15" --write-rounded "$TMP/rounded.atome") \
  || fail "compact_size.py on $Q15 exited $?"
echo "$out" | grep -q "lossless: i16 or i32 per tensor, trit" || fail "no layout rows printed"
"$ATOME" inspect "$TMP/rounded.atome" > "$TMP/inspect.txt" 2>&1 \
  || fail "the engine rejects the rounded file: $(tail -1 "$TMP/inspect.txt")"

# Rounding moves each vector value by at most 2 in Q16: the bits per byte barely move.
printf 'Once upon a time, there was a little girl. She liked to play in the park with her dog.\n' \
  > "$TMP/story.txt"
bpb() { "$ATOME" eval --model "$1" --data "$TMP/story.txt" --threads 1 | sed -n 's/^bpb \([0-9.]*\).*/\1/p'; }
a=$(bpb "$Q15")
b=$(bpb "$TMP/rounded.atome")
if [ -z "$a" ] || [ -z "$b" ]; then
  fail "atome eval gave no bits per byte ('$a', '$b')"
elif ! awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.01) }'; then
  fail "bits per byte moved from $a to $b"
fi

# Bad input: one line on stderr, exit 1.
for bad in "$F32" truncated; do
  file=$bad
  if [ "$bad" = truncated ]; then
    file=$TMP/truncated.atome
    head -c 2000 "$Q15" > "$file"
  fi
  "$PY" "$TOOLS/compact_size.py" "$file" > /dev/null 2> "$TMP/err.txt"
  rc=$?
  lines=$(wc -l < "$TMP/err.txt")
  if [ "$rc" -ne 1 ] || [ "$lines" -ne 1 ]; then
    fail "$bad input: exit $rc, $lines stderr lines: $(head -3 "$TMP/err.txt")"
  fi
done

if [ "$fails" -ne 0 ]; then
  exit 1
fi
echo "compact_size.py: rounded copy loads (bpb $a -> $b), bad inputs give one line"
