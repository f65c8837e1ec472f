#!/usr/bin/env bash
# The call path of one generated token, from main to the ternary kernel, as the machine runs it:
# builds `atome` in release mode with frame pointers (build/fp), stops gdb in the kernel at a
# matvec of the 3rd generated token and prints the backtrace (inlined calls are marked by gdb
# with no address). docs/ARCHITECTURE.md quotes it. Needs gdb.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/fp -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-fno-omit-frame-pointer -g1" \
  -DATOME_BUILD_TESTS=OFF -DATOME_BUILD_BENCH=OFF >/dev/null
cmake --build build/fp --target atome >/dev/null
# One token of the 944K model is 8 layers x 5 matvecs + the unembedding = 41 kernel calls; the
# first 41 are the prompt byte, so call 100 belongs to the 3rd generated token.
# The kernel this build selected: the widest one atome_step calls.
kernel=portable
grep -q ATOME_USE_AVX2=1 build/fp/compile_commands.json && kernel=avx2
grep -q ATOME_USE_AVX512=1 build/fp/compile_commands.json && kernel=avx512
gdb -batch -ex "break atome::ternary_matvec_$kernel" -ex run -ex "continue 99" -ex bt \
  --args build/fp/src/cli/atome generate --model models/atome-stories-944k.atome --prompt "" -n 20 \
  2>/dev/null | grep -E '^#' | sed -E 's/ \(\) at / at /'
