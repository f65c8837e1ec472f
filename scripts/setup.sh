#!/usr/bin/env bash
# The README's first command: installs what the build needs on Debian 12, builds the release
# tools, and tells a story with the shipped default model (models/atome-stories-944k.atome,
# trained by our own trainer; its card is models/atome-stories-944k.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
echo
echo "atome generate --model models/atome-stories-944k.atome --prompt 'Once upon a time' \\"
echo "               -n 1000 --temperature 0.8 --top-p 0.9 --seed 7"
echo
build/release/src/cli/atome generate --model models/atome-stories-944k.atome \
  --prompt "Once upon a time" -n 1000 --temperature 0.8 --top-p 0.9 --seed 7
echo
echo "(Generation stops at the end of the story. More: build/release/src/cli/atome --help)"
echo "Interactive, with each layer's router shown live:"
echo "  build/release/src/cli/atome chat --model models/atome-stories-944k.atome"
