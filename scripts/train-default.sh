#!/usr/bin/env bash
# Trains the shipped default model, models/atome-stories-944k.atome, exactly as it was trained
# (models/atome-stories-944k.md): the 944K block (d 256, 8 layers, d_head 64, K 5, top-k 4),
# 12,000 steps of 16 x 128 bytes of train.txt, AdamW lr 2e-3 with 500 warmup steps and a cosine
# to 2e-4, weight decay 0.1 on the ternary matrices, clipping at 1, validation every 1,000 steps;
# the shipped file is the run's best.atome (best valid.txt bits per byte). About an hour on 2 cores.
#
#   scripts/train-default.sh [DATA_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${ATOME_SHARED_DIR:-../shared}/data/tinystories}
out=${2:-runs/atome-stories-944k}
atome=build/release/src/cli/atome
[ -x "$atome" ] || { cmake --preset release >/dev/null && cmake --build --preset release; }
"$atome" train --train "$data/train.txt" --valid "$data/valid.txt" --out "$out" \
  --d 256 --layers 8 --d-head 64 --seq 128 --batch 16 --steps 12000 --lr 2e-3 --warmup 500 \
  --schedule cosine --min-lr-ratio 0.1 --wd 0.1 --clip 1 --eval-every 1000 \
  --checkpoint-every 500 --log-every 50 --seed 1
echo "best model: $out/best.atome (copy it to models/atome-stories-944k.atome)"
