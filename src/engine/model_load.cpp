// Loading = validating everything once (the TFLite Micro "prepare" idea): after
// atome_model_load() succeeds, the per-token path trusts the image and has no error branches.
// Every read below is preceded by a bounds check against image_bytes; offsets are 64-bit so that
// hostile 32-bit fields cannot wrap.
#include "atome/atome.h"
#include "engine/build_config.h"
#include "engine/bytes.h"
#include "engine/class_meta.h"
#include "engine/format.h"
#include "engine/numerics.h"
#include "engine/trit3.h"

namespace atome {
namespace {

using namespace format;

// Trits: codes 00, 01, 11 only; the padding trits after the last column of a row must be 00.
bool trits_valid(const uint8_t* data, uint32_t rows, uint32_t cols) {
  const uint32_t row_bytes = (cols + 3u) / 4u;
  const uint32_t pad_trits = row_bytes * 4u - cols;
  const uint8_t pad_mask =
      pad_trits == 0 ? 0 : static_cast<uint8_t>(0xFFu << (2u * (4u - pad_trits)));
  for (uint32_t r = 0; r < rows; ++r) {
    const uint8_t* row = data + static_cast<size_t>(r) * row_bytes;
    uint32_t bad = 0;
    for (uint32_t b = 0; b < row_bytes; ++b) {
      // A trit is 10 when its high bit is set and its low bit is not.
      bad |= (row[b] >> 1) & ~row[b] & 0x55u;
    }
    if (bad != 0) return false;
    if ((row[row_bytes - 1] & pad_mask) != 0) return false;
  }
  return true;
}

// trit3: every byte below 243; a row's padding digits (positions cols .. 5 * row_bytes - 1 of
// its last byte) are 1 (trit 0): with p padding digits the last byte's top p digits are all 1,
// i.e. the byte lies in [q * 3^(5-p), (q + 1) * 3^(5-p)) for q = (3^p - 1) / 2.
bool trits3_valid(const uint8_t* data, uint32_t rows, uint32_t cols) {
  constexpr uint32_t kPow3[6] = {1, 3, 9, 27, 81, 243};
  const uint32_t row_bytes = (cols + 4u) / 5u;
  const uint32_t pad = row_bytes * 5u - cols;  // 0..4
  const uint32_t unit = kPow3[5 - pad];
  const uint32_t low = (kPow3[pad] - 1u) / 2u * unit;
  for (uint32_t r = 0; r < rows; ++r) {
    const uint8_t* row = data + static_cast<size_t>(r) * row_bytes;
    uint32_t top = 0;
    for (uint32_t b = 0; b < row_bytes; ++b) top = row[b] > top ? row[b] : top;
    if (top >= kTrit3ByteLimit) return false;
    const uint32_t last = row[row_bytes - 1];
    if (last < low || last >= low + unit) return false;
  }
  return true;
}

bool floats_finite(const uint8_t* data, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    if (!is_finite(read_f32(data + 4 * i))) return false;
  }
  return true;
}

atome_status read_config(const uint8_t* h, atome_config* c) {
  c->arch = read_u32(h + kOffArch);
  c->vocab_size = read_u32(h + kOffVocab);
  c->d_model = read_u32(h + kOffDModel);
  c->n_layers = read_u32(h + kOffLayers);
  c->d_head = read_u32(h + kOffDHead);
  c->conv_kernel = read_u32(h + kOffConvKernel);
  c->top_k = read_u32(h + kOffTopK);
  c->pathways = read_u32(h + kOffPathways);
  c->n_paths = (c->pathways & 1u) + ((c->pathways >> 1) & 1u) + ((c->pathways >> 2) & 1u);
  c->n_classes = read_u32(h + kOffClasses);
  c->act_bits = read_u32(h + kOffActBits);
  c->norm_eps = read_f32(h + kOffNormEps);
  c->context_len = read_u32(h + kOffContextLen);
  c->numerics = read_u32(h + kOffNumerics);
  c->norm_eps_q24 = read_u32(h + kOffNormEpsQ24);
  return validate_config(*c);
}

// Largest |value| of a q15 int32 tensor (FORMAT.md §16.2): the decay is a Q15 fraction; every other
// vector a Q16 value of magnitude at most 2^27 / 2^16 = 2048, which bounds the integer arithmetic.
int64_t int_tensor_limit(uint16_t kind) {
  return kind == kSsmA ? kMaxDecayQ15 : kMaxQ16Magnitude;
}

bool ints_in_range(const uint8_t* data, uint64_t count, int64_t limit) {
  for (uint64_t i = 0; i < count; ++i) {
    const int64_t v = static_cast<int32_t>(read_u32(data + 4 * i));
    if (v > limit || v < -limit) return false;
  }
  return true;
}

// The signature block's fixed fields (FORMAT.md §8), after the signed bytes.
bool sig_block_ok(const uint8_t* sig) {
  for (int i = 0; i < 8; ++i) {
    if (sig[i] != static_cast<uint8_t>(kSigMagic[i])) return false;
  }
  return read_u32(sig + kSigOffAlg) == kSigAlgEd25519 &&
         read_u32(sig + kSigOffBlockBytes) == kSigBlockBytes &&
         read_u32(sig + kSigOffReserved) == 0;
}

#if ATOME_WITH_COMPACT
bool zero_bytes(const uint8_t* p, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i < to; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

// A compact (2.x) file, after the checks every version shares (magic, sizes, CRC, flags,
// header_bytes, signature block): FORMAT.md §18.5. Every place is computed from the config, so the
// config is validated first and the header's two offsets and file_bytes must equal what it gives.
atome_status load_compact(atome_model* model, const uint8_t* image, size_t image_bytes,
                          uint64_t file_bytes, uint32_t flags) {
  if (!zero_bytes(image, kOffReserved, kHeaderBytes)) return ATOME_ERR_BAD_HEADER;
  if ((flags & kFlagSigned) && !sig_block_ok(image + file_bytes))
    return ATOME_ERR_BAD_SIGNATURE_BLOCK;
  atome_config config;
  config.no_unembed = 0;
  const atome_status config_status = read_config(image, &config);
  if (config_status != ATOME_OK) return config_status;
  if (config.numerics != ATOME_NUMERICS_Q15) return ATOME_ERR_BAD_HEADER;  // q15 only
  const uint32_t count = tensor_count(config);
  if (read_u32(image + kOffTensorCount) != count) return ATOME_ERR_BAD_TENSOR;
  const uint64_t payload = compact_place(config, 0).offset;
  if (read_u32(image + kOffTableOffset) != kHeaderBytes ||
      read_u32(image + kOffPayloadOffset) != payload || compact_end(config) != file_bytes)
    return ATOME_ERR_BAD_HEADER;
  // The byte between the shift table (one byte per tensor) and the first tensor, if any, is zero:
  // one encoding per model.
  if (!zero_bytes(image, compact_place(config, count - 1).shift + 1, payload))
    return ATOME_ERR_BAD_HEADER;
  for (uint32_t t = 0; t < count; ++t) {
    const TensorSpec spec = canonical_tensor(config, t, kDtypeTrit3);
    const CompactPlace at = compact_place(config, t);
    const uint8_t* data = image + at.offset;
    uint64_t bytes;
    const uint32_t shift = image[at.shift];
    if (shift > kCompactMaxShift) return ATOME_ERR_BAD_TENSOR;
    if (is_trit_dtype(spec.dtype)) {
      bytes = tensor_bytes(kDtypeTrit3, spec.rows, spec.cols);
      if ((static_cast<uint32_t>(read_u16(image + at.alpha)) << shift) >= kAlphaQ24Limit)
        return ATOME_ERR_BAD_TENSOR;
      if (!trits3_valid(data, spec.rows, spec.cols)) return ATOME_ERR_BAD_WEIGHTS;
      if (spec.cols > kTrit3MaxCols) return ATOME_ERR_UNSUPPORTED;
    } else {
      bytes = static_cast<uint64_t>(spec.rows) * spec.cols * 2u;
      const int64_t limit = int_tensor_limit(spec.kind);
      for (uint64_t i = 0; i < bytes / 2; ++i) {
        const int64_t v =
            static_cast<int16_t>(read_u16(data + 2 * i)) * (int64_t{1} << shift);  // exact
        if (v > limit || v < -limit) return ATOME_ERR_BAD_WEIGHTS;
      }
    }
    // Padding up to the next tensor (or the end) is zero: one encoding per model.
    const uint64_t next = t + 1 < count ? compact_place(config, t + 1).offset : file_bytes;
    if (!zero_bytes(image, at.offset + bytes, next)) return ATOME_ERR_BAD_TENSOR;
  }

  model->config = config;
  model->image = image;
  model->image_bytes = image_bytes;
  model->tensor_table = nullptr;
  model->tensor_count = count;
  model->format_minor = read_u16(image + kOffVersionMinor);
  model->format_major = kVersionMajorCompact;
  model->has_signature = (flags & kFlagSigned) ? 1u : 0u;
  model->signed_bytes = static_cast<uint32_t>(file_bytes);
  model->embed = tensor_trits(*model, 0);
  const uint32_t after_blocks = 1u + config.n_layers * tensors_per_block(config.pathways);
  model->unembed = tensor_trits(*model, after_blocks + 2);
  if (config.n_classes > 0) model->head = tensor_trits(*model, after_blocks + 3);
  return ATOME_OK;
}
#endif  // ATOME_WITH_COMPACT

}  // namespace
}  // namespace atome

extern "C" atome_status atome_model_load(atome_model* model, const void* image_ptr,
                                         size_t image_bytes) {
  using namespace atome;
  using namespace atome::format;
  if (model == nullptr || image_ptr == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  __builtin_memset(model, 0, sizeof *model);
  const uint8_t* image = static_cast<const uint8_t*>(image_ptr);
  if ((reinterpret_cast<uintptr_t>(image) & 3u) != 0) return ATOME_ERR_MISALIGNED;
  if (image_bytes < 8) return ATOME_ERR_TRUNCATED;
  for (int i = 0; i < 8; ++i) {
    if (image[i] != static_cast<uint8_t>(kMagic[i])) return ATOME_ERR_BAD_MAGIC;
  }
  if (image_bytes < kHeaderBytes) return ATOME_ERR_TRUNCATED;
  const uint16_t major = read_u16(image + kOffVersionMajor);
  if (major != kVersionMajor && major != kVersionMajorCompact) return ATOME_ERR_VERSION;

  // Sizes first: a short image is "truncated" whatever else is wrong with it.
  const uint64_t file_bytes = read_u32(image + kOffFileBytes);
  const uint32_t flags = read_u32(image + kOffFlags);
  const uint64_t total = file_bytes + ((flags & kFlagSigned) ? kSigBlockBytes : 0u);
  if (image_bytes < total) return ATOME_ERR_TRUNCATED;
  if (image_bytes > total) return ATOME_ERR_SIZE_MISMATCH;
  if (file_bytes < kHeaderBytes) return ATOME_ERR_BAD_HEADER;

  // CRC-32 over the signed bytes, the CRC field itself read as zero.
  if (image_crc32(image, static_cast<size_t>(file_bytes)) != read_u32(image + kOffCrc))
    return ATOME_ERR_CHECKSUM;

  // Header.
  if ((flags & ~kKnownFlags) != 0) return ATOME_ERR_BAD_HEADER;
  if (read_u32(image + kOffHeaderBytes) != kHeaderBytes) return ATOME_ERR_BAD_HEADER;
  if (major == kVersionMajorCompact) {
#if ATOME_WITH_COMPACT
    return load_compact(model, image, image_bytes, file_bytes, flags);
#else
    return ATOME_ERR_UNSUPPORTED;  // a build without the compact layout (build_config.h)
#endif
  }
  // Version 1.0 files have no numerics fields: their bytes are reserved (zero) too; 1.3 files
  // place the classifier metadata section with bytes 96..103.
  const uint16_t minor = read_u16(image + kOffVersionMinor);
  const uint32_t reserved_from = minor >= kVersionMinorClassMeta  ? kOffReservedClassMeta
                                 : minor >= kVersionMinorNumerics ? kOffReserved
                                                                  : kOffNumerics;
  for (uint32_t off = reserved_from; off < kHeaderBytes; ++off) {
    if (image[off] != 0) return ATOME_ERR_BAD_HEADER;
  }
  if ((flags & kFlagSigned) && !sig_block_ok(image + file_bytes))
    return ATOME_ERR_BAD_SIGNATURE_BLOCK;

  // A 1.3 classifier carries a metadata section and no unembedding; a 1.3 LM has neither
  // section nor change (its two fields must be zero).
  const bool meta_fields = minor >= kVersionMinorClassMeta;
  const uint64_t meta = meta_fields ? read_u32(image + kOffMetaOffset) : 0;
  const uint64_t meta_bytes = meta_fields ? read_u32(image + kOffMetaBytes) : 0;

  atome_config config;
  config.no_unembed = meta_fields && read_u32(image + kOffArch) == ATOME_ARCH_CLASSIFIER ? 1u : 0u;
  const atome_status config_status = read_config(image, &config);
  if (config_status != ATOME_OK) return config_status;
#if !ATOME_FLOAT_PATH
  // An integer-only build runs q15 models only.
  if (config.numerics != ATOME_NUMERICS_Q15) return ATOME_ERR_UNSUPPORTED;
#endif

  // Tensor table.
  const uint32_t count = read_u32(image + kOffTensorCount);
  const uint64_t table = read_u32(image + kOffTableOffset);
  const uint64_t payload = read_u32(image + kOffPayloadOffset);
  if (count != tensor_count(config)) return ATOME_ERR_BAD_TENSOR;
  if (table < kHeaderBytes || table % kAlign != 0) return ATOME_ERR_BAD_HEADER;
  if (payload % kAlign != 0 || payload < table + static_cast<uint64_t>(count) * kTensorEntryBytes ||
      payload > file_bytes)
    return ATOME_ERR_BAD_HEADER;
  // The metadata section lies between the table and the payload (FORMAT.md §17.1).
  if (config.no_unembed) {
    if (meta % kAlign != 0 || meta < table + static_cast<uint64_t>(count) * kTensorEntryBytes ||
        meta_bytes == 0 || meta + meta_bytes > payload)
      return ATOME_ERR_BAD_HEADER;
#if ATOME_CLASSIFIER_METADATA
    const atome_status meta_status =
        class_meta::validate(image + meta, meta_bytes, config.n_classes);
    if (meta_status != ATOME_OK) return meta_status;
#else
    return ATOME_ERR_UNSUPPORTED;  // a language-model-only build (engine/build_config.h)
#endif
  } else if (meta != 0 || meta_bytes != 0) {
    return ATOME_ERR_BAD_HEADER;
  }

  // One trit packing per file: the embedding's (entry 0) dtype, if it is trit3; every other trit
  // tensor must then have it too (a mixed file fails check 20a on its first odd tensor).
  const uint8_t trit_dtype =
      static_cast<uint8_t>(image[table + kTeDtype] == kDtypeTrit3 ? kDtypeTrit3 : kDtypeTrit2);
  uint64_t cursor = payload;  // tensors appear in order, without overlap
  for (uint32_t t = 0; t < count; ++t) {
    const uint8_t* e = image + table + static_cast<uint64_t>(t) * kTensorEntryBytes;
    const TensorSpec spec = canonical_tensor(config, t, trit_dtype);
    const uint64_t offset = read_u32(e + kTeOffset);
    const uint64_t bytes = read_u32(e + kTeBytes);
    const uint32_t scale_bits = read_u32(e + kTeScale);
    if (read_u16(e + kTeKind) != spec.kind || read_u16(e + kTeLayer) != spec.layer ||
        e[kTeDtype] != spec.dtype || read_u32(e + kTeRows) != spec.rows ||
        read_u32(e + kTeCols) != spec.cols || e[kTeRes0] != 0 || read_u16(e + kTeRes0 + 1) != 0 ||
        read_u32(e + kTeRes1) != 0)
      return ATOME_ERR_BAD_TENSOR;
    if (bytes != tensor_bytes(spec.dtype, spec.rows, spec.cols)) return ATOME_ERR_BAD_TENSOR;
    if (offset % kAlign != 0 || offset < cursor || offset + bytes > file_bytes)
      return ATOME_ERR_BAD_TENSOR;
    cursor = offset + bytes;
    const uint8_t* data = image + offset;
    // Scales and values are checked on their bits, so that an integer-only build compares no
    // floats: 1.0f is 0x3F800000, and a finite non-negative float has bits below 0x7F800000.
    if (spec.dtype == kDtypeF32) {
      if (scale_bits != 0x3F800000u) return ATOME_ERR_BAD_TENSOR;
      if (!floats_finite(data, bytes / 4)) return ATOME_ERR_BAD_WEIGHTS;
    } else if (spec.dtype == kDtypeI32) {
      if (scale_bits != 0) return ATOME_ERR_BAD_TENSOR;
      if (!ints_in_range(data, bytes / 4, int_tensor_limit(spec.kind)))
        return ATOME_ERR_BAD_WEIGHTS;
    } else {
      // Trit scale: a finite float alpha >= 0 or -0 (f32, a8), or alpha in Q24 in [0, 2^28)
      // (q15).
      const bool scale_ok = config.numerics == ATOME_NUMERICS_Q15
                                ? scale_bits < kAlphaQ24Limit
                                : (scale_bits < 0x7F800000u || scale_bits == 0x80000000u);
      if (!scale_ok) return ATOME_ERR_BAD_TENSOR;
      if (spec.dtype == kDtypeTrit3) {
        if (!trits3_valid(data, spec.rows, spec.cols)) return ATOME_ERR_BAD_WEIGHTS;
        // This build decodes a trit3 row in a stack buffer of kTrit3DecodeBytes (trit3.h).
        if (spec.cols > kTrit3MaxCols) return ATOME_ERR_UNSUPPORTED;
      } else if (!trits_valid(data, spec.rows, spec.cols)) {
        return ATOME_ERR_BAD_WEIGHTS;
      }
    }
  }

  model->config = config;
  model->image = image;
  model->image_bytes = image_bytes;
  model->tensor_table = image + table;
  model->tensor_count = count;
  model->format_minor = minor;
  model->format_major = kVersionMajor;
  model->has_signature = (flags & kFlagSigned) ? 1u : 0u;
  model->signed_bytes = static_cast<uint32_t>(file_bytes);

  const uint32_t after_blocks = 1u + config.n_layers * tensors_per_block(config.pathways);
  model->embed = tensor_trits(*model, 0);
  if (config.numerics == ATOME_NUMERICS_Q15) {
    model->final_gamma_q = tensor_ints(*model, after_blocks);
    model->final_beta_q = tensor_ints(*model, after_blocks + 1);
  } else {
    model->final_gamma = tensor_floats(*model, after_blocks);
    model->final_beta = tensor_floats(*model, after_blocks + 1);
  }
  const uint32_t unembeds = config.no_unembed ? 0u : 1u;
  if (unembeds) model->unembed = tensor_trits(*model, after_blocks + 2);
  if (config.n_classes > 0) model->head = tensor_trits(*model, after_blocks + 2 + unembeds);
  if (config.no_unembed) {
    model->class_meta = image + meta;
    model->class_meta_bytes = static_cast<uint32_t>(meta_bytes);
  }
  return ATOME_OK;
}

extern "C" uint64_t atome_model_param_count(const atome_model* model) {
  using namespace atome::format;
  if (model == nullptr || model->image == nullptr) return 0;
  uint64_t n = 0;
  for (uint32_t t = 0; t < model->tensor_count; ++t) {
    const TensorSpec s = canonical_tensor(model->config, t);  // shapes only: any trit dtype
    n += static_cast<uint64_t>(s.rows) * s.cols;
  }
  return n;
}
