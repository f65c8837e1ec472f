// Where each tensor of a compact (version 2) file lies, from the config alone (FORMAT.md §18):
// the file has no tensor table, so the loader, the session binding and the writer all place
// tensors with these functions. Closed form (one block summed once, times the layer index), so
// that placing every tensor of a hostile 1,024-layer config stays linear, not quadratic.
#include "engine/bytes.h"
#include "engine/format.h"

namespace atome::format {
namespace {

// Bytes, trit tensors and vector tensors of a run of the canonical order.
struct Prefix {
  uint64_t bytes;
  uint64_t trits;
  uint64_t vecs;
};

// A compact tensor's bytes: d int16 for a vector, trit3 rows for a matrix; then padded so that
// the next tensor starts on an even offset (int16 alignment).
uint64_t padded_bytes(const TensorSpec& s) {
  const uint64_t n = is_trit_dtype(s.dtype) ? tensor_bytes(kDtypeTrit3, s.rows, s.cols)
                                            : static_cast<uint64_t>(s.rows) * s.cols * 2u;
  return (n + kCompactAlign - 1) / kCompactAlign * kCompactAlign;
}

Prefix sum_run(const atome_config& c, uint32_t first, uint32_t n) {
  Prefix p{0, 0, 0};
  for (uint32_t t = first; t < first + n; ++t) {
    const TensorSpec s = canonical_tensor(c, t, kDtypeTrit3);
    p.bytes += padded_bytes(s);
    (is_trit_dtype(s.dtype) ? p.trits : p.vecs) += 1;
  }
  return p;
}

// Sums over tensors [0, index) of the canonical order.
Prefix prefix_of(const atome_config& c, uint32_t index) {
  if (index == 0) return {0, 0, 0};
  const uint32_t per_block = tensors_per_block(c.pathways);
  const Prefix embed = sum_run(c, 0, 1);
  const Prefix block = sum_run(c, 1, per_block);  // every block has the same shapes
  const uint32_t i = index - 1;
  const uint32_t in_blocks = c.n_layers * per_block;
  const uint64_t l = i < in_blocks ? i / per_block : c.n_layers;
  const uint32_t first = 1 + static_cast<uint32_t>(l) * per_block;
  const Prefix rest = sum_run(c, first, index - first);
  return {embed.bytes + l * block.bytes + rest.bytes, embed.trits + l * block.trits + rest.trits,
          embed.vecs + l * block.vecs + rest.vecs};
}

// The alpha table (a u16 per trit tensor) and the shift table (a byte per tensor), padded to even.
uint64_t payload_of(const Prefix& all) {
  const uint64_t tables = kHeaderBytes + 2u * all.trits + all.trits + all.vecs;
  return (tables + kCompactAlign - 1) / kCompactAlign * kCompactAlign;
}

}  // namespace

CompactPlace compact_place(const atome_config& c, uint32_t index) {
  const Prefix all = prefix_of(c, tensor_count(c));
  const Prefix before = prefix_of(c, index);
  const bool trit = is_trit_dtype(canonical_tensor(c, index, kDtypeTrit3).dtype);
  return {payload_of(all) + before.bytes, trit ? kHeaderBytes + 2u * before.trits : 0u,
          kHeaderBytes + 2u * all.trits + index};
}

uint64_t compact_end(const atome_config& c) {
  const Prefix all = prefix_of(c, tensor_count(c));
  return payload_of(all) + all.bytes;
}

}  // namespace atome::format
