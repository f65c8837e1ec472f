#!/usr/bin/env python3
"""Independent reader for the Atome native model format ATOMENAT v1.x.

Written from docs/FORMAT.md alone (Python 3 standard library only, except `verify`), to check
that the specification is complete.  Sub-commands:

  validate FILE                 run the checks of FORMAT.md section 9 in order; print the status
  inspect FILE                  validate, then print a JSON description of the file
  verify --pubkey-file P [--pubkey-file P2 ...] [--min-version N] FILE
                                the verified load of section 8 with pinned public keys (hex text
                                files): key id, Ed25519 signature over [0, file_bytes + 32) and
                                model version, then section 9.  The signature is checked with the
                                `cryptography` package (OpenSSL), an implementation independent of
                                the engine's libsodium; only this sub-command needs it
  forward FILE --prompt TEXT    validate, then run the forward pass over the prompt bytes and
                                print the 256 logits after the last byte: the float32 forward of
                                section 11 (f32 files), with the int8 inputs of section 16.3 (a8
                                files), or the integer forward of section 16.4 (q15 files; the
                                logits are Q16 integers, also printed as float32 value / 65536)

History: LayerNorm's two sums were first described as "left to right" in section 11.1; the
engine uses the eight-lane scheme of the ternary product (lane i % 8, same reduction tree), found
by bit-exact comparison, and section 11.1 now says so.  Sections 16.3 (a8) and 16.4 (q15) were
implemented from the text as written.

Exit status: 0 on success, 1 if the file is rejected (the status name and number of section 9 are
printed on stderr), 2 on a usage or I/O error.
"""

import argparse
import hashlib
import json
import math
import struct
import sys
import zlib
from fractions import Fraction

# --------------------------------------------------------------------------------------------
# Status codes (FORMAT.md section 9)

STATUS = {
    0: "ATOME_OK",
    1: "ATOME_ERR_NULL_ARGUMENT",
    2: "ATOME_ERR_MISALIGNED",
    3: "ATOME_ERR_TRUNCATED",
    4: "ATOME_ERR_BAD_MAGIC",
    5: "ATOME_ERR_VERSION",
    6: "ATOME_ERR_SIZE_MISMATCH",
    7: "ATOME_ERR_CHECKSUM",
    8: "ATOME_ERR_BAD_HEADER",
    9: "ATOME_ERR_BAD_CONFIG",
    10: "ATOME_ERR_BAD_TENSOR",
    11: "ATOME_ERR_BAD_WEIGHTS",
    12: "ATOME_ERR_BAD_SIGNATURE_BLOCK",
    20: "ATOME_ERR_UNSUPPORTED",    # never from a file: a build without the float path (16.1)
    21: "ATOME_ERR_WRONG_NUMERICS",  # never from a file: an API call for another numerics mode
    22: "ATOME_ERR_BAD_METADATA",    # 1.3 classifier metadata section (section 17)
    # the verified load only (section 8)
    25: "ATOME_ERR_UNSIGNED",
    26: "ATOME_ERR_UNTRUSTED_KEY",
    27: "ATOME_ERR_BAD_SIGNATURE",
    28: "ATOME_ERR_ROLLBACK",
}
OK, TRUNCATED, BAD_MAGIC, VERSION, SIZE_MISMATCH, CHECKSUM = 0, 3, 4, 5, 6, 7
BAD_HEADER, BAD_CONFIG, BAD_TENSOR, BAD_WEIGHTS, BAD_SIGNATURE_BLOCK = 8, 9, 10, 11, 12
BAD_METADATA = 22
UNSIGNED, UNTRUSTED_KEY, BAD_SIGNATURE, ROLLBACK = 25, 26, 27, 28


class Reject(Exception):
    def __init__(self, code, why):
        super().__init__(why)
        self.code = code
        self.why = why


MAGIC = b"ATOMENAT"
SIG_MAGIC = b"ATOMESIG"
HEADER_BYTES = 128
SIG_BLOCK_BYTES = 96
GLOBAL_LAYER = 0xFFFF
DT_F32, DT_TRIT2, DT_I32, DT_TRIT3 = 1, 2, 3, 4
DTYPE_NAMES = {DT_F32: "f32", DT_TRIT2: "trit2", DT_I32: "i32", DT_TRIT3: "trit3"}

# Numerics modes (section 16.1)
NUM_F32, NUM_A8, NUM_Q15 = 0, 1, 2
NUMERICS_NAMES = {NUM_F32: "f32", NUM_A8: "a8", NUM_Q15: "q15"}

# Tensor kinds (section 4.2)
EMBED, NORM_GAMMA, NORM_BETA, CONV, SSM_A, SSM_B, SSM_C = 1, 2, 3, 4, 5, 6, 7
WQ, WK, WV, ROUTER, FINAL_GAMMA, FINAL_BETA, UNEMBED, HEAD = 8, 9, 10, 11, 12, 13, 14, 15
KIND_NAMES = {
    EMBED: "EMBED", NORM_GAMMA: "NORM_GAMMA", NORM_BETA: "NORM_BETA", CONV: "CONV",
    SSM_A: "SSM_A", SSM_B: "SSM_B", SSM_C: "SSM_C", WQ: "WQ", WK: "WK", WV: "WV",
    ROUTER: "ROUTER", FINAL_GAMMA: "FINAL_GAMMA", FINAL_BETA: "FINAL_BETA",
    UNEMBED: "UNEMBED", HEAD: "HEAD",
}

# Config block field order (section 2.2, bytes 40..87); norm_eps is the only f32.
CONFIG_FIELDS = [
    ("arch", 40), ("vocab_size", 44), ("d_model", 48), ("n_layers", 52), ("d_head", 56),
    ("conv_kernel", 60), ("top_k", 64), ("pathways", 68), ("n_classes", 72),
    ("act_bits", 76), ("norm_eps", 80), ("context_len", 84),
    # version 1.1 (section 16.1); zero in a valid 1.0 file (check 13 covers bytes 88..127 there)
    ("numerics", 88), ("norm_eps_q24", 92),
]


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def f32_at(b, o):
    return struct.unpack_from("<f", b, o)[0]


def popcount3(p):
    return (p & 1) + ((p >> 1) & 1) + ((p >> 2) & 1)


def align16(v):
    return (v + 15) // 16 * 16


# --------------------------------------------------------------------------------------------
# Config (section 3) and canonical tensor list (section 4.3)

def read_config(b):
    cfg = {}
    for name, off in CONFIG_FIELDS:
        cfg[name] = f32_at(b, off) if name == "norm_eps" else u32(b, off)
    cfg["n_paths"] = popcount3(cfg["pathways"])  # derived, never stored
    return cfg


def config_valid(c):
    """The rules of section 3, in order; returns None or the number of the failed rule."""
    if c["arch"] not in (1, 2):
        return 1
    if c["vocab_size"] != 256:
        return 2
    if not (1 <= c["d_model"] <= 8192):
        return 3
    if not (1 <= c["n_layers"] <= 1024):
        return 4
    p = c["pathways"]
    if p == 0 or (p & ~7) != 0:
        return 5
    if c["n_paths"] != bin(p).count("1"):
        return 6
    if p & 1:
        if not (1 <= c["conv_kernel"] <= 64):
            return 7
    elif c["conv_kernel"] != 0:
        return 7
    if p & 4:
        if not (1 <= c["d_head"] <= c["d_model"] and 1 <= c["top_k"] <= 1024):
            return 8
    elif c["d_head"] != 0 or c["top_k"] != 0:
        return 8
    if c["arch"] == 1 and c["n_classes"] != 0:
        return 9
    if c["arch"] == 2 and not (1 <= c["n_classes"] <= 4096):
        return 9
    if c["numerics"] == NUM_F32:
        if c["act_bits"] != 32:
            return 10
    elif c["numerics"] in (NUM_A8, NUM_Q15):
        if c["act_bits"] != 8:
            return 10
    else:
        return 10
    eps = c["norm_eps"]
    if not (eps > 0.0 and eps < 1.0):  # NaN fails both comparisons
        return 11
    if c["numerics"] == NUM_Q15:
        if not (1 <= c["norm_eps_q24"] < (1 << 24)):
            return 12
    elif c["norm_eps_q24"] != 0:
        return 12
    return None


def tensors_per_block(p):
    return 2 + (1 if p & 1 else 0) + (3 if p & 2 else 0) + (3 if p & 4 else 0) + 1


def expected_tensor_count(c):
    unembed = 0 if c.get("no_unembed") else 1  # a 1.3 classifier has none (section 17.1)
    return (1 + c["n_layers"] * tensors_per_block(c["pathways"]) + 2 + unembed
            + (1 if c["n_classes"] > 0 else 0))


def canonical_tensors(c, DT_TRIT2=DT_TRIT2):
    """List of (kind, layer, dtype, rows, cols) in canonical order (section 4.3); trit tensors
    have the file's trit dtype (trit2, or trit3: section 5.3)."""
    d, p, G = c["d_model"], c["pathways"], GLOBAL_LAYER
    V = DT_I32 if c["numerics"] == NUM_Q15 else DT_F32  # the vectors (section 16.2)
    out = [(EMBED, G, DT_TRIT2, 256, d)]
    for l in range(c["n_layers"]):
        out.append((NORM_GAMMA, l, V, 1, d))
        out.append((NORM_BETA, l, V, 1, d))
        if p & 1:
            out.append((CONV, l, DT_TRIT2, d, c["conv_kernel"]))
        if p & 2:
            out += [(SSM_A, l, V, 1, d), (SSM_B, l, V, 1, d), (SSM_C, l, V, 1, d)]
        if p & 4:
            out += [(WQ, l, DT_TRIT2, c["d_head"], d), (WK, l, DT_TRIT2, c["d_head"], d),
                    (WV, l, DT_TRIT2, d, d)]
        out.append((ROUTER, l, DT_TRIT2, c["n_paths"], d))
    out += [(FINAL_GAMMA, G, V, 1, d), (FINAL_BETA, G, V, 1, d)]
    if not c.get("no_unembed"):
        out.append((UNEMBED, G, DT_TRIT2, 256, d))
    if c["n_classes"] > 0:
        out.append((HEAD, G, DT_TRIT2, c["n_classes"], d))
    return out


def payload_bytes(dtype, rows, cols):
    if dtype in (DT_F32, DT_I32):
        return rows * cols * 4
    if dtype == DT_TRIT3:
        return rows * ((cols + 4) // 5)
    return rows * ((cols + 3) // 4)


def unpack_trit3_row(row, cols):
    """Section 5.3: element j is digit j % 5 of byte j // 5 (digit = trit + 1), as trit2 codes
    (00 = 0, 01 = +1, 11 = -1)."""
    return [(3, 0, 1)[(row[j // 5] // 3 ** (j % 5)) % 3] for j in range(cols)]


# A byte contains the invalid code 10 in some 2-bit slot: high bit set, low bit clear.
_HAS_CODE10 = bytes(
    1 if any(((v >> (2 * s)) & 3) == 2 for s in range(4)) else 0 for v in range(256))


# --------------------------------------------------------------------------------------------
# Validation (section 9), in order

def crc32_image(b, file_bytes):
    # Section 7: CRC-32 (zlib) of [0, file_bytes) with bytes 20..23 taken as zero.
    crc = zlib.crc32(b[0:20])
    crc = zlib.crc32(b"\0\0\0\0", crc)
    crc = zlib.crc32(b[24:file_bytes], crc)
    return crc & 0xFFFFFFFF


def valid_config(b, no_unembed):
    """The config block (section 3), checked against section 3's rules."""
    cfg = read_config(b)
    cfg["no_unembed"] = no_unembed
    rule = config_valid(cfg)
    if rule is not None:
        raise Reject(BAD_CONFIG, "config rule %d of section 3 fails" % rule)
    return cfg


def check_trit3_rows(t, payload, rows, cols):
    """Section 5.3: every byte < 243; a row's padding digits are 1 (trit 0)."""
    rb = (cols + 4) // 5
    pad = 5 * rb - cols
    for r in range(rows):
        row = payload[r * rb:(r + 1) * rb]
        if max(row) >= 243:
            raise Reject(BAD_WEIGHTS, "tensor %d row %d: trit3 byte >= 243" % (t, r))
        if any((row[-1] // 3 ** k) % 3 != 1 for k in range(5 - pad, 5)):
            raise Reject(BAD_WEIGHTS, "tensor %d row %d: padding digit not 1" % (t, r))


def check_int_values(t, kind, values):
    """Section 16.2: |value| <= 32767 for the SSM decay, <= 2^27 for the other int vectors."""
    limit = 32767 if kind == SSM_A else (1 << 27)
    for i, v in enumerate(values):
        if v > limit or v < -limit:
            raise Reject(BAD_WEIGHTS, "tensor %d: value %d = %d out of range" % (t, i, v))


def validate(b):
    """Returns a dict describing the file, or raises Reject(status, why)."""
    n = len(b)
    # Checks 1-2 are API preconditions (pointers, alignment); a byte-array reader ignores them.
    if n < 8:                                                        # 3
        raise Reject(TRUNCATED, "image shorter than 8 bytes")
    if bytes(b[0:8]) != MAGIC:                                       # 4
        raise Reject(BAD_MAGIC, "magic is not ATOMENAT")
    if n < HEADER_BYTES:                                             # 5
        raise Reject(TRUNCATED, "image shorter than the 128-byte header")
    if u16(b, 8) not in (1, 2):                                      # 6
        raise Reject(VERSION, "version_major %d is neither 1 nor 2" % u16(b, 8))
    file_bytes = u32(b, 16)                                          # 7
    flags = u32(b, 24)
    total = file_bytes + (SIG_BLOCK_BYTES if flags & 1 else 0)
    if n < total:
        raise Reject(TRUNCATED, "image has %d bytes, header declares %d" % (n, total))
    if n > total:                                                    # 8
        raise Reject(SIZE_MISMATCH, "image has %d bytes, header declares %d" % (n, total))
    if file_bytes < HEADER_BYTES:                                    # 9
        raise Reject(BAD_HEADER, "file_bytes %d < 128" % file_bytes)
    stored_crc = u32(b, 20)                                          # 10
    crc = crc32_image(b, file_bytes)
    if crc != stored_crc:
        raise Reject(CHECKSUM, "CRC-32 stored 0x%08x computed 0x%08x" % (stored_crc, crc))
    if flags & ~1:                                                   # 11
        raise Reject(BAD_HEADER, "unknown flag bits 0x%08x" % flags)
    if u32(b, 12) != HEADER_BYTES:                                   # 12
        raise Reject(BAD_HEADER, "header_bytes %d != 128" % u32(b, 12))
    if u16(b, 8) == 2:
        return validate_compact(b, file_bytes, flags, stored_crc)
    minor = u16(b, 10)                                               # 13
    # 1.0: bytes 88..95 are reserved too (16.1); 1.3: 96..103 place the metadata section (17.1)
    reserved_from = 104 if minor >= 3 else 96 if minor >= 1 else 88
    if any(b[reserved_from:128]):
        raise Reject(BAD_HEADER, "reserved header bytes %d..127 not zero" % reserved_from)
    check_sig_block(b, file_bytes, flags)
    cfg = valid_config(b, no_unembed=1 if minor >= 3 and u32(b, 40) == 2 else 0)  # 16
    tensor_count = u32(b, 28)                                        # 17
    want_count = expected_tensor_count(cfg)
    if tensor_count != want_count:
        raise Reject(BAD_TENSOR, "tensor_count %d != %d" % (tensor_count, want_count))
    table_offset = u32(b, 32)                                        # 18
    if table_offset < HEADER_BYTES or table_offset % 16:
        raise Reject(BAD_HEADER, "table_offset %d invalid" % table_offset)
    payload_offset = u32(b, 36)                                      # 19
    if (payload_offset % 16 or payload_offset < table_offset + 32 * tensor_count
            or payload_offset > file_bytes):
        raise Reject(BAD_HEADER, "payload_offset %d invalid" % payload_offset)
    classifier = None
    meta_off, meta_len = (u32(b, 96), u32(b, 100)) if minor >= 3 else (0, 0)
    if cfg["no_unembed"]:                                            # 19a
        if (meta_off % 16 or meta_off < table_offset + 32 * tensor_count or meta_len == 0
                or meta_off + meta_len > payload_offset):
            raise Reject(BAD_HEADER, "metadata section at %d (+%d) misplaced" % (meta_off, meta_len))
        classifier = parse_class_meta(bytes(b[meta_off:meta_off + meta_len]),
                                      cfg["n_classes"])              # 19b
    elif meta_off or meta_len:
        raise Reject(BAD_HEADER, "an LM has no metadata section")

    tensors = []
    cursor = payload_offset
    # One trit packing per file: the embedding's dtype (entry 0) if it is trit3 (section 5.3).
    trit_dt = DT_TRIT3 if b[table_offset + 4] == DT_TRIT3 else DT_TRIT2
    for t, (kind, layer, dtype, rows, cols) in enumerate(canonical_tensors(cfg, trit_dt)):  # 20
        e = table_offset + 32 * t
        ent = dict(kind=u16(b, e), layer=u16(b, e + 2), dtype=b[e + 4], rows=u32(b, e + 8),
                   cols=u32(b, e + 12), scale=f32_at(b, e + 16), scale_bits=u32(b, e + 16),
                   offset=u32(b, e + 20), bytes=u32(b, e + 24))
        # 20a
        if (ent["kind"], ent["layer"], ent["dtype"], ent["rows"], ent["cols"]) != \
                (kind, layer, dtype, rows, cols) or any(b[e + 5:e + 8]) or u32(b, e + 28):
            raise Reject(BAD_TENSOR, "tensor %d: entry does not match the canonical order" % t)
        # 20b
        if ent["bytes"] != payload_bytes(dtype, rows, cols):
            raise Reject(BAD_TENSOR, "tensor %d: bytes %d wrong" % (t, ent["bytes"]))
        # 20c
        off = ent["offset"]
        if off % 16 or off < cursor or off + ent["bytes"] > file_bytes:
            raise Reject(BAD_TENSOR, "tensor %d: offset %d invalid" % (t, off))
        cursor = off + ent["bytes"]
        # 20d
        sc = ent["scale"]
        if dtype == DT_F32:
            if sc != 1.0:
                raise Reject(BAD_TENSOR, "tensor %d: f32 scale != 1.0" % t)
        elif dtype == DT_I32:
            if ent["scale_bits"] != 0:
                raise Reject(BAD_TENSOR, "tensor %d: i32 scale field not zero" % t)
        elif cfg["numerics"] == NUM_Q15:
            # q15: the field is alpha in Q24, an int32 in [0, 2^28) (section 16.2)
            if ent["scale_bits"] >= (1 << 28):
                raise Reject(BAD_TENSOR, "tensor %d: Q24 alpha 0x%08x not below 2^28"
                             % (t, ent["scale_bits"]))
        else:
            if not math.isfinite(sc) or sc < 0:
                raise Reject(BAD_TENSOR, "tensor %d: trit2 scale invalid" % t)
        payload = bytes(b[off:off + ent["bytes"]])
        if dtype == DT_F32:
            # 20e
            for i, (bits,) in enumerate(struct.iter_unpack("<I", payload)):
                if bits & 0x7F800000 == 0x7F800000:
                    raise Reject(BAD_WEIGHTS, "tensor %d: value %d not finite" % (t, i))
        elif dtype == DT_TRIT3:
            check_trit3_rows(t, payload, rows, cols)                 # 20f (trit3)
        elif dtype == DT_I32:
            check_int_values(t, kind, [v for (v,) in struct.iter_unpack("<i", payload)])  # 20e
        else:
            # 20f
            rb = (cols + 3) // 4
            pad = 4 * rb - cols
            mask = (0xFF << (2 * (4 - pad))) & 0xFF if pad else 0
            for r in range(rows):
                row = payload[r * rb:(r + 1) * rb]
                if any(_HAS_CODE10[x] for x in row):
                    raise Reject(BAD_WEIGHTS, "tensor %d row %d: invalid trit code 10" % (t, r))
                if mask and row[-1] & mask:
                    raise Reject(BAD_WEIGHTS, "tensor %d row %d: non-zero padding trits" % (t, r))
        ent["payload"] = payload
        tensors.append(ent)

    return dict(signature=signature_fields(b, file_bytes, flags), header_bytes=u32(b, 12),
                version=(u16(b, 8), u16(b, 10)), file_bytes=file_bytes,
                image_bytes=n, crc32=stored_crc, flags=flags, signed=bool(flags & 1),
                tensor_count=tensor_count, table_offset=table_offset,
                payload_offset=payload_offset, config=cfg, tensors=tensors,
                classifier=classifier)


def check_sig_block(b, file_bytes, flags):
    if flags & 1:
        if bytes(b[file_bytes:file_bytes + 8]) != SIG_MAGIC:         # 14
            raise Reject(BAD_SIGNATURE_BLOCK, "signature block magic is not ATOMESIG")
        if (u32(b, file_bytes + 8) != 1 or u32(b, file_bytes + 12) != SIG_BLOCK_BYTES  # 15
                or u32(b, file_bytes + 20) != 0):
            raise Reject(BAD_SIGNATURE_BLOCK, "signature block alg/block_bytes/reserved invalid")


def validate_compact(b, file_bytes, flags, stored_crc):
    """A version 2.0 (compact q15) file after the shared checks (section 18.5). Its tensors are
    returned as a version-1 reader's entries: vectors as int32 payloads (v16 << shift), trits as
    trit3 with the alpha in scale_bits, so that the forward passes read both alike."""
    if any(b[96:128]):                                               # 18.5.1
        raise Reject(BAD_HEADER, "reserved header bytes 96..127 not zero")
    check_sig_block(b, file_bytes, flags)
    cfg = valid_config(b, no_unembed=0)                              # 18.5.2
    if cfg["numerics"] != NUM_Q15:
        raise Reject(BAD_HEADER, "a compact file is q15 (numerics 2), not %d" % cfg["numerics"])
    specs = canonical_tensors(cfg, DT_TRIT3)                         # 18.5.3
    if u32(b, 28) != len(specs):
        raise Reject(BAD_TENSOR, "tensor_count %d != %d" % (u32(b, 28), len(specs)))
    pad2 = lambda v: v + (v & 1)
    n_trit = sum(1 for sp in specs if sp[2] == DT_TRIT3)
    # alpha table: u16 per trit tensor; shift table: u8 per tensor (section 18.1)
    shifts_at = HEADER_BYTES + 2 * n_trit
    payload_offset = pad2(shifts_at + len(specs))
    sizes = [payload_bytes(dt, r, c) if dt == DT_TRIT3 else 2 * r * c for (_, _, dt, r, c) in specs]
    end = payload_offset + sum(pad2(x) for x in sizes)
    if u32(b, 32) != HEADER_BYTES or u32(b, 36) != payload_offset or file_bytes != end:
        raise Reject(BAD_HEADER, "table/payload offsets or file_bytes not those of the config")
    if any(b[shifts_at + len(specs):payload_offset]):
        raise Reject(BAD_HEADER, "padding after the shift table not zero")
    tensors, off, it = [], payload_offset, 0
    for t, ((kind, layer, dtype, rows, cols), size) in enumerate(zip(specs, sizes)):  # 18.5.4
        payload = bytes(b[off:off + size])
        ent = dict(kind=kind, layer=layer, rows=rows, cols=cols, scale=0.0, offset=off,
                   bytes=size)
        shift = b[shifts_at + t]
        if shift > 15:
            raise Reject(BAD_TENSOR, "tensor %d: shift %d > 15" % (t, shift))
        if dtype == DT_TRIT3:
            alpha = u16(b, HEADER_BYTES + 2 * it) << shift
            it += 1
            if alpha >= (1 << 28):
                raise Reject(BAD_TENSOR, "tensor %d: Q24 alpha 0x%08x not below 2^28" % (t, alpha))
            check_trit3_rows(t, payload, rows, cols)
            ent.update(dtype=DT_TRIT3, scale_bits=alpha, scale=f32_at(struct.pack("<I", alpha), 0),
                       payload=payload, shift=shift)
        else:
            vals = [v * (1 << shift) for (v,) in struct.iter_unpack("<h", payload)]
            check_int_values(t, kind, vals)
            ent.update(dtype=DT_I32, scale_bits=0, shift=shift,
                       payload=struct.pack("<%di" % len(vals), *vals))
        if any(b[off + size:off + pad2(size)]):
            raise Reject(BAD_TENSOR, "tensor %d: padding byte not zero" % t)
        off += pad2(size)
        tensors.append(ent)
    return dict(version=(u16(b, 8), u16(b, 10)), signature=signature_fields(b, file_bytes, flags),
                header_bytes=HEADER_BYTES, file_bytes=file_bytes, image_bytes=len(b),
                crc32=stored_crc, flags=flags, signed=bool(flags & 1), tensor_count=len(specs),
                table_offset=HEADER_BYTES, payload_offset=payload_offset, config=cfg,
                tensors=tensors, classifier=None, layout="compact")


def signature_fields(b, file_bytes, flags):
    signature = None
    if flags & 1:
        blk = bytes(b[file_bytes:file_bytes + SIG_BLOCK_BYTES])
        signature = dict(alg=u32(blk, 8), block_bytes=u32(blk, 12), model_version=u32(blk, 16),
                         key_id=blk[24:32].hex(), signed_bytes=file_bytes + 32,
                         signature=blk[32:96])
    return signature


def parse_class_meta(m, n_classes):
    """Section 17.2, rules in table order; returns the section as a dict or raises Reject."""
    def bad(why):
        raise Reject(BAD_METADATA, why)

    n = len(m)
    if n < 64:
        bad("section shorter than its 64-byte header")
    if m[0:8] != b"ATOMECLS":
        bad("section magic is not ATOMECLS")
    if u16(m, 8) != 1 or u16(m, 10) != 0 or any(m[56:64]):
        bad("section version or reserved bytes")
    if u32(m, 12) != n:
        bad("section_bytes %d != meta_bytes %d" % (u32(m, 12), n))
    if u32(m, 16) != n_classes:
        bad("section n_classes %d != config %d" % (u32(m, 16), n_classes))
    C, T = u32(m, 20), u32(m, 24)
    if not (1 <= C <= 256 and 1 <= T <= 4096) or C * T > 4096:
        bad("channels %d x window %d out of range" % (C, T))
    F = C * T
    mode = u32(m, 28)
    if mode not in (1, 2, 3) or (mode == 2 and F > 128) or (mode == 3 and C > 128):
        bad("quant_mode %d (features %d)" % (mode, F))
    rate, temp, rule, thr = f32_at(m, 32), f32_at(m, 36), u32(m, 40), f32_at(m, 44)
    if not math.isfinite(rate) or rate < 0 or u32(m, 32) == 0x80000000:
        bad("sample rate")
    if not math.isfinite(temp) or not temp > 0:
        bad("temperature")
    if rule > 2 or not (0 <= thr <= 1) or u32(m, 44) == 0x80000000 or (rule == 0 and u32(m, 44)):
        bad("abstention rule %d threshold %r" % (rule, thr))
    P, S = u32(m, 48), u32(m, 52)
    if P > 64:
        bad("%d pipeline parameters" % P)
    ranges, chans = 64, 64 + 16 * F
    params = chans + 8 * C
    strings = params + 4 * P
    end = strings + S
    if (end + 15) // 16 * 16 != n:
        bad("parts end at %d, section is %d bytes" % (end, n))
    vmin, vmax = [], []
    for i in range(F):
        lo, hi = struct.unpack_from("<dd", m, ranges + 16 * i)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            bad("range of feature %d" % i)
        vmin.append(lo)
        vmax.append(hi)
    channels = []
    for c in range(C):
        lo, hi = f32_at(m, chans + 8 * c), f32_at(m, chans + 8 * c + 4)
        unknown = u32(m, chans + 8 * c) == 0 and u32(m, chans + 8 * c + 4) == 0
        if not (math.isfinite(lo) and math.isfinite(hi)) or (not unknown and not lo < hi):
            bad("physical range of channel %d" % c)
        channels.append({"phys_min": lo, "phys_max": hi})
    values = [f32_at(m, params + 4 * p) for p in range(P)]
    if not all(math.isfinite(v) for v in values):
        bad("pipeline parameter not finite")
    names, pos = [], strings
    for k in range(1 + 2 * C + P + n_classes):
        if pos >= end:
            bad("string %d starts past the string area" % k)
        ln = m[pos]
        is_unit = 1 <= k < 1 + 2 * C and (k - 1) % 2 == 1
        if ln == 0 and not is_unit:
            bad("string %d is empty" % k)
        if pos + ln + 2 > end:
            bad("string %d runs past the string area" % k)
        raw = m[pos + 1:pos + 1 + ln]
        if any(x < 0x20 or x == 0x7F for x in raw) or m[pos + 1 + ln] != 0:
            bad("string %d: control byte or no terminator" % k)
        names.append(raw.decode("utf-8", "replace"))
        pos += ln + 2
    if pos != end:
        bad("strings end at %d, not %d" % (pos, end))
    if any(m[end:n]):
        bad("padding not zero")
    for c in range(C):
        channels[c]["name"], channels[c]["unit"] = names[1 + 2 * c], names[2 + 2 * c]
    return {"classes": names[1 + 2 * C + P:], "channels": channels, "window": T,
            "n_features": F, "sample_rate_hz": rate, "pipeline": names[0],
            "params": dict(zip(names[1 + 2 * C:1 + 2 * C + P], values)),
            "quant_mode": {1: "global", 2: "banded", 3: "channel"}[mode], "temperature": temp,
            "abstain_rule": ["none", "max-prob", "margin"][rule], "abstain_threshold": thr,
            "section_bytes": n, "ranges": {"vmin": vmin, "vmax": vmax}}


# --------------------------------------------------------------------------------------------
# binary32 emulation

_F = struct.Struct("<f")
_I = struct.Struct("<I")


def f32(x):
    """Round a Python float (double) to the nearest binary32 (round-to-nearest-even)."""
    try:
        return _F.unpack(_F.pack(x))[0]
    except OverflowError:  # the C cast rounded to infinity
        return math.copysign(math.inf, x)


def bits_of(x):
    return _I.unpack(_F.pack(x))[0]


def from_bits(u):
    return _F.unpack(_I.pack(u & 0xFFFFFFFF))[0]


def f32_lit(text):
    """The binary32 value nearest to the decimal literal `text` (a C `f`-suffixed literal)."""
    exact = Fraction(text)
    cand = f32(float(text))
    best = cand
    u = bits_of(cand)
    for nb in (u - 1, u + 1):
        if 0 <= nb < 0x7F800000 or 0x80000000 <= nb < 0xFF800000:
            v = from_bits(nb)
            if abs(Fraction(v) - exact) < abs(Fraction(best) - exact):
                best = v
    return best


# Sums/products/quotients of two binary32 values computed in double and rounded once to binary32
# are correctly rounded (double has more than 2*24+2 significand bits), so each operation below is
# `f32(a op b)`.

def pow2i(k):
    return from_bits((k + 127) << 23)


EXP_HI = 88.72283935546875
EXP_LO = -103.97208404541015625
LOG2E = f32_lit("1.44269502162933349609375")
LN2_HI = f32_lit("0.693359375")
LN2_LO = f32_lit("-2.12194440e-4")
EXP_P = [f32_lit(s) for s in ("1.9875691500e-4", "1.3981999507e-3", "8.3334519073e-3",
                              "4.1665795894e-2", "1.6666665459e-1", "5.0000001201e-1")]
TANH_P = [f32_lit(s) for s in ("-5.70498872745e-3", "2.06390887954e-2", "5.37397155531e-2",
                               "1.33314422036e-1", "3.33332819422e-1")]
TANH_HI = f32_lit("9.01")
TANH_LO = f32_lit("0.625")


def exp_f(x):
    if x != x:
        return x
    if x > EXP_HI:
        return math.inf
    if x < EXP_LO:
        return 0.0
    kf = f32(x * LOG2E)
    k = int(f32(kf + (0.5 if kf >= 0 else -0.5)))  # int() truncates toward zero like C
    fk = float(k)
    r = f32(f32(x - f32(fk * LN2_HI)) - f32(fk * LN2_LO))
    r2 = f32(r * r)
    p = EXP_P[0]
    for c in EXP_P[1:]:
        p = f32(f32(p * r) + c)
    er = f32(f32(f32(p * r2) + r) + 1.0)
    k1 = int(k / 2) if k >= 0 else -((-k) // 2)  # truncating division
    k2 = k - k1
    return f32(f32(er * pow2i(k1)) * pow2i(k2))


def tanh_f(x):
    if x != x:
        return x
    ax = abs(x)
    if ax > TANH_HI:
        y = 1.0
    elif ax < TANH_LO:
        z = f32(x * x)
        p = TANH_P[0]
        p = f32(f32(p * z) + TANH_P[1])
        p = f32(f32(p * z) - TANH_P[2])
        p = f32(f32(p * z) + TANH_P[3])
        p = f32(f32(p * z) - TANH_P[4])
        return f32(f32(f32(p * z) * x) + x)
    else:
        y = f32(1.0 - f32(2.0 / f32(exp_f(f32(2.0 * ax)) + 1.0)))
    return -y if x < 0 else y


def sqrt_f(x):
    if x < 0:
        return math.nan
    if x == math.inf:
        return x
    return f32(math.sqrt(x))  # correctly rounded: double sqrt then one rounding is exact here


# --------------------------------------------------------------------------------------------
# Primitive operations (section 11.1)

def apply_trit(v, code):
    if code == 1:
        return v
    if code == 3:
        return -v  # sign bit flipped (also for zeros)
    return 0.0     # code 00 -> +0.0 (code 10 cannot occur in a validated file)


class Trit:
    """A trit2 tensor decoded to per-row lists of codes."""

    def __init__(self, ent):
        self.rows, self.cols, self.alpha = ent["rows"], ent["cols"], ent["scale"]
        self.alpha_q24 = ent["scale_bits"]  # q15 files: alpha in Q24 (section 16.2)
        trit3 = ent["dtype"] == DT_TRIT3
        rb = (self.cols + 4) // 5 if trit3 else (self.cols + 3) // 4
        p = ent["payload"]
        self.codes = []
        for r in range(self.rows):
            row = p[r * rb:(r + 1) * rb]
            if trit3:
                self.codes.append(unpack_trit3_row(row, self.cols))
            else:
                self.codes.append([(row[j >> 2] >> (2 * (j & 3))) & 3 for j in range(self.cols)])


def reduce8(lane):
    return f32(f32(f32(lane[0] + lane[4]) + f32(lane[2] + lane[6]))
               + f32(f32(lane[1] + lane[5]) + f32(lane[3] + lane[7])))


def TL(W, x):
    y = []
    for r in range(W.rows):
        lane = [0.0] * 8
        codes = W.codes[r]
        for i in range(W.cols):
            c = codes[i]
            if c == 1:
                t = x[i]
            elif c == 3:
                t = -x[i]
            else:
                t = 0.0
            lane[i & 7] = f32(lane[i & 7] + t)
        y.append(f32(W.alpha * reduce8(lane)))
    return y


def dot(a, b, n):
    lane = [0.0] * 8
    for i in range(n):
        lane[i & 7] = f32(lane[i & 7] + f32(a[i] * b[i]))
    return reduce8(lane)


def lane_sum(terms):
    """Eight-lane sum: lane i % 8, increasing i per lane, then the reduction tree of TL."""
    lane = [0.0] * 8
    for i, t in enumerate(terms):
        lane[i & 7] = f32(lane[i & 7] + t)
    return reduce8(lane)


def layer_norm(x, gamma, beta, eps):
    # Section 11.1: both sums (x, and the squares) in the eight-lane scheme of TL.
    d = len(x)
    fd = float(d)
    mean = f32(lane_sum(x) / fd)
    sq = []
    for v in x:
        c = f32(v - mean)
        sq.append(f32(c * c))
    var = f32(lane_sum(sq) / fd)
    rstd = f32(1.0 / sqrt_f(f32(var + eps)))
    return [f32(f32(f32(f32(x[i] - mean) * rstd) * gamma[i]) + beta[i]) for i in range(d)]


def softmax(v):
    v = list(v)
    m = v[0]
    for i in range(len(v)):
        m = v[i] if v[i] > m else m
    for i in range(len(v)):
        v[i] = exp_f(f32(v[i] - m))
    s = 0.0
    for e in v:
        s = f32(s + e)
    return [f32(e / s) for e in v]


# --------------------------------------------------------------------------------------------
# a8: int8 inputs of the ternary linears (section 16.3)

def quantize_a8(h):
    """h (float32 list) -> (h8, m): m = max|h_i|, h8_i = RoundClip(h_i * (127 / m), -127, 127)."""
    m = 0.0
    for v in h:
        a = abs(v)  # the sign bit cleared (|-0.0| = +0.0)
        m = a if a > m else m
    inv = f32(127.0 / m) if m > 0.0 else 0.0
    q = []
    for v in h:
        t = f32(v * inv)
        if t >= 127.0:
            q.append(127)
        elif t <= -127.0:
            q.append(-127)
        elif t != t:  # NaN (an overflowed float model): 0
            q.append(0)
        else:
            q.append(int(f32(t + (0.5 if t >= 0.0 else -0.5))))  # int() truncates like C
    return q, m


def trit_acc(W, x):
    """acc[r] = sum_i trit(W[r, i]) * x[i], exact integers (section 16.3)."""
    out = []
    for codes in W.codes:
        acc = 0
        for c, v in zip(codes, x):
            if c == 1:
                acc += v
            elif c == 3:
                acc -= v
        out.append(acc)
    return out


def TL_a8(W, h8, m):
    """y[r] = float(acc[r]) * (alpha * (m / 127)), each operation rounded to binary32."""
    scale = f32(W.alpha * f32(m / 127.0))
    return [f32(float(a) * scale) for a in trit_acc(W, h8)]


# --------------------------------------------------------------------------------------------
# q15: the integer primitives (section 16.4).  Python ints are unbounded: every value below stays
# inside the int64 (or narrower) range the specification gives, so the results are the C results.
# `>>` on a Python int is floor division by a power of two, i.e. C's arithmetic shift.

Q16_LIMIT = 1 << 27  # |Q16 activation| <= 2^27


def sat_q16(v):
    return Q16_LIMIT if v > Q16_LIMIT else (-Q16_LIMIT if v < -Q16_LIMIT else v)


def sat_i16(v):
    return 32767 if v > 32767 else (-32768 if v < -32768 else v)


def shift_round(v, s):
    """v / 2^s rounded half up (toward +infinity on ties), s >= 1."""
    return (v + (1 << (s - 1))) >> s


def div_trunc(a, b):
    """C integer division: the quotient truncated toward zero (b > 0)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def layer_norm_q(x, gamma, beta, eps_q24):
    d = len(x)
    mean = div_trunc(sum(x), d)
    c = [v - mean for v in x]
    squares = 0
    for ci in c:
        squares += (ci * ci) >> 8
    var = squares // d + eps_q24
    s = 0
    while var < (1 << 60):
        var <<= 2
        s += 1
    root = math.isqrt(var)  # floor(sqrt(var)), in [2^30, 2^31)
    r = (1 << 61) // root
    h = []
    for i in range(d):
        z = shift_round(c[i] * r, 49 - s)
        h.append(sat_i16(shift_round(z * gamma[i] + (beta[i] << 16), 24)))
    return h


def quantize_h(h):
    """h (int16 Q8) -> (h8, deq)."""
    m = 0
    for v in h:
        m = max(m, abs(v))
    if m == 0:
        return [0] * len(h), 0
    inv = ((127 << 16) + (m >> 1)) // m
    q = []
    for v in h:
        t = (v * inv + (1 << 15)) >> 16
        q.append(127 if t > 127 else (-127 if t < -127 else t))
    return q, ((m << 16) + 63) // 127


def TL_q(W, h8, deq):
    """Q16 outputs of a ternary linear on an absmax-quantised input."""
    st = shift_round(W.alpha_q24 * deq, 16)
    return [sat_q16(shift_round(a * st, 16)) for a in trit_acc(W, h8)]


def quantize_pow2(v):
    """Q16 vector -> (int8 list, e) with v_i ~ q_i * 2^e."""
    m = 0
    for x in v:
        m = max(m, abs(x))
    e = 0
    while (127 << e) < m:
        e += 1
    q = []
    for x in v:
        t = x if e == 0 else (x + (1 << (e - 1))) >> e
        q.append(127 if t > 127 else (-127 if t < -127 else t))
    return q, e


EXP_Q_COEF = (7419544, -57312187, 257211996, -744187985, 1 << 30)


def exp_neg_q15(t):
    """About 2^15 * e^(-t / 2^16) for t >= 0 (Q16)."""
    if t >= (16 << 16):
        return 0
    u = (t * 94548 + (1 << 15)) >> 16
    n = u >> 16
    f = u & 0xFFFF
    p = EXP_Q_COEF[0]
    for c in EXP_Q_COEF[1:]:
        p = c + ((p * f) >> 16)
    return shift_round(p, 15 + n)


def softmax_q15(v):
    m = v[0]
    for x in v[1:]:
        m = x if x > m else m
    e = [exp_neg_q15(m - x) for x in v]
    s = sum(e)
    return [(ei * 32768 + (s >> 1)) // s for ei in e]


def top_k_select(scores, top_k):
    """Best-first list of (score, index); equal scores keep the earlier index first (11.2 e)."""
    best_score, best = [0] * top_k, [0] * top_k
    count = 0
    for j, sc in enumerate(scores):
        if count == top_k and not (sc > best_score[top_k - 1]):
            continue
        if count < top_k:
            pos = count
            count += 1
        else:
            pos = top_k - 1
        while pos > 0 and sc > best_score[pos - 1]:
            best_score[pos] = best_score[pos - 1]
            best[pos] = best[pos - 1]
            pos -= 1
        best_score[pos] = sc
        best[pos] = j
    return best_score[:count], best[:count]


# --------------------------------------------------------------------------------------------
# Forward pass (section 11.2; a8 as in 16.3)

class Weights:
    """A native file's tensors as the forward passes read them (section 11.2), plus the empty
    per-layer state. vector_format: "f" (f32 and a8 files) or "i" (q15: int32 fixed point,
    section 16.2); decay maps the stored SSM_A vector to the decay (tanh(a), or the stored Q15
    decay itself); zero is the SSM state's zero."""

    def __init__(self, info, window, vector_format, decay, zero):
        self.cfg = c = info["config"]
        self.d, self.window = c["d_model"], window
        by = {}
        for ent in info["tensors"]:
            by[(ent["kind"], ent["layer"])] = ent

        def vec(kind, layer):
            return list(struct.unpack("<%d%s" % (self.d, vector_format),
                                      by[(kind, layer)]["payload"]))

        G = GLOBAL_LAYER
        self.embed = Trit(by[(EMBED, G)])
        self.blocks = []
        p = c["pathways"]
        for l in range(c["n_layers"]):
            blk = dict(gamma=vec(NORM_GAMMA, l), beta=vec(NORM_BETA, l),
                       router=Trit(by[(ROUTER, l)]))
            if p & 1:
                blk["conv"] = Trit(by[(CONV, l)])
                blk["hist"] = []          # h vectors, newest first
            if p & 2:
                blk["decay"] = decay(vec(SSM_A, l))
                blk["b"], blk["c"] = vec(SSM_B, l), vec(SSM_C, l)
                blk["s"] = [zero] * self.d
            if p & 4:
                blk["wq"], blk["wk"], blk["wv"] = (Trit(by[(WQ, l)]), Trit(by[(WK, l)]),
                                                   Trit(by[(WV, l)]))
                blk["keys"], blk["vals"] = [], []  # oldest first
            self.blocks.append(blk)
        self.fgamma, self.fbeta = vec(FINAL_GAMMA, G), vec(FINAL_BETA, G)
        self.unembed = Trit(by[(UNEMBED, G)])
        self.head = Trit(by[(HEAD, G)]) if (HEAD, G) in by else None
        self.t = 0


class Model(Weights):
    def __init__(self, info, window):
        super().__init__(info, window, "f", lambda a: [tanh_f(v) for v in a], 0.0)
        self.eps = self.cfg["norm_eps"]
        self.a8 = self.cfg["numerics"] == NUM_A8

    def step(self, tok):
        c, d, p = self.cfg, self.d, self.cfg["pathways"]
        aE = self.embed.alpha
        x = [apply_trit(aE, code) for code in self.embed.codes[tok]]
        for blk in self.blocks:
            h = layer_norm(x, blk["gamma"], blk["beta"], self.eps)
            if self.a8:
                h8, hm = quantize_a8(h)

                def lin(W):
                    return TL_a8(W, h8, hm)
            else:
                def lin(W):
                    return TL(W, h)
            r = softmax(lin(blk["router"]))
            pi = 0
            mixes = []
            if p & 1:
                hist = blk["hist"]
                hist.insert(0, h)
                K = c["conv_kernel"]
                del hist[K:]
                W = blk["conv"]
                taps = min(self.t + 1, K)
                local = []
                for ch in range(d):
                    acc = 0.0
                    codes = W.codes[ch]
                    for k in range(taps):
                        acc = f32(acc + apply_trit(hist[k][ch], codes[k]))
                    local.append(f32(W.alpha * acc))
                mixes.append((r[pi], local))
                pi += 1
            if p & 2:
                s, dec, bb, cc = blk["s"], blk["decay"], blk["b"], blk["c"]
                state = []
                for ch in range(d):
                    s[ch] = f32(f32(dec[ch] * s[ch]) + f32(bb[ch] * h[ch]))
                    state.append(f32(cc[ch] * s[ch]))
                mixes.append((r[pi], state))
                pi += 1
            if p & 4:
                q = lin(blk["wq"])
                blk["keys"].append(lin(blk["wk"]))
                blk["vals"].append(lin(blk["wv"]))
                del blk["keys"][:-self.window]
                del blk["vals"][:-self.window]
                keys, vals = blk["keys"], blk["vals"]
                n = len(keys)  # = min(t + 1, window)
                dh = c["d_head"]
                root = sqrt_f(float(dh))
                top_k = c["top_k"]
                best_score, best = [0.0] * top_k, [0] * top_k
                count = 0
                for j in range(n):
                    sc = f32(dot(q, keys[j], dh) / root)
                    if count == top_k and not (sc > best_score[top_k - 1]):
                        continue
                    if count < top_k:
                        pos = count
                        count += 1
                    else:
                        pos = top_k - 1
                    while pos > 0 and sc > best_score[pos - 1]:
                        best_score[pos] = best_score[pos - 1]
                        best[pos] = best[pos - 1]
                        pos -= 1
                    best_score[pos] = sc
                    best[pos] = j
                pw = softmax(best_score[:count])
                sparse = []
                for ch in range(d):
                    acc = 0.0
                    for i in range(count):
                        acc = f32(acc + f32(pw[i] * vals[best[i]][ch]))
                    sparse.append(acc)
                mixes.append((r[pi], sparse))
                pi += 1
            for w, vecv in mixes:
                x = [f32(x[i] + f32(w * vecv[i])) for i in range(d)]
        self.t += 1
        hf = layer_norm(x, self.fgamma, self.fbeta, self.eps)
        if self.a8:
            h8, hm = quantize_a8(hf)
            logits = TL_a8(self.unembed, h8, hm)
            cls = TL_a8(self.head, h8, hm) if self.head is not None else None
        else:
            logits = TL(self.unembed, hf)
            cls = TL(self.head, hf) if self.head is not None else None
        return logits, cls


class ModelQ15(Weights):
    """The integer forward of a q15 file (section 16.4). step() returns Q16 integer logits."""

    def __init__(self, info, window):
        # the SSM_A tensor holds the decay tanh(a) in Q15, computed at export; keys and values
        # are (int8 list, exponent)
        super().__init__(info, window, "i", lambda decay: decay, 0)
        c = self.cfg
        self.eps_q24 = c["norm_eps_q24"]
        # floor(2^16 / sqrt(d_head)), computed as floor(sqrt(floor(2^32 / d_head)))
        self.isd = math.isqrt((1 << 32) // c["d_head"]) if c["pathways"] & 4 else 0

    def step(self, tok):
        c, d, p = self.cfg, self.d, self.cfg["pathways"]
        e = sat_q16(shift_round(self.embed.alpha_q24, 8))
        x = [(-e if code == 3 else e) if code & 1 else 0 for code in self.embed.codes[tok]]
        for blk in self.blocks:
            h = layer_norm_q(x, blk["gamma"], blk["beta"], self.eps_q24)
            h8, deq = quantize_h(h)
            r = softmax_q15(TL_q(blk["router"], h8, deq))
            mixes = []
            pi = 0
            if p & 1:
                hist = blk["hist"]
                hist.insert(0, h)
                K = c["conv_kernel"]
                del hist[K:]
                W = blk["conv"]
                taps = min(self.t + 1, K)
                local = []
                for ch in range(d):
                    acc = 0
                    codes = W.codes[ch]
                    for k in range(taps):
                        if codes[k] == 1:
                            acc += hist[k][ch]
                        elif codes[k] == 3:
                            acc -= hist[k][ch]
                    local.append(sat_q16(shift_round(acc * W.alpha_q24, 16)))
                mixes.append((r[pi], local))
                pi += 1
            if p & 2:
                s, dec, bb, cc = blk["s"], blk["decay"], blk["b"], blk["c"]
                y = []
                for ch in range(d):
                    kept = shift_round(dec[ch] * s[ch], 15)
                    inp = shift_round(bb[ch] * h[ch], 8)
                    s[ch] = sat_q16(kept + inp)
                    y.append(sat_q16(shift_round(cc[ch] * s[ch], 16)))
                mixes.append((r[pi], y))
                pi += 1
            if p & 4:
                q8, qe = quantize_pow2(TL_q(blk["wq"], h8, deq))
                blk["keys"].append(quantize_pow2(TL_q(blk["wk"], h8, deq)))
                blk["vals"].append(quantize_pow2(TL_q(blk["wv"], h8, deq)))
                del blk["keys"][:-self.window]
                del blk["vals"][:-self.window]
                keys, vals = blk["keys"], blk["vals"]
                scores = []
                for k8, ke in keys:
                    raw = 0
                    for a, b in zip(q8, k8):
                        raw += a * b
                    scores.append(raw << ke)
                best_score, best = top_k_select(scores, c["top_k"])
                top = best_score[0]
                logit = []
                for sc in best_score:
                    gap = min(top - sc, 1 << 46)
                    drop = min((gap * self.isd) >> (32 - qe), Q16_LIMIT)
                    logit.append(-drop)
                prob = softmax_q15(logit)
                acc = [0] * d
                for pw, j in zip(prob, best):
                    v8, ve = vals[j]
                    for ch in range(d):
                        acc[ch] += (pw * v8[ch]) << ve
                mixes.append((r[pi], [sat_q16(shift_round(a, 15)) for a in acc]))
                pi += 1
            for w, y in mixes:
                x = [sat_q16(x[i] + shift_round(w * y[i], 15)) for i in range(d)]
        self.t += 1
        hf = layer_norm_q(x, self.fgamma, self.fbeta, self.eps_q24)
        h8, deq = quantize_h(hf)
        logits = TL_q(self.unembed, h8, deq)
        cls = TL_q(self.head, h8, deq) if self.head is not None else None
        return logits, cls


# --------------------------------------------------------------------------------------------
# Signed files (FORMAT.md section 8)

def key_id_of(public_key):
    """The first 8 bytes of SHA-512 of the 32-byte public key."""
    return hashlib.sha512(public_key).digest()[:8]


def ed25519_verify(public_key, signature, message):
    """RFC 8032 pure Ed25519 through the cryptography package (OpenSSL), imported here only."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def verify_signed(b, pinned_keys, min_version):
    """Section 8's verified load, in its order; returns (info, key_id, model_version) or raises
    Reject.  pinned_keys: 32-byte public keys; no key is ever taken from the file."""
    n = len(b)
    if n < 8:                                                        # section 9 checks 3-5
        raise Reject(TRUNCATED, "image shorter than 8 bytes")
    if bytes(b[0:8]) != MAGIC:
        raise Reject(BAD_MAGIC, "magic is not ATOMENAT")
    if n < HEADER_BYTES:
        raise Reject(TRUNCATED, "image shorter than the 128-byte header")
    if not u32(b, 24) & 1:                                           # flags bit 0
        raise Reject(UNSIGNED, "flags bit 0 clear: no signature block")
    file_bytes = u32(b, 16)                                          # checks 7-9
    total = file_bytes + SIG_BLOCK_BYTES
    if n < total:
        raise Reject(TRUNCATED, "image has %d bytes, header declares %d" % (n, total))
    if n > total:
        raise Reject(SIZE_MISMATCH, "image has %d bytes, header declares %d" % (n, total))
    if file_bytes < HEADER_BYTES:
        raise Reject(BAD_HEADER, "file_bytes %d < 128" % file_bytes)
    blk = bytes(b[file_bytes:total])                                 # checks 14-15
    if blk[0:8] != SIG_MAGIC:
        raise Reject(BAD_SIGNATURE_BLOCK, "signature block magic is not ATOMESIG")
    if u32(blk, 8) != 1 or u32(blk, 12) != SIG_BLOCK_BYTES or u32(blk, 20) != 0:
        raise Reject(BAD_SIGNATURE_BLOCK, "signature block alg/block_bytes/reserved invalid")
    key_id = blk[24:32]
    candidates = [k for k in pinned_keys if key_id_of(k) == key_id]
    if not candidates:
        raise Reject(UNTRUSTED_KEY, "key id %s is not among the pinned keys" % key_id.hex())
    message = bytes(b[0:file_bytes + 32])
    if not any(ed25519_verify(k, blk[32:96], message) for k in candidates):
        raise Reject(BAD_SIGNATURE, "signature does not verify with pinned key id %s" % key_id.hex())
    version = u32(blk, 16)
    if version < min_version:
        raise Reject(ROLLBACK, "model version %d < minimum %d" % (version, min_version))
    return validate(b), key_id.hex(), version


def read_public_key(path):
    try:
        with open(path, "r", encoding="ascii") as fh:
            text = fh.read().strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print("atome_reader: %s: not a public key file: %s" % (path, e), file=sys.stderr)
        sys.exit(2)
    if len(key) != 32 or len(text) != 64:
        print("atome_reader: %s: not a public key file (64 hex digits)" % path, file=sys.stderr)
        sys.exit(2)
    return key


def q16_to_f32(v):
    """The float view of a Q16 logit: float(v) rounded to binary32, then / 65536 (exact)."""
    return f32(f32(float(v)) / 65536.0)


# --------------------------------------------------------------------------------------------
# Command line

def load(path):
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        print("atome_reader: cannot read %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)
    try:
        return validate(data)
    except Reject as r:
        print("%s (%d): %s" % (STATUS[r.code], r.code, r.why))
        sys.exit(1)


def inspect_json(info):
    cfg = dict(info["config"])
    tensors = []
    param_count = 0
    q15 = cfg["numerics"] == NUM_Q15
    for i, e in enumerate(info["tensors"]):
        param_count += e["rows"] * e["cols"]
        t = {
            "index": i, "kind": KIND_NAMES[e["kind"]],
            "layer": None if e["layer"] == GLOBAL_LAYER else e["layer"],
            "dtype": DTYPE_NAMES[e["dtype"]], "rows": e["rows"], "cols": e["cols"],
            "scale": e["scale"], "scale_bits": "0x%08x" % e["scale_bits"],
            "offset": e["offset"], "bytes": e["bytes"],
        }
        if "shift" in e:  # a compact file: vectors int16 << shift, alphas u16 << shift (18.3)
            t["shift"] = e["shift"]
            if e["dtype"] == DT_I32:
                t["dtype"] = "i16"
        if q15 and e["dtype"] in (DT_TRIT2, DT_TRIT3):
            # the scale field holds alpha in Q24 (section 16.2)
            t["scale_q24"] = e["scale_bits"]
            t["alpha"] = e["scale_bits"] / float(1 << 24)
        tensors.append(t)
    out = {
        "version": list(info["version"]),
        "layout": info.get("layout", "v1"),
        "numerics": NUMERICS_NAMES[cfg["numerics"]],
        "config": cfg,
        "norm_eps_bits": "0x%08x" % bits_of(cfg["norm_eps"]),
        "header_bytes": info["header_bytes"],
        "flags": info["flags"],
        "tensor_count": info["tensor_count"],
        "table_offset": info["table_offset"],
        "payload_offset": info["payload_offset"],
        "crc32": "0x%08x" % info["crc32"],
        "file_bytes": info["file_bytes"],
        "image_bytes": info["image_bytes"],
        "signed": info["signed"],
        # the block's fields; the signature bytes themselves are never printed
        "signature": (None if info["signature"] is None else
                      {k: v for k, v in info["signature"].items() if k != "signature"}),
        "tensors": tensors,
        "param_count": param_count,
    }
    if info.get("classifier") is not None:
        out["classifier"] = info["classifier"]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("validate", help="validate a native file").add_argument("file")
    sub.add_parser("inspect", help="print a JSON description").add_argument("file")
    fw = sub.add_parser("forward", help="run the forward pass (f32, a8 or q15)")
    fw.add_argument("file")
    fw.add_argument("--prompt", required=True, help="prompt text, fed as UTF-8 bytes")
    fw.add_argument("--window", type=int, default=256,
                    help="attention window W in tokens (run-time choice; default 256)")
    vf = sub.add_parser("verify", help="verified load with pinned keys (section 8)")
    vf.add_argument("file")
    vf.add_argument("--pubkey-file", action="append", required=True,
                    help="pinned public key: 64 hex digits (repeat for several)")
    vf.add_argument("--min-version", type=int, default=0, help="lowest model version accepted")
    a = ap.parse_args(argv)

    if a.cmd == "verify":
        keys = [read_public_key(p) for p in a.pubkey_file]
        try:
            with open(a.file, "rb") as fh:
                data = fh.read()
        except OSError as e:
            print("atome_reader: cannot read %s: %s" % (a.file, e), file=sys.stderr)
            return 2
        try:
            _, key_id, version = verify_signed(data, keys, a.min_version)
        except Reject as r:
            print("%s (%d): %s" % (STATUS[r.code], r.code, r.why))
            return 1
        print("%s (%d): valid, signed by key id %s, model version %d" % (STATUS[OK], OK, key_id,
                                                                         version))
        return 0
    info = load(a.file)
    if a.cmd == "validate":
        print("%s (%d)" % (STATUS[OK], OK))
        return 0
    if a.cmd == "inspect":
        print(json.dumps(inspect_json(info), indent=1))
        return 0
    prompt = a.prompt.encode("utf-8", "surrogateescape")
    if not prompt:
        print("atome_reader: empty prompt", file=sys.stderr)
        return 2
    if a.window < 1:
        print("atome_reader: --window must be >= 1", file=sys.stderr)
        return 2
    q15 = info["config"]["numerics"] == NUM_Q15
    model = ModelQ15(info, a.window) if q15 else Model(info, a.window)
    logits = cls = None
    for tok in prompt:
        logits, cls = model.step(tok)
    out = {"prompt_bytes": list(prompt), "window": a.window,
           "numerics": NUMERICS_NAMES[info["config"]["numerics"]]}
    if q15:
        out["logits_q16"] = logits
        logits = [q16_to_f32(v) for v in logits]
        if cls is not None:
            out["class_logits_q16"] = cls
            cls = [q16_to_f32(v) for v in cls]
    out["logits"] = logits
    out["bits"] = ["0x%08x" % bits_of(v) for v in logits]
    if cls is not None:
        out["class_logits"] = cls
        out["class_bits"] = ["0x%08x" % bits_of(v) for v in cls]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
