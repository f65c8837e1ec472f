// Lookup-table integer ternary kernels for cores without SIMD (M0, M3, rv32imc), T-MAC / BitNet TL
// style: ternary_input_prepare_lut* precomputes, once per input vector, the signed sum of every
// small group of activations for every code pattern of the group; the matvec then does one
// lookup and one add per group per row. Code bits of the last byte beyond `cols` meet activations
// padded with zeros, so they add nothing whatever they hold.
//
// Group 2 (lut2): a nibble = 2 trits; 16 uint16 entries per pair of activations (64 bytes of
//   table per 4 columns); per byte two nibble extractions, two lookups, two adds.
// Group 4 (lut4): a byte = 4 trits; 256 entries per group of four (512 bytes of table per 4
//   columns); per byte one lookup and one add.
// Entries are stored biased by +512 as uint16 (each stays in [4, 1020]), two per 32-bit word, so
// the tables are built one word (one add, one store) per two entries.
#include "engine/ternary_i8.h"

namespace atome {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "packed table words are little-endian");

// Word stores into the uint16 tables (the scratch is 16-byte aligned).
typedef uint32_t __attribute__((may_alias)) alias_u32;

inline uint32_t groups4(uint32_t n) {
  return (n + 3) / 4;
}

// Activation i, or 0 beyond n (padding).
inline int32_t act(const int8_t* x, uint32_t n, uint32_t i) {
  return i < n ? x[i] : 0;
}

}  // namespace

// Both tables are built as packed pairs of biased uint16 entries (little-endian words: entry 2j in
// the low half): each entry is a sum of two terms, each biased by +kBias into [2, 510], so a 32-bit
// add of two packed words never carries from the low half into the high one, and a whole word of
// the table costs one add and one store. The matvec subtracts 2 * kBias per lookup at the end of
// the row.
constexpr uint32_t kBias = 256;

// Packed (lo, hi) halves.
inline uint32_t pack2(uint32_t lo, uint32_t hi) {
  return lo | (hi << 16);
}

// The four terms t(code) * v for code 00, 01, 10 (invalid: 0), 11, biased.
struct Terms {
  uint32_t t[4];
};
inline Terms terms(int32_t v) {
  return {{kBias, static_cast<uint32_t>(static_cast<int32_t>(kBias) + v), kBias,
           static_cast<uint32_t>(static_cast<int32_t>(kBias) - v)}};
}

// ---- group 2 ---------------------------------------------------------------------------------
// Per pair (a, b) of activations, 16 entries indexed by the nibble c = 4 * code_b + code_a.

size_t ternary_input_scratch_bytes_lut2(uint32_t n) {
  return static_cast<size_t>(groups4(n)) * 2 * 16 * sizeof(uint16_t);
}

void ternary_input_prepare_lut2(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  alias_u32* t = static_cast<alias_u32*>(scratch);
  const uint32_t pairs = 2 * groups4(n);
  for (uint32_t p = 0; p < pairs; ++p, t += 8) {
    const Terms a = terms(act(x, n, 2 * p));
    const Terms b = terms(act(x, n, 2 * p + 1));
    const uint32_t a01 = pack2(a.t[0], a.t[1]);  // codes 00, 01 of a
    const uint32_t a23 = pack2(a.t[2], a.t[3]);  // codes 10, 11 of a
    // Words 4 and 5 (b's invalid code 10) are never read for a real b: written only where b is
    // padding, whose code bits may hold anything (its term is 0 whatever the code).
    const uint32_t b0 = b.t[0] * 0x10001u, b1 = b.t[1] * 0x10001u, b3 = b.t[3] * 0x10001u;
    t[0] = a01 + b0;
    t[1] = a23 + b0;
    t[2] = a01 + b1;
    t[3] = a23 + b1;
    t[6] = a01 + b3;
    t[7] = a23 + b3;
    if (2 * p + 1 >= n) {
      t[4] = a01 + b.t[2] * 0x10001u;
      t[5] = a23 + b.t[2] * 0x10001u;
    }
  }
  in->x = x;
  in->n = n;
  in->prepared = scratch;
}

void ternary_matvec_i8_lut2(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const uint16_t* table = static_cast<const uint16_t*>(in.prepared);
  const uint32_t bytes = groups4(w.cols);
  const int32_t bias = static_cast<int32_t>(bytes * 2 * 2 * kBias);
  const uint8_t* row = w.data;
  uint32_t r = 0;
  // Two rows at a time: each step of the table pointers serves both rows (Cortex-M0: the loop
  // and pointer updates were 5 of 14 instructions per byte).
  for (; r + 2 <= w.rows; r += 2, row += 2 * w.row_bytes) {
    const uint16_t* lo = table;
    const uint16_t* hi = table + 16;
    const uint8_t* p = row;
    const uint8_t* q = row + w.row_bytes;
    uint32_t s = 0, u = 0;
    uint32_t k = bytes;
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__)
    // Cortex-M0: GCC runs out of low registers here and moves values through high ones (27
    // instructions per byte of both rows); by hand, 22 per byte: per byte and row a byte load,
    // two shift pairs (the nibbles times 2, no mask register), two halfword lookups, two adds.
    if (k >= 2) {
      const uint8_t* const end = p + (k & ~1u);
      uint32_t t0, t1;
      __asm__ volatile(
          ".syntax unified\n"  // GCC writes Thumb-1 inline asm in divided syntax by default
          "1:\n\t"
          "ldrb  %[t0], [%[p], #0]\n\t"
          "lsls  %[t1], %[t0], #28\n\t"
          "lsrs  %[t1], %[t1], #27\n\t"
          "ldrh  %[t1], [%[lo], %[t1]]\n\t"
          "adds  %[s], %[s], %[t1]\n\t"
          "lsrs  %[t0], %[t0], #4\n\t"
          "lsls  %[t0], %[t0], #1\n\t"
          "ldrh  %[t0], [%[hi], %[t0]]\n\t"
          "adds  %[s], %[s], %[t0]\n\t"
          "ldrb  %[t0], [%[q], #0]\n\t"
          "lsls  %[t1], %[t0], #28\n\t"
          "lsrs  %[t1], %[t1], #27\n\t"
          "ldrh  %[t1], [%[lo], %[t1]]\n\t"
          "adds  %[u], %[u], %[t1]\n\t"
          "lsrs  %[t0], %[t0], #4\n\t"
          "lsls  %[t0], %[t0], #1\n\t"
          "ldrh  %[t0], [%[hi], %[t0]]\n\t"
          "adds  %[u], %[u], %[t0]\n\t"
          "adds  %[lo], #64\n\t"
          "adds  %[hi], #64\n\t"
          "ldrb  %[t0], [%[p], #1]\n\t"
          "lsls  %[t1], %[t0], #28\n\t"
          "lsrs  %[t1], %[t1], #27\n\t"
          "ldrh  %[t1], [%[lo], %[t1]]\n\t"
          "adds  %[s], %[s], %[t1]\n\t"
          "lsrs  %[t0], %[t0], #4\n\t"
          "lsls  %[t0], %[t0], #1\n\t"
          "ldrh  %[t0], [%[hi], %[t0]]\n\t"
          "adds  %[s], %[s], %[t0]\n\t"
          "ldrb  %[t0], [%[q], #1]\n\t"
          "lsls  %[t1], %[t0], #28\n\t"
          "lsrs  %[t1], %[t1], #27\n\t"
          "ldrh  %[t1], [%[lo], %[t1]]\n\t"
          "adds  %[u], %[u], %[t1]\n\t"
          "lsrs  %[t0], %[t0], #4\n\t"
          "lsls  %[t0], %[t0], #1\n\t"
          "ldrh  %[t0], [%[hi], %[t0]]\n\t"
          "adds  %[u], %[u], %[t0]\n\t"
          "adds  %[lo], #64\n\t"
          "adds  %[hi], #64\n\t"
          "adds  %[p], #2\n\t"
          "adds  %[q], #2\n\t"
          "cmp   %[p], %[end]\n\t"
          "bne   1b\n\t"
          ".syntax divided\n"
          : [s] "+l"(s), [u] "+l"(u), [p] "+l"(p), [q] "+l"(q), [lo] "+l"(lo), [hi] "+l"(hi),
            [t0] "=&l"(t0), [t1] "=&l"(t1)
          : [end] "h"(end)
          : "cc", "memory");
      k &= 1u;
    }
#endif
    for (; k != 0; --k, lo += 32, hi += 32) {
      const uint32_t b = *p++;
      const uint32_t c = *q++;
      s += lo[b & 15u];
      u += lo[c & 15u];
      s += hi[b >> 4];
      u += hi[c >> 4];
    }
    acc[r] = static_cast<int32_t>(s) - bias;
    acc[r + 1] = static_cast<int32_t>(u) - bias;
  }
  for (; r < w.rows; ++r, row += w.row_bytes) {
    const uint16_t* lo = table;
    const uint16_t* hi = table + 16;
    uint32_t s = 0;
    for (uint32_t k = 0; k < bytes; ++k, lo += 32, hi += 32) {
      const uint32_t b = row[k];
      s += lo[b & 15u];
      s += hi[b >> 4];
    }
    acc[r] = static_cast<int32_t>(s) - bias;
  }
}

#if defined(__arm__) && !defined(__ARM_ARCH_6M__) && defined(__GNUC__)
// Two words at byte offset `off` of t in one STRD (GCC does not pair these stores itself).
template <uint32_t off>
inline void store_pair(alias_u32* t, uint32_t a, uint32_t b) {
  static_assert(off % 4 == 0 && off <= 1020, "STRD's immediate offset");
  __asm__("strd %1, %2, [%0, %3]" : : "r"(t), "r"(a), "r"(b), "I"(off) : "memory");
}
#endif

// ---- group 4 ---------------------------------------------------------------------------------
// Per group of four activations, 256 entries indexed by the packed byte itself.

size_t ternary_input_scratch_bytes_lut4(uint32_t n) {
  return static_cast<size_t>(groups4(n)) * 256 * sizeof(uint16_t);
}

void ternary_input_prepare_lut4(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  alias_u32* table = static_cast<alias_u32*>(scratch);
  const uint32_t groups = groups4(n);
  uint32_t g = 0;
#if defined(__arm__) && !defined(__ARM_ARCH_6M__) && defined(__GNUC__)
  // Arm v7-M (M3/M4/M7) whole groups: the same 54 words, each one add of a packed word and a
  // replicated signed sum, stored in pairs (STRD: 27 stores instead of 54; GCC's general form
  // above keeps its 8 low words in a stack array and its 16 terms in registers and spills).
  for (; 4 * g + 4 <= n; ++g, table += 128) {
    const int8_t* a = x + 4 * g;
    constexpr uint32_t k2B = 2 * kBias * 0x10001u;
    const uint32_t l0 = k2B + (static_cast<uint32_t>(a[0]) << 16);  // c0 = 00, 01
    const uint32_t l1 = k2B - (static_cast<uint32_t>(a[0]) << 16);  // c0 = 10, 11
    const uint32_t a1 = static_cast<uint32_t>(a[1]) * 0x10001u;
    const uint32_t l2 = l0 + a1, l3 = l1 + a1, l6 = l0 - a1, l7 = l1 - a1;  // c1 = 01, 11
    const uint32_t a2 = static_cast<uint32_t>(a[2]) * 0x10001u;
    const uint32_t a3 = static_cast<uint32_t>(a[3]) * 0x10001u;
    // Row (c3, c2) of 8 words at 8 * (4 * c3 + c2); h = its high nibble's replicated sum.
#define ATOME_LUT4_ROW(c3, c2, h)                  \
  do {                                             \
    constexpr uint32_t o = 32 * (4 * (c3) + (c2)); \
    store_pair<o>(table, l0 + (h), l1 + (h));      \
    store_pair<o + 8>(table, l2 + (h), l3 + (h));  \
    store_pair<o + 24>(table, l6 + (h), l7 + (h)); \
  } while (0)
    ATOME_LUT4_ROW(0, 0, 0);
    ATOME_LUT4_ROW(0, 1, a2);
    ATOME_LUT4_ROW(0, 3, 0 - a2);
    ATOME_LUT4_ROW(1, 0, a3);
    ATOME_LUT4_ROW(1, 1, a3 + a2);
    ATOME_LUT4_ROW(1, 3, a3 - a2);
    ATOME_LUT4_ROW(3, 0, 0 - a3);
    ATOME_LUT4_ROW(3, 1, a2 - a3);
    ATOME_LUT4_ROW(3, 3, 0 - a3 - a2);
#undef ATOME_LUT4_ROW
  }
#endif
  for (; g < groups; ++g, table += 128) {
    const Terms t0 = terms(act(x, n, 4 * g));
    const Terms t1 = terms(act(x, n, 4 * g + 1));
    const Terms t2 = terms(act(x, n, 4 * g + 2));
    const Terms t3 = terms(act(x, n, 4 * g + 3));
    // Low nibble (trits 0 and 1): the 16 entries as 8 packed words, biased by 2 * kBias; the high
    // nibble's sum (unbiased) is then added to both halves of each.
    uint32_t lo[8];
#pragma GCC unroll 4
    for (uint32_t c1 = 0; c1 < 4; ++c1) {
      lo[2 * c1] = pack2(t0.t[0], t0.t[1]) + t1.t[c1] * 0x10001u;
      lo[2 * c1 + 1] = pack2(t0.t[2], t0.t[3]) + t1.t[c1] * 0x10001u;
    }
    // High nibble h = 4 * c3 + c2, each (c3, c2) a row of 8 words. A byte with the invalid code 10
    // among its trits never occurs in a loaded model's columns, so the 7 of 16 rows with c3 = 2 or
    // c2 = 2, and in the 9 others words 4 and 5 (the entries with c1 = 2), are left unwritten:
    // 54 stores of 128. A last partial group's unused code bits may hold anything (its padded
    // activations are 0: every row is the same there), so all 16 rows are written in full.
    const auto row_word = [&](uint32_t c3, uint32_t c2, uint32_t j) {
      const uint32_t hw = (t2.t[c2] + t3.t[c3] - 2 * kBias) * 0x10001u;  // unbiased, wrapped add
      table[8 * (4 * c3 + c2) + j] = lo[j] + hw;
    };
    if (4 * g + 4 <= n) {
      constexpr uint32_t kValid[3] = {0, 1, 3};
#pragma GCC unroll 3
      for (uint32_t i3 = 0; i3 < 3; ++i3) {
#pragma GCC unroll 3
        for (uint32_t i2 = 0; i2 < 3; ++i2) {
          const uint32_t c3 = kValid[i3], c2 = kValid[i2];
          row_word(c3, c2, 0);
          row_word(c3, c2, 1);
          row_word(c3, c2, 2);
          row_word(c3, c2, 3);
          row_word(c3, c2, 6);
          row_word(c3, c2, 7);
        }
      }
    } else {
      for (uint32_t c3 = 0; c3 < 4; ++c3)
        for (uint32_t c2 = 0; c2 < 4; ++c2)
          for (uint32_t j = 0; j < 8; ++j) row_word(c3, c2, j);
    }
  }
  in->x = x;
  in->n = n;
  in->prepared = scratch;
}

// Keeps a table pointer in a register of its own. GCC otherwise folds the four pointers of a
// 4-byte step into one with immediate offsets, which Thumb-2's register-offset load cannot take:
// an extra add per lookup (measured: 22 instructions per 4 bytes instead of 18).
#define ATOME_KEEP_IN_REGISTER(p) __asm__("" : "+r"(p))

void ternary_matvec_i8_lut4(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const uint16_t* table = static_cast<const uint16_t*>(in.prepared);
  const uint32_t bytes = groups4(w.cols);
  const int32_t bias = static_cast<int32_t>(bytes * 2 * kBias);
  const uint8_t* row = w.data;
  uint32_t r = 0;
#if defined(__arm__) && defined(__ARM_FEATURE_DSP) && defined(__GNUC__)
  // Cortex-M4/M7 (v7E-M): two rows at a time by hand, 28 instructions per 4 bytes of both rows
  // (GCC's loop: 31, and ~35 more per pair of rows to reload its pointers). One word load per
  // 4 bytes of a row; UXTAB adds byte j to a running offset `off`, so the four table pointers stay
  // fixed for the whole matrix (only `off` moves, one add per step for both rows); `off` runs up
  // from -steps * 1024 to 0, so its add also ends the loop. Unaligned word loads are allowed on
  // v7-M (row_bytes may be odd).
  // The four lookups of one word `v` of a row into the accumulator named A.
#define ATOME_LUT4_WORD(A)                 \
  "uxtab  %[x], %[off], %[v]\n\t"          \
  "ldrh   %[x], [%[e0], %[x], lsl #1]\n\t" \
  "add    %[" A "], %[" A                  \
  "], %[x]\n\t"                            \
  "uxtab  %[x], %[off], %[v], ror #8\n\t"  \
  "ldrh   %[x], [%[e1], %[x], lsl #1]\n\t" \
  "add    %[" A "], %[" A                  \
  "], %[x]\n\t"                            \
  "uxtab  %[x], %[off], %[v], ror #16\n\t" \
  "ldrh   %[x], [%[e2], %[x], lsl #1]\n\t" \
  "add    %[" A "], %[" A                  \
  "], %[x]\n\t"                            \
  "uxtab  %[x], %[off], %[v], ror #24\n\t" \
  "ldrh   %[x], [%[e3], %[x], lsl #1]\n\t" \
  "add    %[" A "], %[" A "], %[x]\n\t"
  if (bytes >= 4 && bytes % 4 == 0 && w.rows >= 2) {
    // Rows of whole 4-byte steps (every 64-column matrix): all the pairs of rows in one asm
    // loop, 7 instructions per pair besides the steps (the C loop around the asm below: ~26,
    // reloading what the asm's clobbers evict). Each accumulator starts at -bias; the second
    // row's word is read at p + row_bytes; `k` holds the start offset, -bias and the pointer step
    // from the end of one pair to the next.
    const uint32_t steps = bytes / 4;
    const uint16_t* const end = table + steps * 1024;
    const uint16_t* const e0 = end;
    const uint16_t* const e1 = end + 256;
    const uint16_t* const e2 = end + 512;
    const uint16_t* const e3 = end + 768;
    const uint32_t rb = w.row_bytes;
    int32_t k[3] = {-static_cast<int32_t>(steps * 1024), -bias,
                    static_cast<int32_t>(2 * rb - 4 * steps)};
    const uint8_t* p = row;
    int32_t* out = acc;
    uint32_t pairs = w.rows / 2;
    uint32_t s, u, v, x;
    int32_t off;
    __asm__ volatile(
        "2:\n\t"
        "ldrd   %[off], %[s], %[k]\n\t"
        "mov    %[u], %[s]\n\t"
        "1:\n\t"
        "ldr    %[v], [%[p], %[rb]]\n\t" ATOME_LUT4_WORD("u")
        "ldr    %[v], [%[p]], #4\n\t" ATOME_LUT4_WORD("s")
        "adds   %[off], %[off], #1024\n\t"
        "bne    1b\n\t"
        "strd   %[s], %[u], [%[out]], #8\n\t"
        "ldr    %[v], %[k2]\n\t"
        "add    %[p], %[p], %[v]\n\t"
        "subs   %[pairs], %[pairs], #1\n\t"
        "bne    2b\n\t"
        : [s] "=&r"(s), [u] "=&r"(u), [p] "+r"(p), [out] "+r"(out), [pairs] "+r"(pairs),
          [off] "=&r"(off), [v] "=&r"(v), [x] "=&r"(x)
        : [e0] "r"(e0), [e1] "r"(e1), [e2] "r"(e2), [e3] "r"(e3), [rb] "r"(rb),
          [k] "m"(k), [k2] "m"(k[2])
        : "cc", "memory");
    r = w.rows & ~1u;
    row += static_cast<size_t>(r) * rb;
  } else if (bytes >= 4) {
    const uint32_t steps = bytes / 4;
    const uint16_t* const end = table + steps * 1024;  // the pointers sit past the last step
    const uint16_t* const e0 = end;
    const uint16_t* const e1 = end + 256;
    const uint16_t* const e2 = end + 512;
    const uint16_t* const e3 = end + 768;
    const int32_t start = -static_cast<int32_t>(steps * 1024);
    for (; r + 2 <= w.rows; r += 2, row += 2 * w.row_bytes) {
      const uint8_t* p = row;
      const uint8_t* q = row + w.row_bytes;
      uint32_t s = 0, u = 0;
      int32_t off = start;
      uint32_t v, x;
      __asm__ volatile(
          "1:\n\t"
          "ldr    %[v], [%[p]], #4\n\t" ATOME_LUT4_WORD("s")
          "ldr    %[v], [%[q]], #4\n\t" ATOME_LUT4_WORD("u")
          "adds   %[off], %[off], #1024\n\t"
          "bne    1b\n\t"
          : [s] "+r"(s), [u] "+r"(u), [p] "+r"(p), [q] "+r"(q), [off] "+r"(off), [v] "=&r"(v),
            [x] "=&r"(x)
          : [e0] "r"(e0), [e1] "r"(e1), [e2] "r"(e2), [e3] "r"(e3)
          : "cc", "memory");
      const uint16_t* t = end;
      for (uint32_t k = bytes % 4; k != 0; --k, ++p, ++q, t += 256) {
        s += t[*p];
        u += t[*q];
      }
      acc[r] = static_cast<int32_t>(s) - bias;
      acc[r + 1] = static_cast<int32_t>(u) - bias;
    }
  }
#elif defined(__arm__)
  // Two rows at a time: each table pointer step serves both (Arm: a lookup is one register-offset
  // load; rv32 has none, and there the shifts and adds of the second row's offsets cost more than
  // the pointer steps saved — measured, RESULTS §11).
  for (; r + 2 <= w.rows; r += 2, row += 2 * w.row_bytes) {
    const uint16_t* t0 = table;
    const uint16_t* t1 = table + 256;
    const uint16_t* t2 = table + 512;
    const uint16_t* t3 = table + 768;
    const uint8_t* p = row;
    const uint8_t* q = row + w.row_bytes;
    uint32_t s = 0, u = 0;
    for (uint32_t k = bytes / 4; k != 0; --k, p += 4, q += 4) {
      s += t0[p[0]];
      u += t0[q[0]];
      s += t1[p[1]];
      u += t1[q[1]];
      s += t2[p[2]];
      u += t2[q[2]];
      s += t3[p[3]];
      u += t3[q[3]];
      t0 += 1024;
      t1 += 1024;
      t2 += 1024;
      t3 += 1024;
      ATOME_KEEP_IN_REGISTER(t1);
      ATOME_KEEP_IN_REGISTER(t2);
      ATOME_KEEP_IN_REGISTER(t3);
    }
    for (uint32_t k = bytes % 4; k != 0; --k, ++p, ++q, t0 += 256) {
      s += t0[*p];
      u += t0[*q];
    }
    acc[r] = static_cast<int32_t>(s) - bias;
    acc[r + 1] = static_cast<int32_t>(u) - bias;
  }
#endif
  for (; r < w.rows; ++r, row += w.row_bytes) {
    // Four table pointers (one per byte of a 4-byte step).
    const uint16_t* t0 = table;
    const uint16_t* t1 = table + 256;
    const uint16_t* t2 = table + 512;
    const uint16_t* t3 = table + 768;
    const uint8_t* p = row;
    uint32_t s = 0;
    for (uint32_t k = bytes / 4; k != 0; --k, p += 4) {
      s += t0[p[0]];
      s += t1[p[1]];
      s += t2[p[2]];
      s += t3[p[3]];
      t0 += 1024;
      t1 += 1024;
      t2 += 1024;
      t3 += 1024;
    }
    for (uint32_t k = bytes % 4; k != 0; --k, ++p, t0 += 256) s += t0[*p];
    acc[r] = static_cast<int32_t>(s) - bias;
  }
}

// ---- the lut kernel: the chosen group size -----------------------------------------------------

size_t ternary_input_scratch_bytes_lut(uint32_t n) {
  return kAtomeI8LutGroup == 4 ? ternary_input_scratch_bytes_lut4(n)
                               : ternary_input_scratch_bytes_lut2(n);
}

void ternary_input_prepare_lut(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  if (kAtomeI8LutGroup == 4) {
    ternary_input_prepare_lut4(in, x, n, scratch);
  } else {
    ternary_input_prepare_lut2(in, x, n, scratch);
  }
}

void ternary_matvec_i8_lut(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  if (kAtomeI8LutGroup == 4) {
    ternary_matvec_i8_lut4(acc, w, in);
  } else {
    ternary_matvec_i8_lut2(acc, w, in);
  }
}

}  // namespace atome
