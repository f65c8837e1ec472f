#!/usr/bin/env bash
# CI's fuzz smoke run: builds the libFuzzer targets (clang, ASan+UBSan) and runs each for
# ${ATOME_FUZZ_SECONDS:-20} seconds from the seed corpus. Any crash, sanitizer report or leak
# fails the run and leaves the input in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${ATOME_FUZZ_SECONDS:-20}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target fuzz_model_load fuzz_legacy_read fuzz_train_inputs fuzz_class_input \
  fuzz_signature fuzz_apps_stream fuzz_apps_text fuzz_wav_read fuzz_make_seeds
fuzz/make_corpus.sh build/fuzz >/dev/null
mkdir -p build/fuzz/artifacts
for target in model_load legacy_read train_inputs class_input signature apps_stream apps_text wav_read; do
  echo "fuzz_$target: ${seconds}s"
  log=build/fuzz/artifacts/fuzz_$target.log
  status=0
  build/fuzz/fuzz/fuzz_$target -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix=build/fuzz/artifacts/ build/fuzz/corpus/$target >"$log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    echo "fuzz_$target found a failure (exit $status; input in build/fuzz/artifacts/)"
    exit 1
  fi
done
echo "fuzz smoke: 8 targets, no failures"
