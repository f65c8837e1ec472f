#!/usr/bin/env bash
# Training benchmark (a measurement, not a test): the seed's 60K protocol — d 64, 4 layers,
# d_head 16, K 5, top-k 4; 3,000 steps of batch 16 x sequence 64; AdamW lr 3e-4, constant, no
# clipping, weight decay 0.01 (torch's AdamW default) — on train.txt, then bits per byte on
# valid.txt with the engine. Prints one JSON object: wall time, training tokens/s, bpb.
#
#   scripts/bench-train.sh [DATA_DIR] [OUT_DIR] [THREADS]
#   DATA_DIR defaults to ../shared/data/tinystories (or $ATOME_SHARED_DIR/data/tinystories).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-${ATOME_SHARED_DIR:-../shared}/data/tinystories}
out=${2:-build/bench-train}
threads=${3:-0}
atome=build/release/src/cli/atome
[ -x "$atome" ] || { cmake --preset release >/dev/null && cmake --build --preset release; }
rm -rf "$out"
start=$(date +%s.%N)
"$atome" train --train "$data/train.txt" --out "$out" --preset 60k --steps 3000 --batch 16 \
  --seq 64 --lr 3e-4 --schedule constant --clip 0 --wd 0.01 --seed 1 --threads "$threads" \
  --log-every 100 --quiet
end=$(date +%s.%N)
"$atome" eval --model "$out/model.atome" --data "$data/valid.txt" --json > "$out/eval.json"
"$atome" eval --model "$out/model.atome" --data "$data/valid.txt" --chunk 64 --json \
  > "$out/eval_chunk64.json"
python3 - "$out" "$start" "$end" <<'PY'
import json, os, sys
out, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
lines = [json.loads(l) for l in open(os.path.join(out, "metrics.jsonl"))]
train = [l for l in lines if "train_loss" in l]
start_event = next(l for l in lines if l.get("event") == "start")
story = json.load(open(os.path.join(out, "eval.json")))
chunk = json.load(open(os.path.join(out, "eval_chunk64.json")))
print(json.dumps({
    "protocol": "seed 60K: 3000 steps, batch 16, seq 64, AdamW 3e-4 constant, no clip, wd 0.01",
    "threads": start_event["threads"],
    "params": start_event["params"],
    "wall_s": round(end - start, 2),
    "train_tokens": train[-1]["tokens"],
    "train_tok_per_s": round(train[-1]["tok_per_s"]),
    "final_train_loss_nats": round(train[-1]["train_loss"], 4),
    "valid_bpb_story": round(story["bpb"], 4),
    "valid_bpb_chunk64": round(chunk["bpb"], 4),
    "seed_bpb": 2.657,
}, indent=2))
PY
