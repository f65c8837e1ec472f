// Loading = validating everything once (the TFLite Micro "prepare" idea): after
// atome_model_load() succeeds, the per-token path trusts the image and has no error branches.
// Every read below is preceded by a bounds check against image_bytes; offsets are 64-bit so that
// hostile 32-bit fields cannot wrap.
#include "atome/atome.h"
#include "engine/bytes.h"
#include "engine/format.h"
#include "engine/numerics.h"

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
  return validate_config(*c);
}

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
  if (read_u16(image + kOffVersionMajor) != kVersionMajor) return ATOME_ERR_VERSION;

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
  for (uint32_t off = kOffReserved; off < kHeaderBytes; ++off) {
    if (image[off] != 0) return ATOME_ERR_BAD_HEADER;
  }
  if (flags & kFlagSigned) {
    const uint8_t* sig = image + file_bytes;
    for (int i = 0; i < 8; ++i) {
      if (sig[i] != static_cast<uint8_t>(kSigMagic[i])) return ATOME_ERR_BAD_SIGNATURE_BLOCK;
    }
    if (read_u32(sig + 8) != kSigAlgEd25519 || read_u32(sig + 12) != kSigBlockBytes)
      return ATOME_ERR_BAD_SIGNATURE_BLOCK;
  }

  atome_config config;
  const atome_status config_status = read_config(image, &config);
  if (config_status != ATOME_OK) return config_status;

  // Tensor table.
  const uint32_t count = read_u32(image + kOffTensorCount);
  const uint64_t table = read_u32(image + kOffTableOffset);
  const uint64_t payload = read_u32(image + kOffPayloadOffset);
  if (count != tensor_count(config)) return ATOME_ERR_BAD_TENSOR;
  if (table < kHeaderBytes || table % kAlign != 0) return ATOME_ERR_BAD_HEADER;
  if (payload % kAlign != 0 || payload < table + static_cast<uint64_t>(count) * kTensorEntryBytes ||
      payload > file_bytes)
    return ATOME_ERR_BAD_HEADER;

  uint64_t cursor = payload;  // tensors appear in order, without overlap
  for (uint32_t t = 0; t < count; ++t) {
    const uint8_t* e = image + table + static_cast<uint64_t>(t) * kTensorEntryBytes;
    const TensorSpec spec = canonical_tensor(config, t);
    const uint64_t offset = read_u32(e + kTeOffset);
    const uint64_t bytes = read_u32(e + kTeBytes);
    const float scale = read_f32(e + kTeScale);
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
    if (spec.dtype == kDtypeF32) {
      if (scale != 1.0f) return ATOME_ERR_BAD_TENSOR;
      if (!floats_finite(data, bytes / 4)) return ATOME_ERR_BAD_WEIGHTS;
    } else {
      if (!is_finite(scale) || scale < 0.0f) return ATOME_ERR_BAD_TENSOR;
      if (!trits_valid(data, spec.rows, spec.cols)) return ATOME_ERR_BAD_WEIGHTS;
    }
  }

  model->config = config;
  model->image = image;
  model->image_bytes = image_bytes;
  model->tensor_table = image + table;
  model->tensor_count = count;
  model->format_minor = read_u16(image + kOffVersionMinor);
  model->has_signature = (flags & kFlagSigned) ? 1u : 0u;
  model->signed_bytes = static_cast<uint32_t>(file_bytes);

  const uint32_t after_blocks = 1u + config.n_layers * tensors_per_block(config.pathways);
  model->embed = tensor_trits(*model, 0);
  model->final_gamma = tensor_floats(*model, after_blocks);
  model->final_beta = tensor_floats(*model, after_blocks + 1);
  model->unembed = tensor_trits(*model, after_blocks + 2);
  if (config.n_classes > 0) model->head = tensor_trits(*model, after_blocks + 3);
  return ATOME_OK;
}

extern "C" uint64_t atome_model_param_count(const atome_model* model) {
  using namespace atome::format;
  if (model == nullptr || model->image == nullptr) return 0;
  uint64_t n = 0;
  for (uint32_t t = 0; t < model->tensor_count; ++t) {
    const TensorSpec s = canonical_tensor(model->config, t);
    n += static_cast<uint64_t>(s.rows) * s.cols;
  }
  return n;
}
