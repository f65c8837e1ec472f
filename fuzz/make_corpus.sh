#!/bin/sh
# Writes the fuzz seed corpora:  fuzz/make_corpus.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR  the fuzz build (default build/fuzz, from `cmake --preset fuzz`)
#   OUT_DIR    default BUILD_DIR/corpus; gets model_load/, legacy_read/, train_inputs/,
#              class_input/, signature/, apps_stream/, apps_text/ and wav_read/
# Uses the fuzz_make_seeds helper (tiny synthetic models + the published ones converted, trainer
# inputs). Without it, falls back to the `atome` CLI: `atome convert` of the published models
# only (and one text seed for train_inputs/).
# The published models are test fixtures (../shared/reference): keep the corpus out of the repo.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build=${1:-$repo/build/fuzz}
out=${2:-$build/corpus}
ref=${ATOME_SHARED_DIR:-$repo/../shared}/reference
mkdir -p "$out/model_load" "$out/legacy_read" "$out/train_inputs" "$out/class_input" "$out/signature" \
  "$out/apps_stream" "$out/apps_text" "$out/wav_read"
# fuzz_class_input: a CSV seed (selector 1) and an empty-section seed (selector 0).
printf '\001x[0],y[0],x[1],y[1],x[2],y[2]\n1,2,3,4,-1,0.5\n' >"$out/class_input/rows.csv"
printf '\000ATOMECLS\001\000' >"$out/class_input/section.bin"
# fuzz_apps_stream: a frames CSV (selector 0) and apps.json (selector 1; apps/examples/apps.json).
printf '\000period,head,values...\n0,a,1,2\n0,b,nan,3\n1,a,1\n' >"$out/apps_stream/frames.csv"
{ printf '\001'; cat "$repo/apps/examples/apps.json"; } >"$out/apps_stream/apps.json"
# ... a check-head row of 16 normalised readings, and a config with tolerance gates and
# on_abstain (the fields the example does not use).
printf '\000period,head,values...\n0,a,1,2\n0,b,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,1.5\n' \
  >"$out/apps_stream/frames-check.csv"
# Operator rows: a request with a quote and a comma, an empty one, the resume.
printf '\000period,head,values...\n0,@command,"say ""hi"", please"\n0,a,1,2\n1,@command,""\n1,@resume\n' \
  >"$out/apps_stream/frames-operators.csv"
printf '\001{"heads": [{"name": "t", "model": "t.atome", "role": "telemetry", "gate": {"mode": "tolerance", "tol": 2, "max_skips": 16}}, {"name": "a", "model": "a.atome", "states": ["all"], "every": 2, "offset": 1, "cost": 3}, {"name": "c", "model": "c.atome", "role": "check", "checks": ["a"], "ok_class": "ok", "on_abstain": "flag"}], "policy": {"normal_class": "normal", "budget": 3}}\n' \
  >"$out/apps_stream/apps-tolerance.json"
# fuzz_apps_text: requests in NORMAL (selector 0) and SAFE (4), and apps.json (selector 1).
printf '\000turn on the motor' >"$out/apps_text/turn_on.txt"
printf '\004emergency stop now' >"$out/apps_text/stop.txt"
{ printf '\001'; cat "$repo/apps/examples/apps.json"; } >"$out/apps_text/apps.json"
# A regression seed: a number too large for a double (1e4566486) threw nlohmann's out_of_range,
# which the text config did not catch (found by this fuzzer; tests/apps_text_config_test.cpp).
printf '\00133e4566486' >"$out/apps_text/number_overflow.txt"
# fuzz_wav_read: 16-bit PCM mono at 16 kHz, 4 samples; the same with an odd-sized LIST chunk
# (padded) before the data; and a stereo one (refused).
printf 'RIFF\054\000\000\000WAVEfmt \020\000\000\000\001\000\001\000\200\076\000\000\000\175\000\000\002\000\020\000data\010\000\000\000\001\000\377\377\377\177\000\200' \
  >"$out/wav_read/mono.wav"
printf 'RIFF\070\000\000\000WAVEfmt \020\000\000\000\001\000\001\000\200\076\000\000\000\175\000\000\002\000\020\000LIST\003\000\000\000abc\000data\010\000\000\000\001\000\377\377\377\177\000\200' \
  >"$out/wav_read/list.wav"
printf 'RIFF\054\000\000\000WAVEfmt \020\000\000\000\001\000\002\000\200\076\000\000\000\372\000\000\004\000\020\000data\010\000\000\000\001\000\377\377\377\177\000\200' \
  >"$out/wav_read/stereo.wav"

if [ -x "$build/fuzz/fuzz_make_seeds" ]; then
  "$build/fuzz/fuzz_make_seeds" "$out" "$ref"
elif [ -x "$build/src/cli/atome" ] || command -v atome >/dev/null 2>&1; then
  cli=$build/src/cli/atome
  [ -x "$cli" ] || cli=atome
  "$cli" convert "$ref/original-models/toy_60k.atome01" "$out/model_load/toy_60k.atome"
  for head in motion voice air; do
    "$cli" convert "$ref/original-superesp/$head.atomecl" "$out/model_load/$head.atome"
    cp "$ref/original-superesp/$head.atomecl" "$out/legacy_read/"
    chmod u+w "$out/legacy_read/$head.atomecl"
  done
  # fuzz_signature: selector 0 + an unsigned model (no signed seed without the helper's key),
  # selector 1 + a published receipt.
  { printf '\000'; cat "$out/model_load/air.atome"; } >"$out/signature/air_unsigned.bin"
  { printf '\001'; cat "$ref/original-superesp/air.att.json"; } >"$out/signature/air.att.json"
  # fuzz_train_inputs: selector byte 1 (text corpus) + a text with a story separator.
  printf '\001Once upon a time.\n<|endoftext|>\nThe end.\n' >"$out/train_inputs/stories.txt"
  echo "wrote seeds with $cli to $out (no tiny synthetic models: build fuzz_make_seeds for those)"
else
  echo "neither $build/fuzz/fuzz_make_seeds nor the atome CLI found: build the fuzz preset first" >&2
  exit 1
fi
