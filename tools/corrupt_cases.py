#!/usr/bin/env python3
"""Derive hand-made variants of a valid ATOMENAT file, one per rule of FORMAT.md section 9.

usage: corrupt_cases.py VALID_NATIVE_FILE OUT_DIR [A8_FILE Q15_FILE [CLASSIFIER [TRIT3 [COMPACT]]]]

Writes OUT_DIR/<name>.atn for every case and OUT_DIR/cases.json, a list of
{"name": ..., "file": ..., "expect": status-number, "status": status-name}.  The expected status
comes from the specification alone (0 = the file must be accepted).  Most cases re-compute the
CRC after editing so that the check under test, not the checksum, is what decides.

Needs a valid unsigned native LM or classifier file with the reference writer's layout and at
least one layer containing the CONV pathway with conv_kernel % 4 != 0 for the padding-trit case
(toy_60k converted to native qualifies; cases that do not apply to the input are skipped).

With A8_FILE and Q15_FILE (the same model converted with `atome convert --numerics a8|q15`), also
writes the cases of the version 1.1 fields (section 16): numerics, act_bits, norm_eps_q24, the
reserved bytes of each minor version, the i32 dtype, i32 value ranges and the Q24 trit scale.
With CLASSIFIER (a 1.3 file), the metadata section's cases (section 17); with TRIT3 (the model
with --packing trit3), the base-3 rows' (section 5.3); with COMPACT (a q15 model with --layout
compact), one case per rule of section 18.5.
"""

import json
import os
import struct
import sys
import zlib

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atome_reader as R  # noqa: E402


def fix_crc(b):
    fb = struct.unpack_from("<I", b, 16)[0]
    struct.pack_into("<I", b, 20, 0)
    struct.pack_into("<I", b, 20, zlib.crc32(bytes(b[:fb])) & 0xFFFFFFFF)
    return b


def classifier_cases(add, path):
    """A 1.3 classifier file (section 17): the valid file, and corruptions of its metadata
    section and its placement, each with the CRC repaired so that the section's rule decides."""
    base = open(path, "rb").read()
    meta = struct.unpack_from("<I", base, 96)[0]
    mlen = struct.unpack_from("<I", base, 100)[0]
    C, T = struct.unpack_from("<II", base, meta + 20)
    strings = meta + 64 + 16 * C * T + 8 * C + 4 * struct.unpack_from("<I", base, meta + 48)[0]

    def edit(name, fn, expect, crc=True):
        b = bytearray(base)
        fn(b)
        add("cls_" + name, fix_crc(b) if crc else b, expect)

    edit("valid_ok", lambda b: None, R.OK)
    edit("flip_in_section", lambda b: b.__setitem__(meta + 70, b[meta + 70] ^ 1), R.CHECKSUM, False)
    edit("section_magic", lambda b: b.__setitem__(meta + 7, ord("X")), R.BAD_METADATA)
    edit("section_version_2", lambda b: struct.pack_into("<H", b, meta + 8, 2), R.BAD_METADATA)
    edit("section_bytes_wrong", lambda b: struct.pack_into("<I", b, meta + 12, mlen - 16),
         R.BAD_METADATA)
    edit("n_classes_wrong", lambda b: struct.pack_into("<I", b, meta + 16, 99), R.BAD_METADATA)
    edit("quant_mode_4", lambda b: struct.pack_into("<I", b, meta + 28, 4), R.BAD_METADATA)
    edit("temperature_zero", lambda b: struct.pack_into("<f", b, meta + 36, 0.0), R.BAD_METADATA)
    edit("temperature_nan", lambda b: struct.pack_into("<I", b, meta + 36, 0x7FC00000),
         R.BAD_METADATA)
    edit("threshold_2", lambda b: struct.pack_into("<f", b, meta + 44, 2.0), R.BAD_METADATA)
    edit("vmin_eq_vmax", lambda b: struct.pack_into("<dd", b, meta + 64, 1.0, 1.0),
         R.BAD_METADATA)
    edit("vmax_inf", lambda b: struct.pack_into("<d", b, meta + 72, float("inf")),
         R.BAD_METADATA)
    edit("string_len_long", lambda b: b.__setitem__(strings, 250), R.BAD_METADATA)
    edit("string_no_nul", lambda b: b.__setitem__(strings + 1 + b[strings], ord("x")),
         R.BAD_METADATA)
    edit("string_control", lambda b: b.__setitem__(strings + 1, 9), R.BAD_METADATA)
    edit("padding_nonzero", lambda b: b.__setitem__(meta + mlen - 1, 1), R.BAD_METADATA)
    edit("meta_offset_misaligned", lambda b: struct.pack_into("<I", b, 96, meta + 4),
         R.BAD_HEADER)
    edit("meta_bytes_past_payload", lambda b: struct.pack_into("<I", b, 100, mlen + 16),
         R.BAD_HEADER)
    edit("minor_2_reserved", lambda b: struct.pack_into("<H", b, 10, 2), R.BAD_HEADER)


def numerics_cases(add, f32_file, a8_file, q15_file):
    """Cases for the 1.1 fields (FORMAT.md sections 16.1, 16.2, 9 checks 13, 16, 20d, 20e)."""
    f32b, a8b, q15b = (open(f, "rb").read() for f in (f32_file, a8_file, q15_file))
    infos = {name: R.validate(b) for name, b in (("f32", f32b), ("a8", a8b), ("q15", q15b))}
    assert infos["f32"]["version"] == (1, 0) and infos["f32"]["config"]["numerics"] == R.NUM_F32
    assert infos["a8"]["config"]["numerics"] == R.NUM_A8
    assert infos["q15"]["config"]["numerics"] == R.NUM_Q15

    def ed(base, *edits):
        b = bytearray(base)
        for off, fmt, v in edits:
            struct.pack_into(fmt, b, off, v)
        return fix_crc(b)

    minor = (10, "<H", 1)
    # -- f32 file: version 1.0 has no numerics fields; 1.1 with numerics 0 is an f32 file
    add("v10_numerics_byte88", ed(f32b, (88, "<I", 1)), R.BAD_HEADER)
    add("v10_eps_q24_byte95", ed(f32b, (95, "<B", 1)), R.BAD_HEADER)
    add("v11_f32_ok", ed(f32b, minor), R.OK)
    add("v11_f32_minor_9_ok", ed(f32b, (10, "<H", 9)), R.OK)
    add("v11_f32_reserved_96", ed(f32b, minor, (96, "<B", 1)), R.BAD_HEADER)
    add("v11_numerics_3", ed(f32b, minor, (88, "<I", 3)), R.BAD_CONFIG)
    add("v11_numerics_huge", ed(f32b, minor, (88, "<I", 0x80000000)), R.BAD_CONFIG)
    add("v11_f32_eps_q24_1", ed(f32b, minor, (92, "<I", 1)), R.BAD_CONFIG)
    add("v11_f32_act_bits_8", ed(f32b, minor, (76, "<I", 8)), R.BAD_CONFIG)
    add("v11_a8_act_bits_32", ed(f32b, minor, (88, "<I", R.NUM_A8)), R.BAD_CONFIG)

    # -- a8 file
    a8i = infos["a8"]
    add("a8_minor_0", ed(a8b, (10, "<H", 0)), R.BAD_HEADER)
    add("a8_minor_7_ok", ed(a8b, (10, "<H", 7)), R.OK)
    add("a8_reserved_127", ed(a8b, (127, "<B", 0x80)), R.BAD_HEADER)
    add("a8_act_bits_32", ed(a8b, (76, "<I", 32)), R.BAD_CONFIG)
    add("a8_act_bits_16", ed(a8b, (76, "<I", 16)), R.BAD_CONFIG)
    add("a8_eps_q24_nonzero", ed(a8b, (92, "<I", 168)), R.BAD_CONFIG)
    add("a8_eps_nan", ed(a8b, (80, "<I", 0x7FC00000)), R.BAD_CONFIG)
    e0 = a8i["table_offset"]
    add("a8_trit_scale_negative", ed(a8b, (e0 + 16, "<f", -0.25)), R.BAD_TENSOR)
    add("a8_trit_scale_q24_bits_ok", ed(a8b, (e0 + 16, "<I", 1 << 20)), R.OK)  # a subnormal float
    add("a8_trit_scale_minus_zero_ok", ed(a8b, (e0 + 16, "<I", 0x80000000)), R.OK)
    # an a8 file claiming q15: its f32 vectors sit where the canonical order wants i32
    add("a8_as_q15_f32_in_i32_slot", ed(a8b, (88, "<I", R.NUM_Q15), (92, "<I", 168)), R.BAD_TENSOR)

    # -- q15 file
    qi = infos["q15"]
    to, ents = qi["table_offset"], qi["tensors"]

    def ent(t):
        return to + 32 * t

    def first(kind):
        return next(t for t, e in enumerate(ents) if e["kind"] == kind)
    add("q15_minor_0", ed(q15b, (10, "<H", 0)), R.BAD_HEADER)
    add("q15_minor_7_ok", ed(q15b, (10, "<H", 7)), R.OK)
    add("q15_reserved_96", ed(q15b, (96, "<B", 1)), R.BAD_HEADER)
    add("q15_act_bits_32", ed(q15b, (76, "<I", 32)), R.BAD_CONFIG)
    add("q15_numerics_3", ed(q15b, (88, "<I", 3)), R.BAD_CONFIG)
    add("q15_eps_q24_0", ed(q15b, (92, "<I", 0)), R.BAD_CONFIG)
    add("q15_eps_q24_2pow24", ed(q15b, (92, "<I", 1 << 24)), R.BAD_CONFIG)
    add("q15_eps_q24_max_ok", ed(q15b, (92, "<I", (1 << 24) - 1)), R.OK)
    add("q15_eps_q24_1_ok", ed(q15b, (92, "<I", 1)), R.OK)
    add("q15_eps_f32_zero", ed(q15b, (80, "<I", 0)), R.BAD_CONFIG)  # still validated in q15
    # a q15 file claiming a8 (eps_q24 cleared): i32 vectors where f32 ones are expected
    add("q15_as_a8_i32_in_f32_slot", ed(q15b, (88, "<I", R.NUM_A8), (92, "<I", 0)), R.BAD_TENSOR)
    g = first(R.NORM_GAMMA)
    add("q15_f32_dtype_in_i32_slot", ed(q15b, (ent(g) + 4, "<B", R.DT_F32)), R.BAD_TENSOR)
    add("q15_trit2_dtype_in_i32_slot", ed(q15b, (ent(g) + 4, "<B", R.DT_TRIT2)), R.BAD_TENSOR)
    add("q15_i32_dtype_in_trit2_slot", ed(q15b, (ent(0) + 4, "<B", R.DT_I32)), R.BAD_TENSOR)
    add("q15_i32_scale_one", ed(q15b, (ent(g) + 16, "<f", 1.0)), R.BAD_TENSOR)
    add("q15_i32_scale_bit0", ed(q15b, (ent(g) + 16, "<I", 1)), R.BAD_TENSOR)
    # check 20d (scale) precedes 20e (values) within one tensor
    add("q15_i32_scale_and_value_bad",
        ed(q15b, (ent(g) + 16, "<I", 1), (ents[g]["offset"], "<i", (1 << 27) + 1)), R.BAD_TENSOR)
    add("q15_trit_scale_2pow28", ed(q15b, (ent(0) + 16, "<I", 1 << 28)), R.BAD_TENSOR)
    add("q15_trit_scale_minus_zero_bits", ed(q15b, (ent(0) + 16, "<I", 0x80000000)), R.BAD_TENSOR)
    add("q15_trit_scale_max_ok", ed(q15b, (ent(0) + 16, "<I", (1 << 28) - 1)), R.OK)
    add("q15_trit_scale_zero_ok", ed(q15b, (ent(0) + 16, "<I", 0)), R.OK)
    go = ents[g]["offset"]
    add("q15_gamma_2pow27_ok", ed(q15b, (go, "<i", 1 << 27)), R.OK)
    add("q15_gamma_minus_2pow27_ok", ed(q15b, (go + 4, "<i", -(1 << 27))), R.OK)
    add("q15_gamma_2pow27_plus_1", ed(q15b, (go + 8, "<i", (1 << 27) + 1)), R.BAD_WEIGHTS)
    add("q15_gamma_minus_2pow27_minus_1", ed(q15b, (go, "<i", -(1 << 27) - 1)), R.BAD_WEIGHTS)
    add("q15_gamma_int32_min", ed(q15b, (go, "<i", -(1 << 31))), R.BAD_WEIGHTS)
    fb = first(R.FINAL_BETA)
    add("q15_final_beta_out_of_range", ed(q15b, (ents[fb]["offset"] + 4 * 63, "<i", 1 << 30)),
        R.BAD_WEIGHTS)
    if any(e["kind"] == R.SSM_A for e in ents):
        ao = ents[first(R.SSM_A)]["offset"]
        bo = ents[first(R.SSM_B)]["offset"]
        add("q15_decay_32767_ok", ed(q15b, (ao, "<i", 32767)), R.OK)
        add("q15_decay_minus_32767_ok", ed(q15b, (ao, "<i", -32767)), R.OK)
        add("q15_decay_32768", ed(q15b, (ao, "<i", 32768)), R.BAD_WEIGHTS)
        add("q15_decay_minus_32768", ed(q15b, (ao + 4, "<i", -32768)), R.BAD_WEIGHTS)
        add("q15_ssm_b_2pow27_ok", ed(q15b, (bo, "<i", 1 << 27)), R.OK)  # only SSM_A is Q15
        add("q15_ssm_b_2pow27_plus_1", ed(q15b, (bo, "<i", (1 << 27) + 1)), R.BAD_WEIGHTS)
    add("q15_trit_code_10", ed(q15b, (ents[0]["offset"] + 5, "<B", 0x02 << 4)), R.BAD_WEIGHTS)


def trit3_cases(add, path):
    """A version 1 file with base-3 packing (section 5.3, check 20f): byte and padding digits of a
    row, and one trit tensor left in 2-bit packing (one packing per file: check 20a)."""
    base = open(path, "rb").read()
    info = R.validate(base)
    ents = info["tensors"]
    t = next(i for i, e in enumerate(ents) if e["dtype"] == R.DT_TRIT3 and e["cols"] % 5)
    e, rb = ents[t], (ents[t]["cols"] + 4) // 5

    def edit(name, fn, expect):
        b = bytearray(base)
        fn(b)
        add("t3_" + name, fix_crc(b), expect)

    edit("valid_ok", lambda b: None, R.OK)
    edit("byte_243", lambda b: b.__setitem__(e["offset"], 243), R.BAD_WEIGHTS)
    edit("padding_digit_0", lambda b: b.__setitem__(e["offset"] + rb - 1, 0), R.BAD_WEIGHTS)
    t2 = next(i for i, x in enumerate(ents) if i > 0 and x["dtype"] == R.DT_TRIT3)
    edit("one_tensor_trit2", lambda b: b.__setitem__(info["table_offset"] + 32 * t2 + 4,
                                                      R.DT_TRIT2), R.BAD_TENSOR)


def compact_cases(add, path):
    """A version 2.0 compact q15 file, one case per rule of section 18.5, each with the CRC
    repaired so that the rule under test decides."""
    base = open(path, "rb").read()
    info = R.validate(base)
    assert info.get("layout") == "compact"
    ents = info["tensors"]
    n = len(ents)
    n_trit = sum(1 for e in ents if e["dtype"] == R.DT_TRIT3)
    shifts_at = R.HEADER_BYTES + 2 * n_trit

    def edit(name, expect, *edits):
        b = bytearray(base)
        for off, fmt, v in edits:
            struct.pack_into(fmt, b, off, v)
        add("c_" + name, fix_crc(b), expect)

    edit("valid_ok", R.OK)
    edit("reserved_100", R.BAD_HEADER, (100, "<B", 1))
    edit("numerics_a8", R.BAD_HEADER, (88, "<I", R.NUM_A8), (92, "<I", 0))  # a valid a8 config
    edit("numerics_3", R.BAD_CONFIG, (88, "<I", 3))
    edit("tensor_count_plus_1", R.BAD_TENSOR, (28, "<I", n + 1))
    edit("table_offset_144", R.BAD_HEADER, (32, "<I", 144))
    edit("payload_offset_plus_2", R.BAD_HEADER, (36, "<I", info["payload_offset"] + 2))
    if (shifts_at + n) % 2:
        edit("shift_table_padding", R.BAD_HEADER, (shifts_at + n, "<B", 1))
    v = next(i for i, e in enumerate(ents) if e["dtype"] != R.DT_TRIT3)
    edit("shift_16", R.BAD_TENSOR, (shifts_at + v, "<B", 16))
    t = next(i for i, e in enumerate(ents) if e["dtype"] == R.DT_TRIT3)  # alpha table entry 0
    edit("alpha_2pow28", R.BAD_TENSOR, (R.HEADER_BYTES, "<H", 0x8000), (shifts_at + t, "<B", 13))
    edit("alpha_below_2pow28_ok", R.OK, (R.HEADER_BYTES, "<H", 0x7FFF), (shifts_at + t, "<B", 13))
    edit("trit3_byte_243", R.BAD_WEIGHTS, (ents[t]["offset"], "<B", 243))
    p = next(i for i, e in enumerate(ents) if e["dtype"] == R.DT_TRIT3 and e["cols"] % 5)
    rb = (ents[p]["cols"] + 4) // 5
    edit("trit3_padding_digit_0", R.BAD_WEIGHTS, (ents[p]["offset"] + rb - 1, "<B", 0))
    a = next(i for i, e in enumerate(ents) if e["kind"] == R.SSM_A)
    edit("ssm_decay_over_32767", R.BAD_WEIGHTS, (ents[a]["offset"], "<h", 0x4000),
         (shifts_at + a, "<B", 1))
    edit("ssm_decay_32767_ok", R.OK, (ents[a]["offset"], "<h", 32767), (shifts_at + a, "<B", 0))
    odd = next((i for i, e in enumerate(ents) if e["bytes"] % 2), None)
    if odd is not None:
        edit("tensor_padding", R.BAD_TENSOR, (ents[odd]["offset"] + ents[odd]["bytes"], "<B", 1))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    base = open(src, "rb").read()
    info = R.validate(base)  # raises if the input itself is invalid
    if info["signed"]:
        sys.exit("corrupt_cases.py: input must be unsigned")
    fb = info["file_bytes"]
    to = info["table_offset"]
    ents = info["tensors"]
    cfg = info["config"]
    cases = []

    def add(name, data, expect):
        fn = os.path.join(out, name + ".atn")
        with open(fn, "wb") as fh:
            fh.write(bytes(data))
        cases.append({"name": name, "file": fn, "expect": expect, "status": R.STATUS[expect]})

    def edited(fn, crc=True):
        b = bytearray(base)
        fn(b)
        return fix_crc(b) if crc else b

    def entry(t):
        return to + 32 * t

    def find(kind):
        for t, e in enumerate(ents):
            if e["kind"] == kind:
                return t, e
        return None, None

    # -- the brief's plain corruptions (no CRC repair) -----------------------------------------
    add("flip_header_byte", edited(lambda b: b.__setitem__(0x30, b[0x30] ^ 0x01), False), R.CHECKSUM)
    add("flip_table_byte", edited(lambda b: b.__setitem__(entry(1) + 8, b[entry(1) + 8] ^ 0x10),
                                  False), R.CHECKSUM)
    mid = ents[len(ents) // 2]
    add("flip_payload_byte", edited(lambda b: b.__setitem__(mid["offset"] + 1,
                                                           b[mid["offset"] + 1] ^ 0x04), False),
        R.CHECKSUM)
    add("flip_last_byte", edited(lambda b: b.__setitem__(fb - 1, b[fb - 1] ^ 0x80), False),
        R.CHECKSUM)
    add("truncated_by_one", base[:-1], R.TRUNCATED)
    add("truncated_to_100", base[:100], R.TRUNCATED)
    add("truncated_to_7", base[:7], R.TRUNCATED)
    add("empty", b"", R.TRUNCATED)
    add("appended_byte", base + b"\0", R.SIZE_MISMATCH)

    # -- header checks (section 9, checks 4-19) ------------------------------------------------
    add("bad_magic", edited(lambda b: b.__setitem__(7, ord("X"))), R.BAD_MAGIC)
    # 2 is the compact layout (FORMAT.md §18); 3 is no version
    add("version_major_3", edited(lambda b: struct.pack_into("<H", b, 8, 3), False), R.VERSION)
    add("version_minor_7_ok", edited(lambda b: struct.pack_into("<H", b, 10, 7)), R.OK)
    add("file_bytes_plus_16", edited(lambda b: struct.pack_into("<I", b, 16, fb + 16)), R.TRUNCATED)
    add("file_bytes_minus_16", edited(lambda b: struct.pack_into("<I", b, 16, fb - 16), False),
        R.SIZE_MISMATCH)
    add("flag_bit0_no_sig_block", edited(lambda b: struct.pack_into("<I", b, 24, 1)), R.TRUNCATED)

    def small_signed(b):
        # file_bytes = 32 and signed: total = 32 + 96 = 128 = N, so check 9 (file_bytes >= 128)
        # decides.
        del b[128:]
        struct.pack_into("<I", b, 16, 128 - R.SIG_BLOCK_BYTES)
        struct.pack_into("<I", b, 24, 1)
    add("signed_file_bytes_32", edited(small_signed, False), R.BAD_HEADER)
    add("crc_wrong", edited(lambda b: struct.pack_into("<I", b, 20, info["crc32"] ^ 1), False),
        R.CHECKSUM)
    add("crc_and_reserved_bad", edited(lambda b: b.__setitem__(100, 1), False), R.CHECKSUM)
    add("flags_bit1", edited(lambda b: struct.pack_into("<I", b, 24, 2)), R.BAD_HEADER)
    add("header_bytes_64", edited(lambda b: struct.pack_into("<I", b, 12, 64)), R.BAD_HEADER)
    add("reserved_header_byte", edited(lambda b: b.__setitem__(127, 0x01)), R.BAD_HEADER)

    def signed(sig_magic=b"ATOMESIG", alg=1, block=96, reserved=0):
        def f(b):
            struct.pack_into("<I", b, 24, 1)
            fix_crc(b)
            b += (sig_magic + struct.pack("<IIII", alg, block, 7, reserved) + bytes(range(8))
                  + bytes(64))
        return f
    add("signed_ok", edited(signed(), False), R.OK)
    add("signed_bad_magic", edited(signed(sig_magic=b"ATOMESIX"), False), R.BAD_SIGNATURE_BLOCK)
    add("signed_bad_alg", edited(signed(alg=2), False), R.BAD_SIGNATURE_BLOCK)
    add("signed_bad_block_bytes", edited(signed(block=112), False), R.BAD_SIGNATURE_BLOCK)
    add("signed_reserved_set", edited(signed(reserved=1), False), R.BAD_SIGNATURE_BLOCK)
    add("signed_plus_byte", edited(signed(), False) + b"\0", R.SIZE_MISMATCH)

    add("config_arch_3", edited(lambda b: struct.pack_into("<I", b, 40, 3)), R.BAD_CONFIG)
    add("config_vocab_255", edited(lambda b: struct.pack_into("<I", b, 44, 255)), R.BAD_CONFIG)
    add("config_d_model_0", edited(lambda b: struct.pack_into("<I", b, 48, 0)), R.BAD_CONFIG)
    add("config_pathways_8", edited(lambda b: struct.pack_into("<I", b, 68, 8)), R.BAD_CONFIG)
    add("config_act_bits_16", edited(lambda b: struct.pack_into("<I", b, 76, 16)), R.BAD_CONFIG)
    add("config_eps_nan", edited(lambda b: struct.pack_into("<I", b, 80, 0x7FC00000)), R.BAD_CONFIG)
    add("config_eps_one", edited(lambda b: struct.pack_into("<f", b, 80, 1.0)), R.BAD_CONFIG)
    add("config_eps_subnormal_ok", edited(lambda b: struct.pack_into("<I", b, 80, 1)), R.OK)
    add("config_context_len_ok", edited(lambda b: struct.pack_into("<I", b, 84, 123456)), R.OK)
    if cfg["pathways"] & 4:
        add("config_top_k_0", edited(lambda b: struct.pack_into("<I", b, 64, 0)), R.BAD_CONFIG)
        # d_head <= d_model (rule 8): one more than d_model is a config error, not a tensor one.
        add("config_d_head_above_d_model",
            edited(lambda b: struct.pack_into("<I", b, 56, cfg["d_model"] + 1)), R.BAD_CONFIG)
    if cfg["pathways"] & 1:
        add("config_kernel_65", edited(lambda b: struct.pack_into("<I", b, 60, 65)), R.BAD_CONFIG)
    if cfg["arch"] == 1:
        add("config_lm_with_classes", edited(lambda b: struct.pack_into("<I", b, 72, 2)),
            R.BAD_CONFIG)
    add("tensor_count_minus_1", edited(lambda b: struct.pack_into("<I", b, 28, len(ents) - 1)),
        R.BAD_TENSOR)
    # Check 17 (BAD_TENSOR) precedes check 18 (BAD_HEADER).
    add("tensor_count_and_table_offset",
        edited(lambda b: (struct.pack_into("<I", b, 28, len(ents) + 1),
                          struct.pack_into("<I", b, 32, 8))), R.BAD_TENSOR)
    add("table_offset_112", edited(lambda b: struct.pack_into("<I", b, 32, 112)), R.BAD_HEADER)
    add("table_offset_unaligned", edited(lambda b: struct.pack_into("<I", b, 32, to + 8)),
        R.BAD_HEADER)
    add("table_offset_overlaps_payload",
        edited(lambda b: struct.pack_into("<I", b, 32, info["payload_offset"])), R.BAD_HEADER)
    add("payload_offset_unaligned",
        edited(lambda b: struct.pack_into("<I", b, 36, info["payload_offset"] + 8)), R.BAD_HEADER)
    add("payload_offset_past_end", edited(lambda b: struct.pack_into("<I", b, 36, fb + 16)),
        R.BAD_HEADER)
    add("payload_offset_after_tensor0",
        edited(lambda b: struct.pack_into("<I", b, 36, ents[0]["offset"] + 16)), R.BAD_TENSOR)

    # -- tensor entries (check 20a-20d) --------------------------------------------------------
    e1 = entry(1)
    add("entry_kind", edited(lambda b: struct.pack_into("<H", b, e1, 3)), R.BAD_TENSOR)
    add("entry_layer", edited(lambda b: struct.pack_into("<H", b, e1 + 2, 1)), R.BAD_TENSOR)
    add("entry_dtype", edited(lambda b: b.__setitem__(e1 + 4, 2)), R.BAD_TENSOR)
    add("entry_reserved0", edited(lambda b: b.__setitem__(e1 + 5, 1)), R.BAD_TENSOR)
    add("entry_reserved1", edited(lambda b: b.__setitem__(e1 + 7, 1)), R.BAD_TENSOR)
    add("entry_rows", edited(lambda b: struct.pack_into("<I", b, e1 + 8, 2)), R.BAD_TENSOR)
    add("entry_cols", edited(lambda b: struct.pack_into("<I", b, e1 + 12, 1)), R.BAD_TENSOR)
    add("entry_bytes", edited(lambda b: struct.pack_into("<I", b, e1 + 24, ents[1]["bytes"] + 4)),
        R.BAD_TENSOR)
    add("entry_reserved2", edited(lambda b: b.__setitem__(e1 + 31, 0x80)), R.BAD_TENSOR)
    add("entry_offset_unaligned",
        edited(lambda b: struct.pack_into("<I", b, e1 + 20, ents[1]["offset"] + 4)), R.BAD_TENSOR)
    add("entry_offset_overlap",
        edited(lambda b: struct.pack_into("<I", b, e1 + 20, ents[1]["offset"] - 16)), R.BAD_TENSOR)
    last = len(ents) - 1
    add("entry_offset_past_end",
        edited(lambda b: struct.pack_into("<I", b, entry(last) + 20, fb)), R.BAD_TENSOR)
    add("entry_offset_huge",
        edited(lambda b: struct.pack_into("<I", b, entry(last) + 20, 0xFFFFFFF0)), R.BAD_TENSOR)
    add("f32_scale_2", edited(lambda b: struct.pack_into("<f", b, e1 + 16, 2.0)), R.BAD_TENSOR)
    add("trit_scale_negative", edited(lambda b: struct.pack_into("<f", b, entry(0) + 16, -0.5)),
        R.BAD_TENSOR)
    add("trit_scale_nan", edited(lambda b: struct.pack_into("<I", b, entry(0) + 16, 0x7FC00000)),
        R.BAD_TENSOR)
    add("trit_scale_inf", edited(lambda b: struct.pack_into("<I", b, entry(0) + 16, 0x7F800000)),
        R.BAD_TENSOR)
    add("trit_scale_minus_zero_ok",
        edited(lambda b: struct.pack_into("<I", b, entry(0) + 16, 0x80000000)), R.OK)
    add("trit_scale_zero_ok", edited(lambda b: struct.pack_into("<I", b, entry(0) + 16, 0)), R.OK)

    # -- payload contents (check 20e-20f) ------------------------------------------------------
    add("f32_inf", edited(lambda b: struct.pack_into("<I", b, ents[1]["offset"] + 8, 0x7F800000)),
        R.BAD_WEIGHTS)
    add("f32_nan", edited(lambda b: struct.pack_into("<I", b, ents[1]["offset"], 0xFFC00001)),
        R.BAD_WEIGHTS)
    add("f32_subnormal_ok", edited(lambda b: struct.pack_into("<I", b, ents[1]["offset"], 1)), R.OK)
    add("trit_code_10", edited(lambda b: b.__setitem__(ents[0]["offset"] + 5, 0x02 << 4)),
        R.BAD_WEIGHTS)
    # Interleaving: tensor 0 has an invalid trit, tensor 1 a wrong kind -> BAD_WEIGHTS.
    add("trit_code_10_then_bad_kind",
        edited(lambda b: (b.__setitem__(ents[0]["offset"], 0x80),
                          struct.pack_into("<H", b, e1, 3))), R.BAD_WEIGHTS)
    tc, ce = find(R.CONV)
    if ce is not None and ce["cols"] % 4:
        rb = (ce["cols"] + 3) // 4
        # The padding trit right after the last real column of row 3 becomes 01 (+1).
        j = ce["cols"] % 4
        add("conv_padding_trit", edited(
            lambda b: b.__setitem__(ce["offset"] + 3 * rb + rb - 1,
                                    b[ce["offset"] + 3 * rb + rb - 1] | (1 << (2 * j)))),
            R.BAD_WEIGHTS)
        add("conv_padding_code_10", edited(
            lambda b: b.__setitem__(ce["offset"] + rb - 1, b[ce["offset"] + rb - 1] | 0x80)),
            R.BAD_WEIGHTS)

    # -- a valid, non-minimal layout with non-zero padding (readers must accept it) -------------
    def relayout(b):
        shift = 32
        po = info["payload_offset"]
        body = bytes(b[po:fb])
        del b[po:]
        b += b"\xA5" * shift + body + b"\x5A" * 16
        struct.pack_into("<I", b, 16, fb + shift + 16)
        struct.pack_into("<I", b, 36, po + 16)  # gap of 16 junk bytes before payload_offset too
        for t, e in enumerate(ents):
            struct.pack_into("<I", b, entry(t) + 20, e["offset"] + shift)
    add("relayout_nonzero_padding_ok", edited(relayout), R.OK)

    if len(sys.argv) > 4:
        numerics_cases(add, src, sys.argv[3], sys.argv[4])
    if len(sys.argv) > 5:
        classifier_cases(add, sys.argv[5])
    if len(sys.argv) > 6:
        trit3_cases(add, sys.argv[6])
    if len(sys.argv) > 7:
        compact_cases(add, sys.argv[7])

    with open(os.path.join(out, "cases.json"), "w") as fh:
        json.dump(cases, fh, indent=1)
    print("corrupt_cases.py: %d cases in %s" % (len(cases), out))


if __name__ == "__main__":
    main()
