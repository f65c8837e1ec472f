// The canonical tensor order of a native model file (docs/FORMAT.md §4), shared by the loader
// and the writer so that both sides agree on one list.
#include "engine/bytes.h"
#include "engine/format.h"
#include "engine/numerics.h"

namespace atome::format {

uint32_t tensor_count(const atome_config& c) {
  return 1u + c.n_layers * tensors_per_block(c.pathways) + 2u + (c.no_unembed ? 0u : 1u) +
         (c.n_classes > 0 ? 1u : 0u);
}

TensorSpec canonical_tensor(const atome_config& c, uint32_t index, uint8_t trit_dtype) {
  const uint32_t d = c.d_model;
  // Vectors (norms, SSM) are f32, or int32 fixed point in a q15 model.
  const uint8_t kDtypeVec = c.numerics == ATOME_NUMERICS_Q15 ? kDtypeI32 : kDtypeF32;
  if (index == 0) return {kEmbed, kGlobalLayer, trit_dtype, c.vocab_size, d};
  index -= 1;
  const uint32_t per_block = tensors_per_block(c.pathways);
  if (index < c.n_layers * per_block) {
    const uint16_t layer = static_cast<uint16_t>(index / per_block);
    uint32_t i = index % per_block;
    if (i == 0) return {kNormGamma, layer, kDtypeVec, 1, d};
    if (i == 1) return {kNormBeta, layer, kDtypeVec, 1, d};
    i -= 2;
    if (c.pathways & ATOME_PATH_CONV) {
      if (i == 0) return {kConv, layer, trit_dtype, d, c.conv_kernel};
      i -= 1;
    }
    if (c.pathways & ATOME_PATH_SSM) {
      if (i < 3) return {static_cast<uint16_t>(kSsmA + i), layer, kDtypeVec, 1, d};
      i -= 3;
    }
    if (c.pathways & ATOME_PATH_ATTN) {
      if (i == 0) return {kWq, layer, trit_dtype, c.d_head, d};
      if (i == 1) return {kWk, layer, trit_dtype, c.d_head, d};
      if (i == 2) return {kWv, layer, trit_dtype, d, d};
      i -= 3;
    }
    return {kRouter, layer, trit_dtype, c.n_paths, d};
  }
  index -= c.n_layers * per_block;
  if (index == 0) return {kFinalGamma, kGlobalLayer, kDtypeVec, 1, d};
  if (index == 1) return {kFinalBeta, kGlobalLayer, kDtypeVec, 1, d};
  // A classifier with a metadata section (1.3) has no unembedding: its head follows the norm.
  if (index == 2 && !c.no_unembed) return {kUnembed, kGlobalLayer, trit_dtype, c.vocab_size, d};
  return {kHead, kGlobalLayer, trit_dtype, c.n_classes, d};
}

uint64_t tensor_bytes(uint8_t dtype, uint32_t rows, uint32_t cols) {
  if (dtype == kDtypeF32 || dtype == kDtypeI32) return static_cast<uint64_t>(rows) * cols * 4u;
  return static_cast<uint64_t>(rows) * trit_row_bytes(dtype, cols);
}

atome_status validate_config(const atome_config& c) {
  const uint32_t p = c.pathways;
  if (c.arch != ATOME_ARCH_LM && c.arch != ATOME_ARCH_CLASSIFIER) return ATOME_ERR_BAD_CONFIG;
  if (c.vocab_size != kVocabBytes) return ATOME_ERR_BAD_CONFIG;
  if (c.d_model == 0 || c.d_model > kMaxDModel) return ATOME_ERR_BAD_CONFIG;
  if (c.n_layers == 0 || c.n_layers > kMaxLayers) return ATOME_ERR_BAD_CONFIG;
  if (p == 0 || (p & ~static_cast<uint32_t>(ATOME_PATH_ALL)) != 0) return ATOME_ERR_BAD_CONFIG;
  const uint32_t n_paths = (p & 1u) + ((p >> 1) & 1u) + ((p >> 2) & 1u);
  if (c.n_paths != n_paths) return ATOME_ERR_BAD_CONFIG;
  if (p & ATOME_PATH_CONV) {
    if (c.conv_kernel == 0 || c.conv_kernel > kMaxConvKernel) return ATOME_ERR_BAD_CONFIG;
  } else if (c.conv_kernel != 0) {
    return ATOME_ERR_BAD_CONFIG;
  }
  if (p & ATOME_PATH_ATTN) {
    // d_head <= d_model: the key cache (L * W * d_head floats) is then never larger than the value
    // cache (L * W * d), which the file's d x d value matrices pay for; a wider head would let a
    // small file demand a large state.
    if (c.d_head == 0 || c.d_head > c.d_model) return ATOME_ERR_BAD_CONFIG;
    if (c.top_k == 0 || c.top_k > kMaxTopK) return ATOME_ERR_BAD_CONFIG;
  } else if (c.d_head != 0 || c.top_k != 0) {
    return ATOME_ERR_BAD_CONFIG;
  }
  if (c.arch == ATOME_ARCH_LM && c.n_classes != 0) return ATOME_ERR_BAD_CONFIG;
  // Only a classifier may drop the unembedding (it never uses it).
  if (c.no_unembed > 1 || (c.no_unembed == 1 && c.arch != ATOME_ARCH_CLASSIFIER))
    return ATOME_ERR_BAD_CONFIG;
  if (c.arch == ATOME_ARCH_CLASSIFIER && (c.n_classes == 0 || c.n_classes > kMaxClasses))
    return ATOME_ERR_BAD_CONFIG;
  // f32 activations are 32-bit; a8 and q15 feed int8 into the ternary linears.
  if (c.numerics == ATOME_NUMERICS_F32) {
    if (c.act_bits != 32) return ATOME_ERR_BAD_CONFIG;
  } else if (c.numerics == ATOME_NUMERICS_A8 || c.numerics == ATOME_NUMERICS_Q15) {
    if (c.act_bits != 8) return ATOME_ERR_BAD_CONFIG;
  } else {
    return ATOME_ERR_BAD_CONFIG;
  }
  // eps must be in (0, 1): checked on its bits (a positive finite float below 1.0 has bits in
  // (0, 0x3F800000); NaN, -0 and negatives fall outside), so that an integer-only build
  // compares no floats.
  const uint32_t eps_bits = float_bits(c.norm_eps);
  if (eps_bits == 0 || eps_bits >= 0x3F800000u) return ATOME_ERR_BAD_CONFIG;
  // q15 carries its own integer epsilon, in [1, 2^24) (Q24 of a value below 1).
  if (c.numerics == ATOME_NUMERICS_Q15) {
    if (c.norm_eps_q24 == 0 || c.norm_eps_q24 >= (1u << 24)) return ATOME_ERR_BAD_CONFIG;
  } else if (c.norm_eps_q24 != 0) {
    return ATOME_ERR_BAD_CONFIG;
  }
  return ATOME_OK;
}

atome_trits tensor_trits(const atome_model& model, uint32_t index) {
  if (is_compact(model)) {
    // No table: the place from the config, alpha = mantissa << shift (both checked by the loader:
    // below 2^28); always trit3, q15.
    const CompactPlace at = compact_place(model.config, index);
    const TensorSpec spec = canonical_tensor(model.config, index, kDtypeTrit3);
    atome_trits w;
    w.data = model.image + at.offset;
    w.rows = spec.rows;
    w.cols = spec.cols;
    w.packing = ATOME_PACKING_TRIT3;
    w.row_bytes = trit_row_bytes(kDtypeTrit3, spec.cols);
    w.scale = 0.0f;
    w.scale_q24 = static_cast<int32_t>(read_u16(model.image + at.alpha) << model.image[at.shift]);
    return w;
  }
  const uint8_t* e = model.tensor_table + static_cast<size_t>(index) * kTensorEntryBytes;
  atome_trits w;
  w.data = model.image + read_u32(e + kTeOffset);
  w.rows = read_u32(e + kTeRows);
  w.cols = read_u32(e + kTeCols);
  w.packing = e[kTeDtype] == kDtypeTrit3 ? ATOME_PACKING_TRIT3 : ATOME_PACKING_TRIT2;
  w.row_bytes = trit_row_bytes(e[kTeDtype], w.cols);
  // One field, read both ways (a bit copy, no float instruction): f32 / a8 models use scale,
  // q15 models scale_q24.
  w.scale = read_f32(e + kTeScale);
  w.scale_q24 = static_cast<int32_t>(read_u32(e + kTeScale));
  return w;
}

// The one in-place view of image bytes as another type: f32 tensors are read where they lie (in
// flash on a device), never copied — zero heap, zero copy (DESIGN.md §4). This is sound because:
//   - alignment: atome_model_load rejects an image that is not 4-byte aligned (MISALIGNED) and
//     every tensor offset is a multiple of 16 (BAD_TENSOR otherwise), so the pointer is aligned
//     for float;
//   - byte order and encoding: the file stores IEEE binary32 little-endian, the engine builds for
//     little-endian IEEE targets only (static_asserts in engine/bytes.h and engine/format.h);
//   - aliasing: the image is const and never written while a model uses it, so no store through
//     another type can be reordered against these loads;
//   - values: the loader has checked every one is finite.
// Every other read of the image (header, table, scales) goes through bytes.h (byte assembly).
const float* tensor_floats(const atome_model& model, uint32_t index) {
  const uint8_t* e = model.tensor_table + static_cast<size_t>(index) * kTensorEntryBytes;
  static_assert(kAlign % alignof(float) == 0, "tensor offsets must keep float alignment");
  return reinterpret_cast<const float*>(model.image + read_u32(e + kTeOffset));
}

// The int32 counterpart (q15 models), sound for the same reasons: 16-byte aligned offsets,
// little-endian two's complement, const image; the loader has checked each value's range.
const int32_t* tensor_ints(const atome_model& model, uint32_t index) {
  const uint8_t* e = model.tensor_table + static_cast<size_t>(index) * kTensorEntryBytes;
  static_assert(kAlign % alignof(int32_t) == 0, "tensor offsets must keep int32 alignment");
  return reinterpret_cast<const int32_t*>(model.image + read_u32(e + kTeOffset));
}

#if ATOME_WITH_COMPACT
// A compact model's vector in place, as int16: sound as tensor_ints is (const image, little-endian
// two's complement), with 2-byte alignment: the image is 4-aligned and every compact tensor
// offset even (the loader checks both); the loader has checked each shifted value's range.
const int16_t* tensor_i16(const atome_model& model, uint32_t index, uint32_t* shift) {
  const CompactPlace at = compact_place(model.config, index);
  *shift = model.image[at.shift];
  static_assert(kCompactAlign % alignof(int16_t) == 0, "compact offsets must keep int16 alignment");
  return reinterpret_cast<const int16_t*>(model.image + at.offset);
}
#endif  // ATOME_WITH_COMPACT

}  // namespace atome::format
