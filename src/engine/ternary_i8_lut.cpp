// Lookup-table integer ternary kernels for cores without SIMD (M0, M3, rv32imc), T-MAC / BitNet TL
// style: ternary_input_prepare_lut* precomputes, once per input vector, the signed sum of every
// small group of activations for every code pattern of the group; the matvec then does one
// lookup and one add per group per row. Code bits of the last byte beyond `cols` meet activations
// padded with zeros, so they add nothing whatever they hold.
//
// Group 2 (lut2): a nibble = 2 trits; 16 int16 entries per pair of activations (64 bytes of table
//   per 4 columns); per byte two nibble extractions, two lookups, two adds.
// Group 4 (lut4): a byte = 4 trits; 256 entries per group of four (512 bytes of table per 4
//   columns); per byte one lookup and one add. The table is built from two nibble tables, two
//   entries per 32-bit add: entries are stored biased by +512 as uint16 (each half stays in
//   [4, 1020], so a 32-bit add of two packed halves never carries across), and the matvec takes
//   512 per byte back off at the end of the row.
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

// The 16 signed sums t(c & 3) * a + t(c >> 2) * b for a nibble c (t(00) = 0, t(01) = 1,
// t(11) = -1; the invalid 10 gets 0).
inline void nibble_table(int32_t out[16], int32_t a, int32_t b) {
  const int32_t ta[4] = {0, a, 0, -a};
  const int32_t tb[4] = {0, b, 0, -b};
  for (uint32_t c = 0; c < 16; ++c) out[c] = ta[c & 3u] + tb[c >> 2];
}

constexpr int32_t kBias4 = 256;  // per nibble table; an entry holds L + H + 2 * kBias4

}  // namespace

// ---- group 2 ---------------------------------------------------------------------------------

size_t ternary_input_scratch_bytes_lut2(uint32_t n) {
  return static_cast<size_t>(groups4(n)) * 2 * 16 * sizeof(int16_t);
}

void ternary_input_prepare_lut2(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  int16_t* t = static_cast<int16_t*>(scratch);
  const uint32_t pairs = 2 * groups4(n);
  for (uint32_t p = 0; p < pairs; ++p, t += 16) {
    int32_t v[16];
    nibble_table(v, act(x, n, 2 * p), act(x, n, 2 * p + 1));
    for (uint32_t c = 0; c < 16; ++c) t[c] = static_cast<int16_t>(v[c]);
  }
  in->x = x;
  in->n = n;
  in->prepared = scratch;
}

void ternary_matvec_i8_lut2(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const int16_t* table = static_cast<const int16_t*>(in.prepared);
  const uint32_t bytes = groups4(w.cols);
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    const int16_t* t = table;
    int32_t s = 0;
    for (uint32_t k = 0; k < bytes; ++k, t += 32) {
      const uint32_t b = row[k];
      s += t[b & 15u];
      s += t[16 + (b >> 4)];
    }
    acc[r] = s;
  }
}

// ---- group 4 ---------------------------------------------------------------------------------

size_t ternary_input_scratch_bytes_lut4(uint32_t n) {
  return static_cast<size_t>(groups4(n)) * 256 * sizeof(uint16_t);
}

void ternary_input_prepare_lut4(TernaryInput* in, const int8_t* x, uint32_t n, void* scratch) {
  alias_u32* t = static_cast<alias_u32*>(scratch);
  const uint32_t groups = groups4(n);
  for (uint32_t g = 0; g < groups; ++g) {
    int32_t lo[16], hi[16];
    nibble_table(lo, act(x, n, 4 * g), act(x, n, 4 * g + 1));
    nibble_table(hi, act(x, n, 4 * g + 2), act(x, n, 4 * g + 3));
    uint32_t lo_pairs[8];  // entries 2j and 2j + 1 of the low nibble table, biased, packed
    for (uint32_t j = 0; j < 8; ++j)
      lo_pairs[j] = static_cast<uint32_t>(lo[2 * j] + kBias4) |
                    (static_cast<uint32_t>(lo[2 * j + 1] + kBias4) << 16);
    for (uint32_t h = 0; h < 16; ++h, t += 8) {  // byte = h * 16 + l
      const uint32_t hw = static_cast<uint32_t>(hi[h] + kBias4) * 0x10001u;
      for (uint32_t j = 0; j < 8; ++j) t[j] = lo_pairs[j] + hw;
    }
  }
  in->x = x;
  in->n = n;
  in->prepared = scratch;
}

void ternary_matvec_i8_lut4(int32_t* acc, const atome_trits& w, const TernaryInput& in) {
  const uint16_t* table = static_cast<const uint16_t*>(in.prepared);
  const uint32_t bytes = groups4(w.cols);
  const int32_t bias = static_cast<int32_t>(bytes) * 2 * kBias4;
  const uint8_t* row = w.data;
  for (uint32_t r = 0; r < w.rows; ++r, row += w.row_bytes) {
    // Four table pointers (one per byte of a 4-byte step): each lookup is one register-offset
    // load on Thumb-2, with no index arithmetic.
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
