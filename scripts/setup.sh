#!/usr/bin/env bash
# The README's first command (for now): installs what the build needs on Debian 12, builds the
# release tools, and shows what `atome` can do. A default model of our own ships with the trainer
# (issue 3); until then, convert a legacy ATOME01 model with `atome convert`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
echo
echo "Built build/release/src/cli/atome:"
build/release/src/cli/atome --help
