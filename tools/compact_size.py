#!/usr/bin/env python3
"""Size arithmetic for a table-free ("compact") layout of a native q15 file (issue 13's flash bar).

Reads one ATOMENAT file (docs/FORMAT.md) and prints what each candidate layout would weigh, byte
by byte, without writing any new format: the 128-byte header is kept, the tensor table dropped
(the config fixes the canonical order and shapes, FORMAT.md §4.3), trit tensors stay trit3 rows
(or, as a floor, 5 trits a byte across row boundaries) and the vector tensors (gamma, beta, SSM)
take the narrowest encoding that holds their values. Lossless layouts must reproduce the file's
integers exactly (bit-identical logits); the lossy one rounds each vector tensor to int16 with a
per-tensor power-of-two shift, and --write-rounded writes that rounded model as an ordinary v1 file
so that `atome eval` measures what the rounding costs.

Usage: compact_size.py MODEL.atome [--bar BYTES] [--write-rounded OUT.atome]
"""
import argparse
import struct
import sys
import zlib

HEADER = 128
ENTRY = 32
DT_F32, DT_TRIT2, DT_I32, DT_TRIT3 = 1, 2, 3, 4
KIND_NAMES = {1: "EMBED", 2: "NORM_GAMMA", 3: "NORM_BETA", 4: "CONV", 5: "SSM_A", 6: "SSM_B",
              7: "SSM_C", 8: "WQ", 9: "WK", 10: "WV", 11: "ROUTER", 12: "FINAL_GAMMA",
              13: "FINAL_BETA", 14: "UNEMBED", 15: "HEAD"}


def fail(msg):
    print(f"compact_size: {msg}", file=sys.stderr)
    sys.exit(1)


def read_tensors(data):
    if len(data) < HEADER or data[:8] != b"ATOMENAT":
        fail("not an ATOMENAT file")
    count, table = struct.unpack_from("<II", data, 28)
    if table + ENTRY * count > len(data):
        fail("tensor table runs past the end of the file")
    numerics = struct.unpack_from("<I", data, 88)[0] if struct.unpack_from("<H", data, 10)[0] else 0
    if numerics != 2:
        fail("not a q15 file (numerics 2): the int16 question only arises for i32 vectors")
    tensors = []
    for t in range(count):
        kind, layer, dtype = struct.unpack_from("<HHB", data, table + ENTRY * t)
        rows, cols, _scale, off, nbytes = struct.unpack_from("<IIIII", data, table + ENTRY * t + 8)
        if off + nbytes > len(data):
            fail(f"tensor {t} runs past the end of the file")
        vals = None
        if dtype == DT_I32:
            vals = list(struct.unpack_from(f"<{rows * cols}i", data, off))
        tensors.append(dict(kind=kind, layer=layer, dtype=dtype, rows=rows, cols=cols, off=off,
                            vals=vals, entry=table + ENTRY * t))
    return tensors


def fits16(vals):
    return all(-32768 <= v <= 32767 for v in vals)


def width_bits(span):
    """Bits of an unsigned offset from the tensor's minimum that can hold `span`."""
    return max(1, span.bit_length())


def rounded16(vals):
    """The smallest shift s with every rnd(v, s) in int16 (FORMAT.md §16.4 rnd: ties to +inf)."""
    for s in range(0, 17):
        r = vals if s == 0 else [(v + (1 << (s - 1))) >> s for v in vals]
        if fits16(r):
            return s, r
    fail("a vector does not fit int16 at any shift")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--bar", type=int, default=15100)
    ap.add_argument("--write-rounded", metavar="OUT")
    args = ap.parse_args()
    try:
        data = bytearray(open(args.model, "rb").read())
    except OSError as e:
        fail(f"cannot read {args.model}: {e.strerror}")
    try:
        tensors = read_tensors(data)
    except struct.error:
        fail(f"{args.model}: a tensor runs past the end of the file")
    trits = [t for t in tensors if t["dtype"] in (DT_TRIT2, DT_TRIT3)]
    vecs = [t for t in tensors if t["dtype"] == DT_I32]
    rows3 = sum(t["rows"] * ((t["cols"] + 4) // 5) for t in trits)
    flat3 = (sum(t["rows"] * t["cols"] for t in trits) + 4) // 5
    n_vals = sum(len(t["vals"]) for t in vecs)

    # Per tensor: i16 if every value fits, else i32 (lossless, in place, one width byte each).
    per_tensor = 0
    # i32 base + i16 offsets where the tensor's span allows, else i32 (lossless, in place).
    based = 0
    # Bit-packed offsets from an i32 base at the tensor's own width (a width byte per tensor): the
    # smallest lossless layout that still codes each value on its own; the engine would extract
    # bits on every read instead of loading an aligned integer.
    packed = 0
    print(f"{args.model}: {len(data)} B now ({len(tensors)} tensors, table {ENTRY * len(tensors)} B)")
    print(f"vector tensors: {len(vecs)}, {n_vals} values")
    print(f"{'tensor':<14} {'layer':>5} {'min':>8} {'max':>8} {'i16':>4} {'span<2^16':>9} "
          f"{'bits':>4} {'shift':>5} {'max err':>7}")
    shifts = []
    for t in vecs:
        v = t["vals"]
        lo, hi = min(v), max(v)
        n = len(v)
        f16 = fits16(v)
        per_tensor += n * (2 if f16 else 4)
        based += (n * 2 + 4) if hi - lo < 65536 else n * 4
        w = width_bits(hi - lo)
        packed += 4 + (n * w + 7) // 8
        s, r = rounded16(v)
        err = max(abs((x << s) - y) for x, y in zip(r, v))
        shifts.append((t, s, r))
        layer = "G" if t["layer"] == 0xFFFF else str(t["layer"])
        print(f"{KIND_NAMES.get(t['kind'], t['kind']):<14} {layer:>5} {lo:>8} {hi:>8} "
              f"{'yes' if f16 else 'no':>4} {'yes' if hi - lo < 65536 else 'no':>9} {w:>4} "
              f"{s:>5} {err:>7}")
    lossy = n_vals * 2
    nv = len(vecs)
    rows = [
        ("lossless: i16 or i32 per tensor, trit3 rows", HEADER + nv + rows3 + per_tensor),
        ("lossless: same, trits packed across rows", HEADER + nv + flat3 + per_tensor),
        ("lossless: i32 base + i16 where the span fits, trit3 rows",
         HEADER + nv + rows3 + based),
        ("lossless: same, trits packed across rows",
         HEADER + nv + flat3 + based),
        ("lossless: i32 base + bit-packed offsets per tensor, trit3 rows",
         HEADER + nv + rows3 + packed),
        ("lossless: same, trits packed across rows", HEADER + nv + flat3 + packed),
        ("lossy: i16 << per-tensor shift, trit3 rows", HEADER + nv + rows3 + lossy),
        ("lossy: same, trits packed across rows", HEADER + nv + flat3 + lossy),
    ]
    print(f"\ntrit bytes: {rows3} as trit3 rows, {flat3} packed across rows; header {HEADER};"
          f" one width/shift byte per vector tensor ({nv}); alignment padding not counted")
    for name, size in rows:
        verdict = "meets" if size <= args.bar else f"over by {size - args.bar}"
        print(f"{size:>7} B  {verdict:<14} {name}")

    if args.write_rounded:
        # The rounded model as an ordinary v1 q15 file: each i32 value replaced by rnd(v, s) << s.
        for t, s, r in shifts:
            struct.pack_into(f"<{len(r)}i", data, t["off"], *[x << s for x in r])
        file_bytes = struct.unpack_from("<I", data, 16)[0]
        struct.pack_into("<I", data, 20, 0)
        struct.pack_into("<I", data, 20, zlib.crc32(bytes(data[:file_bytes])) & 0xFFFFFFFF)
        if struct.unpack_from("<I", data, 24)[0] & 1:
            fail("signed input: a rounded copy would carry a stale signature")
        with open(args.write_rounded, "wb") as f:
            f.write(data)
        print(f"wrote {args.write_rounded}: the same model with every vector rounded to int16 << shift")


if __name__ == "__main__":
    main()
