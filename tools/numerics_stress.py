#!/usr/bin/env python3
"""Write valid a8 / q15 variants of a model that drive the rarely taken paths of FORMAT.md
section 16, for the bit-exact forward comparison (tools/check_independent_reader.sh).

usage: numerics_stress.py A8_FILE Q15_FILE OUT_DIR

Prints one file name per line.  Every variant passes section 9 (checked here with the reader):
  a8_zero_norm    layer 0's LayerNorm gain and bias are 0: h = 0, so the a8 quantisation meets
                  max|h| = 0 (16.3)
  q15_zero_norm   the same in q15: quantH's m = 0, deq = 0 (16.4.1)
  a8_ties, a8_ties_final     a LayerNorm with gain 0 outputs its bias exactly: biases chosen so
                  that 127 h / max|h| falls on .5 ties (and 0.49999997, whose + 0.5 rounds to 1),
                  in layer 0 or the final norm (16.3: ties away from zero, as computed)
  q15_ties, q15_ties_final   the same in q15: max|h| = 254 gives inv = 32768, so every odd h is a
                  tie of quantH's rounding (ties toward +infinity)
  q15_extreme_N   seeded random i32 values and Q24 alphas drawn from the limits of section 16.2
                  (and norm_eps_q24 at 1 or 2^24 - 1 for odd N): saturation of x, h, the logits,
                  the SSM state, decay +-32767, large attention exponents; SSM b and c around
                  2^16 and up to 2^23 (where the engine's 32-bit fast paths end)
"""

import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atome_reader as R  # noqa: E402
from corrupt_cases import fix_crc  # noqa: E402


def main():
    a8_file, q15_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    written = []

    def write(name, b):
        fix_crc(b)
        R.validate(bytes(b))  # raises if the variant is not a valid file
        fn = os.path.join(out, name + ".atn")
        with open(fn, "wb") as fh:
            fh.write(bytes(b))
        written.append(fn)

    for name, path, fmt in (("a8_zero_norm", a8_file, "<f"), ("q15_zero_norm", q15_file, "<i")):
        b = bytearray(open(path, "rb").read())
        info = R.validate(bytes(b))
        for e in info["tensors"]:
            if e["kind"] in (R.NORM_GAMMA, R.NORM_BETA) and e["layer"] == 0:
                for i in range(e["cols"]):
                    struct.pack_into(fmt, b, e["offset"] + 4 * i, 0)
        write(name, b)

    # exact ties: with gain 0 the LayerNorm output is the bias (a8: +-0 + beta; q15: beta >> 8
    # rounded, so beta = 256 h gives h)
    a8_h = [127.0, -127.0, 2.5, -2.5, 0.5, -0.5, 1.5, -1.5, 0.49999997, -0.49999997, 126.5, 3.5]
    q15_h = [254, -254, 1, -1, 3, -3, 253, -253, 5, -7, 0, 2]
    for name, path, fmt, vals in (("a8", a8_file, "<f", a8_h), ("q15", q15_file, "<i", q15_h)):
        for where, layer in (("ties", 0), ("ties_final", R.GLOBAL_LAYER)):
            b = bytearray(open(path, "rb").read())
            info = R.validate(bytes(b))
            for e in info["tensors"]:
                if e["layer"] != layer:
                    continue
                if e["kind"] in (R.NORM_GAMMA, R.FINAL_GAMMA):
                    for i in range(e["cols"]):
                        struct.pack_into(fmt, b, e["offset"] + 4 * i, 0)
                if e["kind"] in (R.NORM_BETA, R.FINAL_BETA):
                    for i in range(e["cols"]):
                        v = vals[i % len(vals)] * (1 if i < len(vals) else (-1) ** (i // len(vals)))
                        struct.pack_into(fmt, b, e["offset"] + 4 * i, v if fmt == "<f" else v * 256)
            write("%s_%s" % (name, where), b)

    base = open(q15_file, "rb").read()
    info = R.validate(base)
    for seed in (1, 2, 3, 4):
        rnd = random.Random(seed)
        b = bytearray(base)
        for t, e in enumerate(info["tensors"]):
            if e["dtype"] == R.DT_TRIT2:
                a = rnd.choice([(1 << 28) - 1, rnd.randrange(1 << 28), 0, 1, rnd.randrange(1 << 20)])
                struct.pack_into("<I", b, info["table_offset"] + 32 * t + 16, a)
            else:
                lim = 32767 if e["kind"] == R.SSM_A else (1 << 27)
                for i in range(e["rows"] * e["cols"]):
                    choices = [lim, -lim, 0, rnd.randrange(-lim, lim + 1), rnd.randrange(-64, 65)]
                    if e["kind"] != R.SSM_A:  # ... and around 2^16, where the engine's SSM fast
                        choices += [65535, -65535, 65536, -65536, rnd.randrange(-65536, 65537),  # paths end
                                    rnd.choice([1, -1]) * rnd.randrange(65536, 1 << 23)]
                    v = rnd.choice(choices)
                    struct.pack_into("<i", b, e["offset"] + 4 * i, v)
        if seed % 2:
            struct.pack_into("<I", b, 92, rnd.choice([1, (1 << 24) - 1]))
        write("q15_extreme_%d" % seed, b)
    print("\n".join(written))


if __name__ == "__main__":
    main()
