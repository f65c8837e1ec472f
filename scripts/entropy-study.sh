#!/usr/bin/env bash
# Router entropy study (docs/RESULTS.md §9): does the router's entropy track per-token loss, or
# out-of-domain input? Runs the shipped default model over three corpora of about the same size
# with `atome eval --router-stats` (every statistic is computed there, in C++) and writes:
#
#   OUT/valid.txt, code.txt, shuffled.txt   the corpora
#     valid     ../shared/data/tinystories/valid.txt (or $ATOME_DATA/valid.txt), as it is
#     code      non-story text: this repository's C++ sources (src/**/*.cpp, *.h) as of commit
#               $CODE_REV (pinned, so that later edits do not move the figures), concatenated in
#               path order and cut to the byte count of valid.txt; one "story"
#     shuffled  valid.txt with the bytes of each story shuffled (Python's random.Random(1)):
#               the same bytes as valid, story by story, without any of their order
#   OUT/<corpus>.json     `atome eval --chunk 256 --router-stats --json` of each corpus
#   OUT/valid-story.json  the same for valid.txt in story mode (the correlation with the loss)
#   OUT/valid-story.csv   its per-prediction CSV (`--per-token`), for further analysis
#   OUT/entropy-study.md  the Markdown block, also printed
# and, unless NO_RESULTS=1, replaces the lines between <!-- entropy-study:begin --> and
# <!-- entropy-study:end --> in docs/RESULTS.md with that block.
#
# Segmentation: to compare corpora, every corpus is scored in chunk mode with --chunk 256: the
# token stream cut into 256-byte chunks, each scored from a fresh session (255 predictions, the
# same positions in every corpus), so that "story length" cannot differ between them. The
# correlation of entropy with loss is also measured in story mode on valid.txt, the way the
# model is used (whole stories from their start).
#
#   scripts/entropy-study.sh [OUT_DIR]        (default build/entropy-study; ~1.5 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/entropy-study}
data=${ATOME_DATA:-${ATOME_SHARED_DIR:-../shared}/data/tinystories}
model=${MODEL:-models/atome-stories-944k.atome}
code_rev=${CODE_REV:-130f3717fbf199960e42751c1d7788f059d6c904}
atome=build/release/src/cli/atome
[ -x "$atome" ] || { cmake --preset release >/dev/null && cmake --build build/release --target atome; }
[ -f "$data/valid.txt" ] || { echo "entropy-study: no $data/valid.txt (set ATOME_DATA)" >&2; exit 1; }
mkdir -p "$out"

# The corpora.
install -m 644 "$data/valid.txt" "$out/valid.txt"  # writable, unlike the shared original
bytes=$(wc -c <"$out/valid.txt")
# (All of it first, then cut: `head` closing the pipe early would fail the script.)
git ls-tree -r --name-only "$code_rev" src | grep -E '\.(cpp|h)$' |
  while read -r f; do git show "$code_rev:$f"; done >"$out/code-all.txt"
head -c "$bytes" "$out/code-all.txt" >"$out/code.txt"
rm "$out/code-all.txt"
python3 - "$out/valid.txt" "$out/shuffled.txt" <<'PY'
import random, sys
sep = b"\n<|endoftext|>\n"
stories = open(sys.argv[1], "rb").read().split(sep)
rng = random.Random(1)
shuffled = []
for s in stories:
    b = bytearray(s)
    rng.shuffle(b)
    shuffled.append(bytes(b))
open(sys.argv[2], "wb").write(sep.join(shuffled))
PY

# The measurements.
run() { echo "+ atome eval $*" >&2; "$atome" eval --model "$model" --router-stats --json "$@"; }
run --data "$out/valid.txt" --per-token "$out/valid-story.csv" >"$out/valid-story.json"
for corpus in valid code shuffled; do
  run --data "$out/$corpus.txt" --chunk 256 >"$out/$corpus.json"
done

# The Markdown block (formatting only: every figure comes from the JSON files).
python3 - "$out" "$model" "$code_rev" "$bytes" >"$out/entropy-study.md" <<'PY'
import json, math, sys
out, model, rev, nbytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
story = json.load(open(f"{out}/valid-story.json"))
corpora = [("valid", "TinyStories `valid.txt`"), ("code", "C++ source (non-story)"),
           ("shuffled", "`valid.txt`, bytes shuffled in each story")]
runs = {c: json.load(open(f"{out}/{c}.json")) for c, _ in corpora}
r0 = runs["valid"]["router"]
n_layers = len(r0["layers"])

def f(v, digits=4):
    return "undefined" if v is None else f"{v:.{digits}f}"

def pct(v, base):
    return f"{100 * (v / base - 1):+.1f}%"

lines = []
w = lines.append
w(f"Model `{model}` ({n_layers} layers; pathways {', '.join(r0['paths'])}: entropy from 0, one "
  f"pathway, to ln {len(r0['paths'])} = {r0['max_entropy']:.4f} nats, all equal). Corpora of "
  f"{nbytes:,} bytes each: `valid.txt`; this repository's C++ sources at commit "
  f"`{rev[:7]}` (`src/**/*.cpp`, `*.h` in path order, cut to that size); `valid.txt` with the "
  "bytes of each story shuffled. Each is scored in 256-byte chunks (`--chunk 256`, 255 "
  "predictions per chunk from a fresh session, the same positions for every corpus).")
w("")
w("**In and out of domain** (chunk 256): loss, and the router's mean entropy per prediction "
  "(nats), overall, per layer and per chunk.")
w("")
w("| | " + " | ".join(name for _, name in corpora) + " |")
w("|---|" + "--:|" * len(corpora))
w("| predictions | " + " | ".join(f"{runs[c]['predicted']:,}" for c, _ in corpora) + " |")
w("| loss, bits per byte | " + " | ".join(f"{runs[c]['bpb']:.3f}" for c, _ in corpora) + " |")
base = r0["mean_entropy"]
w("| **mean entropy** (change vs valid) | " + " | ".join(
    f"**{runs[c]['router']['mean_entropy']:.4f}**" +
    ("" if c == "valid" else f" ({pct(runs[c]['router']['mean_entropy'], base)})")
    for c, _ in corpora) + " |")
for l in range(n_layers):
    b = r0["layers"][l]["mean_entropy"]
    w(f"| layer {l} | " + " | ".join(
        f"{runs[c]['router']['layers'][l]['mean_entropy']:.4f}" +
        ("" if c == "valid" else f" ({pct(runs[c]['router']['layers'][l]['mean_entropy'], b)})")
        for c, _ in corpora) + " |")
w("| a prediction's mean entropy: standard deviation | " + " | ".join(
    f"{runs[c]['router']['token_entropy']['sd']:.4f}" for c, _ in corpora) + " |")
w("| a chunk's mean entropy: median (5th–95th percentile) | " + " | ".join(
    "{median:.4f} ({p05:.4f}–{p95:.4f})".format(**runs[c]["router"]["span_entropy"])
    for c, _ in corpora) + " |")
w("| entropy vs loss per prediction: Pearson / Spearman | " + " | ".join(
    f"{f(runs[c]['router']['pearson'], 3)} / {f(runs[c]['router']['spearman'], 3)}"
    for c, _ in corpora) + " |")
w("")
rs = story["router"]
w(f"**Entropy vs loss on `valid.txt`** (story mode, as the model is used: {story['stories']} "
  f"stories, {story['predicted']:,} predictions, {story['bpb']:.4f} bpb): each layer's mean "
  "entropy and mixture, and the correlation over predictions of the layer's entropy with the "
  "prediction's loss.")
w("")
w("| layer | mean entropy | " + " | ".join(f"r {p}" for p in rs["paths"]) +
  " | Pearson | Spearman |")
w("|--:|--:|" + "--:|" * len(rs["paths"]) + "--:|--:|")
for l, layer in enumerate(rs["layers"]):
    w(f"| {l} | {layer['mean_entropy']:.4f} | " +
      " | ".join(f"{m:.3f}" for m in layer["mean_mixture"]) +
      f" | {f(layer['pearson'], 3)} | {f(layer['spearman'], 3)} |")
w(f"| mean over layers | **{rs['mean_entropy']:.4f}** | " + " | ".join("" for _ in rs["paths"]) +
  f" | **{f(rs['pearson'], 3)}** | **{f(rs['spearman'], 3)}** |")
w("")
w("Mean entropy (over layers) by decile of per-prediction loss, same run:")
w("")
w("| loss decile | " + " | ".join(str(i + 1) for i in range(len(rs["by_loss"]))) + " |")
w("|---|" + "--:|" * len(rs["by_loss"]))
w("| mean loss, nats | " + " | ".join(f"{b['mean_loss']:.3f}" for b in rs["by_loss"]) + " |")
w("| mean entropy | " + " | ".join(f"{b['mean_entropy']:.4f}" for b in rs["by_loss"]) + " |")
w("")
w("Regenerate (the corpora, JSON and per-prediction CSV land in `build/entropy-study/`):")
w("")
w("```sh")
w("scripts/entropy-study.sh")
w(f"# = atome eval --model {model} --data <corpus> --chunk 256 --router-stats --json, per corpus,")
w(f"#   atome eval --model {model} --data valid.txt --router-stats --json --per-token FILE")
w("```")
print("\n".join(lines))
PY
cat "$out/entropy-study.md"

if [ "${NO_RESULTS:-0}" != 1 ]; then
  python3 - docs/RESULTS.md "$out/entropy-study.md" <<'PY'
import os, sys
path, block = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- entropy-study:begin -->\n", "<!-- entropy-study:end -->"
text = open(path).read()
i, j = text.find(begin), text.find(end)
if i < 0 or j < i:
    sys.exit(f"entropy-study: no {begin.strip()} ... {end} block in {path}")
tmp = path + ".tmp"
open(tmp, "w").write(text[:i + len(begin)] + block + text[j:])
os.replace(tmp, path)
print(f"entropy-study: updated {path}", file=sys.stderr)
PY
fi
