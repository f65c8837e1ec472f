#!/usr/bin/env python3
"""Compare `atome inspect FILE --json` with `atome_reader.py inspect FILE`, field by field.

usage: compare_inspect.py ATOME_CLI FILE

Exit 0 if every compared field agrees, 1 otherwise (each difference is printed).  Floats (the
trit2 scales and norm_eps) are compared as binary32 bit patterns: the CLI prints the shortest
decimal that reads back as the same binary32 value.
"""

import json
import os
import struct
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atome_reader as R  # noqa: E402

CONFIG_KEYS = ["arch", "vocab_size", "d_model", "n_layers", "d_head", "conv_kernel", "top_k",
               "pathways", "n_classes", "act_bits", "norm_eps", "context_len"]


def f32_bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def main():
    cli, path = sys.argv[1], sys.argv[2]
    r = subprocess.run([cli, "inspect", path, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL: atome inspect exited %d: %s" % (r.returncode, r.stderr.strip()))
        return 1
    theirs = json.loads(r.stdout)
    m = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "atome_reader.py"), "inspect", path],
                       capture_output=True, text=True)
    if m.returncode != 0:
        print("FAIL: atome_reader.py inspect exited %d: %s %s"
              % (m.returncode, m.stdout.strip(), m.stderr.strip()))
        return 1
    mine = json.loads(m.stdout)

    diffs = []
    notes = []
    compared = [0]

    def same(what, a, b):
        compared[0] += 1
        if a != b:
            diffs.append("%s: reader %r, atome %r" % (what, a, b))

    tc = theirs.get("config", {})
    for k in CONFIG_KEYS:
        if k not in tc:
            diffs.append("config.%s: missing from atome inspect --json" % k)
            continue
        if k == "norm_eps":
            same("config.norm_eps (bits)", f32_bits(mine["config"][k]), f32_bits(tc[k]))
        else:
            same("config." + k, mine["config"][k], tc[k])
    same("config.n_paths (derived)", mine["config"]["n_paths"], tc.get("n_paths"))
    # Version 1.1 fields (FORMAT.md section 16.1): compared where `atome inspect --json` reports
    # them (as numbers in config, or the mode's name at the top level).
    for k in ("numerics", "norm_eps_q24"):
        if k in tc:
            same("config." + k, mine["config"][k], tc[k])
    if isinstance(theirs.get("numerics"), str):
        same("numerics", mine["numerics"], theirs["numerics"])
    if "numerics" not in tc and "numerics" not in theirs:
        notes.append("atome inspect --json does not report numerics (reader: %s)"
                     % mine["numerics"])
    same("version", "%d.%d" % tuple(mine["version"]), theirs.get("format_version"))
    same("layout", mine.get("layout"), theirs.get("layout"))
    # The classifier metadata section (section 17): every field, floats by their bits.
    mc, tc2 = mine.get("classifier"), theirs.get("classifier")
    same("classifier section present", mc is not None, tc2 is not None)
    if mc is not None and tc2 is not None:
        for k in ["classes", "window", "n_features", "pipeline", "quant_mode", "abstain_rule",
                  "section_bytes"]:
            same("classifier." + k, mc[k], tc2.get(k))
        for k in ["temperature", "abstain_threshold", "sample_rate_hz"]:
            same("classifier." + k + " (bits)", f32_bits(mc[k]), f32_bits(tc2.get(k)))
        same("classifier.ranges (binary64)", mc["ranges"], tc2.get("ranges"))
        same("classifier.params", {k: f32_bits(v) for k, v in mc["params"].items()},
             {k: f32_bits(v) for k, v in tc2.get("params", {}).items()})
        same("classifier.channels", [(c["name"], c["unit"], f32_bits(c["phys_min"]),
                                      f32_bits(c["phys_max"])) for c in mc["channels"]],
             [(c["name"], c["unit"], f32_bits(c["phys_min"]), f32_bits(c["phys_max"]))
              for c in tc2.get("channels", [])])
    same("crc32", mine["crc32"], theirs.get("crc32", {}).get("stored", "").lower())
    same("crc32 ok", True, theirs.get("crc32", {}).get("ok"))
    # The header field `file_bytes` (CRC-covered bytes) is the CLI's signature.signed_bytes; the
    # CLI's top-level "file_bytes" is the length of the file on disk (file_bytes + 96 if signed).
    sig = theirs.get("signature", {})
    same("file_bytes (header) vs signature.signed_bytes", mine["file_bytes"],
         sig.get("signed_bytes"))
    same("image_bytes vs file_bytes (on disk)", mine["image_bytes"], theirs.get("file_bytes"))
    same("image_bytes", mine["image_bytes"], theirs.get("image_bytes"))
    same("signed", mine["signed"], sig.get("present"))
    if mine["signed"]:
        same("signature.key_id", mine["signature"]["key_id"], str(sig.get("key_id")).lower())
        same("signature.model_version", mine["signature"]["model_version"],
             sig.get("model_version"))
    same("param_count", mine["param_count"], theirs.get("param_count"))
    same("source_format", "native", theirs.get("source_format"))
    tt = theirs.get("tensors", [])
    same("tensor count", len(mine["tensors"]), len(tt))
    for i, (a, b) in enumerate(zip(mine["tensors"], tt)):
        w = "tensors[%d]." % i
        same(w + "index", a["index"], b.get("index"))
        same(w + "kind", a["kind"].lower(), str(b.get("kind")).lower())
        same(w + "layer", a["layer"], b.get("layer"))
        if a["dtype"] == "i32" and b.get("dtype") == "?":
            # atome inspect names dtypes 1 and 2 only; the loader has accepted the file, so its
            # dtype is the canonical one, which the reader checked too.
            notes.append(w + "dtype: atome inspect prints '?' for i32")
        else:
            same(w + "dtype", a["dtype"], b.get("dtype"))
        for k in ("rows", "cols", "offset", "bytes"):
            same(w + k, a[k], b.get(k))
        same(w + "scale (bits)", int(a["scale_bits"], 16), f32_bits(b.get("scale")))
        same(w + "shift (compact vectors)", a.get("shift"), b.get("shift"))
        if "scale_q24" in a:
            same(w + "scale_q24", a["scale_q24"], b.get("scale_q24"))

    for d in diffs:
        print("DIFF " + d)
    if notes:
        print("NOTE (gaps of atome inspect, not differences): %s%s"
              % (notes[0], " (+%d more)" % (len(notes) - 1) if len(notes) > 1 else ""))
    print("%s: %d fields compared, %d differences (%s)"
          % ("OK" if not diffs else "FAIL", compared[0], len(diffs), path))
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
