#!/usr/bin/env bash
# StateOverflow.Abi32 (tests/state_overflow.cmake): builds the engine's portable sources and
# tests/state_overflow_abi32.cpp with -m32, writes the model with the 64-bit host helper, and
# runs the 32-bit program on it.
#   state_overflow.sh WORKDIR CXX HELPER SOURCE_ROOT "ENGINE_FLAGS" ENGINE_SOURCE...
set -euo pipefail
work=$1 cxx=$2 helper=$3 root=$4 engine_flags=$5
shift 5
rm -rf "$work"
mkdir -p "$work"
common=(-m32 -std=c++17 -O2 -ffp-contract=off -fno-fast-math -Wall -Wextra -Werror
        -I"$root/include" -I"$root/src")
# shellcheck disable=SC2206  # the flags are one word each
engine=($engine_flags)
"$helper" "$work/model.atome"
objects=()
pids=()
for src in "$@"; do
  obj="$work/$(basename "$src" .cpp).o"
  "$cxx" "${common[@]}" "${engine[@]}" -c "$src" -o "$obj" &
  pids+=($!)
  objects+=("$obj")
done
"$cxx" "${common[@]}" -c "$root/tests/state_overflow_abi32.cpp" -o "$work/main.o" &
pids+=($!)
for pid in "${pids[@]}"; do wait "$pid"; done
"$cxx" -m32 "$work/main.o" "${objects[@]}" -o "$work/state_overflow_abi32"
"$work/state_overflow_abi32" "$work/model.atome"
