#!/usr/bin/env python3
"""Makes the every-head app of apps/examples/apps-all.json in a folder (docs/APPS.md §10, "Every
head"): generated data for the 12 sensor heads (generate.py --scale small --seed 1), a q15 head
trained on each (`atome train --task classify`, seed 1, --target-risk 0.1, two at a time: the
trainer is single-threaded here), the shipped bad-reading head as air's check, the shipped text
heads, apps.json (apps-all.json with the text heads' paths made local) and the 400-period recorded
stream (stream.py seed 1: telemetry events of class overheating, voice idles on "unknown" and
motion on "sitting" — their class 0 is a keyword / walking, not a quiet state — every fault of
§10 per head, the check fed air's channel 0, the operator rows).

Usage: apps_all_heads.py ATOME OUT_DIR [CACHE_DIR]. Used by scripts/apps-run-all-check.py (CTest
AppsRunAllHeads) and scripts/firmware-apps.sh. Exit 77 without python3-numpy. CACHE_DIR (the
CTests pass one in the build tree): the folder is made there once and copied, so the five cores'
firmware tests and AppsRunAllHeads train the 12 heads once, not six times; it is remade when its
key changes (a hash of the atome binary, the generators, this script, apps-all.json and the shipped
models: everything the folder is made from), and a lock serialises tests running in parallel.
"""
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
PY = "/usr/bin/python3"  # Debian's, with python3-numpy (the generators need it)
CONFIG = os.path.join(repo, "apps", "examples", "apps-all.json")
# apps.json head name -> generator (telemetry is os_telem; the rest have their generator's name).
GENERATOR = {"telemetry": "os_telem"}
IDLE = ["voice=4", "motion=3"]  # unknown, sitting
CHECK = "air_check=air:0"


def must(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.stdout


def make(atome, out):
    os.makedirs(out, exist_ok=True)
    with open(CONFIG) as f:
        cfg = json.load(f)
    sensors = [h["name"] for h in cfg["heads"] if h.get("role") != "check"]
    gens = [GENERATOR.get(n, n) for n in sensors]
    data = os.path.join(out, "data")
    must([PY, os.path.join(repo, "data", "generators", "generate.py"), "--out", data, "--heads",
          ",".join(gens), "--scale", "small", "--seed", "1"])
    todo = list(gens)
    while todo:  # two trainings at a time (2 cores)
        batch, todo = todo[:2], todo[2:]
        jobs = []
        for g in batch:
            shutil.rmtree(f"{out}/run-{g}", ignore_errors=True)  # the trainer refuses to overwrite
            jobs.append(subprocess.Popen(
                [atome, "train", "--task", "classify", "--data", f"{data}/{g}", "--out",
                 f"{out}/run-{g}", "--numerics", "q15", "--seed", "1", "--threads", "1",
                 "--no-plot", "--quiet", "--target-risk", "0.1"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not all(j.wait() == 0 for j in jobs):
            sys.exit(f"training failed: {batch}")
        for g in batch:
            shutil.copy(f"{out}/run-{g}/best.atome", f"{out}/{g}.atome")
    shutil.copy(os.path.join(repo, "models", "task-bad-reading-q15.atome"),
                f"{out}/bad_reading.atome")
    for k, model in (("bucket", "task-intent-bucket-q15.atome"),
                     ("command", "task-command-intent-q15.atome")):
        shutil.copy(os.path.join(repo, "models", model), os.path.join(out, model))
        cfg["text"][k] = model
    with open(os.path.join(out, "apps.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    cmd = [PY, os.path.join(repo, "data", "generators", "stream.py"), "--seed", "1",
           "--event-class", "telemetry=2", "--check", CHECK, "--commands"]
    cmd += [f"--idle-class={i}" for i in IDLE]
    cmd += [f"--head={n}={data}/{g}" for n, g in zip(sensors, gens)]
    with open(os.path.join(out, "frames.csv"), "w") as f:
        f.write(must(cmd))


def key(atome):
    """What the folder is made from (training is seeded and single-threaded: deterministic)."""
    h = hashlib.sha256()
    gens = os.path.join(repo, "data", "generators")
    files = [atome, os.path.abspath(__file__), CONFIG]
    files += sorted(os.path.join(gens, f) for f in os.listdir(gens) if f.endswith(".py"))
    files += [os.path.join(repo, "models", m) for m in
              ("task-bad-reading-q15.atome", "task-intent-bucket-q15.atome",
               "task-command-intent-q15.atome")]
    for f in files:
        h.update(f.encode() + b"\0")
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def make_cached(atome, out, cache):
    """make() into cache once per key, then copy it to out (the paths inside are relative)."""
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        k = key(atome)
        stamp, app = os.path.join(cache, "key"), os.path.join(cache, "app")
        if not (os.path.exists(stamp) and open(stamp).read() == k):
            shutil.rmtree(app, ignore_errors=True)
            make(atome, app)
            with open(stamp, "w") as f:
                f.write(k)
        shutil.copytree(app, out, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("run-*", "data"))


def main():
    if subprocess.run([PY, "-c", "import numpy"]).returncode != 0:
        print("skip: python3-numpy missing")
        return 77
    atome, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if len(sys.argv) > 3:
        make_cached(atome, out, os.path.abspath(sys.argv[3]))
    else:
        make(atome, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
