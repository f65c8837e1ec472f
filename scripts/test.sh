#!/usr/bin/env bash
# The README's test command: installs what it needs, builds, and runs every test —
#   1. release build, whole CTest suite (golden parity, incremental == recompute, kernels, loader
#      robustness, CLI, trainer, and the firmware of every core under QEMU against the host);
#   2. the portable-kernel build (the code path microcontrollers run), whole suite again;
#   3. the same test binary under AddressSanitizer + UndefinedBehaviorSanitizer (built at -O1, the level
#      ASan's documentation recommends, with line tables only: half the compile time of -O2 -g);
#   (2 and 3 leave out the independent reader's tests, label independent_reader: a Python reader
#   checked against the CLI on files the CLI writes, the same comparison in every build — run
#   once, in 1, where it is the check; the CLI's loaders under ASan are the fuzzers' and
#   LoaderRobustness' job. That saves ~1.5 min of a suite that must stay under 30. 2 also leaves
#   out the three 10,000-file corruption runs of the loaders and signatures, whose code does not
#   depend on the kernel: they run in 1 and, where they find memory errors, in 3 — ~1 min more.)
#   4. a short libFuzzer run of each loader (seed corpus from a generated model).
# The three builds are clean builds in CI: ATOME_UNITY=ON compiles the CLI's and the tests' files in
# batches (cmake/Precompile.cmake), half their compile time; a file-local name that collides with
# another file's in its batch fails here, so rename it (tests keep file-specific names).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --firmware
jobs=$(nproc)

echo "== release build + tests"
cmake --preset release -DATOME_UNITY=ON >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs"

echo "== portable kernel build + tests"
cmake --preset portable -DATOME_UNITY=ON >/dev/null
cmake --build --preset portable -j"$jobs"
ctest --preset portable -j"$jobs" -LE independent_reader \
  -E 'LoaderRobustness\.(RandomCorruptionsOf944k|TenThousandPlainCorruptionsOf944kAllRejected)|SigningBitFlip\.EverySingleBitFlipIsRefused'

echo "== ASan + UBSan build + tests"
cmake --preset asan -DATOME_UNITY=ON >/dev/null
cmake --build --preset asan -j"$jobs"
ctest --preset asan -j"$jobs" -LE independent_reader

if [ -x fuzz/smoke.sh ]; then
  echo "== fuzz smoke"
  fuzz/smoke.sh
fi
