// Atome native model format ("ATOMENAT"), version 1 — the byte layout as constants.
// docs/FORMAT.md is the normative description; this header is its single code counterpart,
// shared by the engine's loader and the host-side writer.
#ifndef ATOME_ENGINE_FORMAT_H
#define ATOME_ENGINE_FORMAT_H

#include <stdint.h>

// The format is little-endian, and readers of it (the engine reading f32 tensors in place, the
// host reader and writer copying f32 payloads with memcpy) take the host's byte order to be the
// file's.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "Atome model images are little-endian and read in place: little-endian hosts only");

namespace atome::format {

constexpr char kMagic[8] = {'A', 'T', 'O', 'M', 'E', 'N', 'A', 'T'};
constexpr uint16_t kVersionMajor = 1;
// Version 2 is the compact layout (FORMAT.md §18): q15 only, no tensor table, int16 << shift
// vectors, trit3 rows. A v1 reader rejects it (VERSION) rather than misreading it.
constexpr uint16_t kVersionMajorCompact = 2;
constexpr uint16_t kVersionMinor = 0;  // f32 files; a8 / q15 files are 1.1 (numerics fields)
constexpr uint16_t kVersionMinorNumerics = 1;
constexpr uint32_t kAlign = 16;         // tensor offsets, table offset, payload offset
constexpr uint32_t kHeaderBytes = 128;  // fixed header (including the config block)
constexpr uint32_t kTensorEntryBytes = 32;
constexpr uint32_t kFlagSigned = 1u;  // an Ed25519 signature block follows the signed bytes
constexpr uint32_t kKnownFlags = kFlagSigned;

// Header field offsets.
constexpr uint32_t kOffMagic = 0;
constexpr uint32_t kOffVersionMajor = 8;   // u16
constexpr uint32_t kOffVersionMinor = 10;  // u16
constexpr uint32_t kOffHeaderBytes = 12;
constexpr uint32_t kOffFileBytes = 16;  // bytes covered by the CRC (and the signature)
constexpr uint32_t kOffCrc = 20;        // CRC-32 of [0, file_bytes) with these 4 bytes as zero
constexpr uint32_t kOffFlags = 24;
constexpr uint32_t kOffTensorCount = 28;
constexpr uint32_t kOffTableOffset = 32;
constexpr uint32_t kOffPayloadOffset = 36;
// Config block.
constexpr uint32_t kOffArch = 40;
constexpr uint32_t kOffVocab = 44;
constexpr uint32_t kOffDModel = 48;
constexpr uint32_t kOffLayers = 52;
constexpr uint32_t kOffDHead = 56;
constexpr uint32_t kOffConvKernel = 60;
constexpr uint32_t kOffTopK = 64;
constexpr uint32_t kOffPathways = 68;
constexpr uint32_t kOffClasses = 72;
constexpr uint32_t kOffActBits = 76;
constexpr uint32_t kOffNormEps = 80;  // f32
constexpr uint32_t kOffContextLen = 84;
constexpr uint32_t kOffNumerics = 88;    // 1.1: ATOME_NUMERICS_* (zero in 1.0 files)
constexpr uint32_t kOffNormEpsQ24 = 92;  // 1.1: q15 LayerNorm epsilon in Q24, else zero
constexpr uint32_t kOffReserved = 96;    // up to kHeaderBytes: must be zero (1.0 - 1.2)
// 1.3 (classifier files with an input spec, FORMAT.md §17): where the classifier metadata section
// lies (between the tensor table and the payload); bytes from kOffReservedClassMeta are zero.
constexpr uint32_t kOffMetaOffset = 96;
constexpr uint32_t kOffMetaBytes = 100;
constexpr uint32_t kOffReservedClassMeta = 104;

// Tensor table entry field offsets.
constexpr uint32_t kTeKind = 0;   // u16
constexpr uint32_t kTeLayer = 2;  // u16, kGlobalLayer for non-block tensors
constexpr uint32_t kTeDtype = 4;  // u8
constexpr uint32_t kTeRes0 = 5;   // u8 + u16 zero
constexpr uint32_t kTeRows = 8;
constexpr uint32_t kTeCols = 12;
constexpr uint32_t kTeScale = 16;   // f32
constexpr uint32_t kTeOffset = 20;  // absolute byte offset, multiple of kAlign
constexpr uint32_t kTeBytes = 24;
constexpr uint32_t kTeRes1 = 28;  // u32 zero
constexpr uint16_t kGlobalLayer = 0xFFFF;

// f32: IEEE binary32 values (f32 and a8 models). trit2: 2-bit packed trits. i32: little-endian
// two's-complement int32 values (q15 models, in place of every f32 tensor; FORMAT.md §16.2).
// trit3: base-3 packed trits, 5 a byte (FORMAT.md §5.3); every trit tensor of a file has the same
// trit dtype (the embedding's).
enum Dtype : uint8_t { kDtypeF32 = 1, kDtypeTrit2 = 2, kDtypeI32 = 3, kDtypeTrit3 = 4 };
constexpr bool is_trit_dtype(uint8_t dtype) {
  return dtype == kDtypeTrit2 || dtype == kDtypeTrit3;
}
// Bytes of one row of `cols` trits.
constexpr uint32_t trit_row_bytes(uint8_t dtype, uint32_t cols) {
  return dtype == kDtypeTrit3 ? (cols + 4u) / 5u : (cols + 3u) / 4u;
}
// Writers mark a trit3 file 1.2 (a reader does not need it: the dtype says it).
constexpr uint16_t kVersionMinorTrit3 = 2;
// Classifier files with a metadata section (and no unembedding) are 1.3: an older reader rejects
// them (non-zero reserved bytes 96..103) rather than misreading them.
constexpr uint16_t kVersionMinorClassMeta = 3;

enum Kind : uint16_t {
  kEmbed = 1,        // trit (vocab, d)
  kNormGamma = 2,    // f32 (1, d)
  kNormBeta = 3,     // f32 (1, d)
  kConv = 4,         // trit (d, K): row = channel, column k = lag (k = 0 is the current token)
  kSsmA = 5,         // f32 (1, d): raw; decay = tanh(a). q15: the decay itself, Q15
  kSsmB = 6,         // f32 (1, d)
  kSsmC = 7,         // f32 (1, d)
  kWq = 8,           // trit (d_head, d)
  kWk = 9,           // trit (d_head, d)
  kWv = 10,          // trit (d, d)
  kRouter = 11,      // trit (n_paths, d)
  kFinalGamma = 12,  // f32 (1, d)
  kFinalBeta = 13,   // f32 (1, d)
  kUnembed = 14,     // trit (vocab, d)
  kHead = 15,        // trit (n_classes, d)
};

// Signature block (present when kFlagSigned): right after the signed bytes.
constexpr char kSigMagic[8] = {'A', 'T', 'O', 'M', 'E', 'S', 'I', 'G'};
constexpr uint32_t kSigAlgEd25519 = 1;
// magic 8, alg u32, block_bytes u32, model_version u32, reserved u32, key_id 8, signature 64.
// The signed message is every byte before the signature field (FORMAT.md §8).
constexpr uint32_t kSigBlockBytes = 96;
constexpr uint32_t kSigOffAlg = 8;
constexpr uint32_t kSigOffBlockBytes = 12;
constexpr uint32_t kSigOffVersion = 16;
constexpr uint32_t kSigOffReserved = 20;
constexpr uint32_t kSigOffKeyId = 24;
constexpr uint32_t kSigKeyIdBytes = 8;
constexpr uint32_t kSigOffSignature = 32;
constexpr uint32_t kSigSignatureBytes = 64;

// Limits a valid file must respect (they bound the arithmetic, not the hardware).
constexpr uint32_t kMaxDModel = 8192;
constexpr uint32_t kMaxLayers = 1024;
constexpr uint32_t kMaxConvKernel = 64;
constexpr uint32_t kMaxTopK = 1024;
constexpr uint32_t kMaxClasses = 4096;
// q15 files (FORMAT.md §16.2): |every int32 vector value| <= kMaxQ16Magnitude (Q16, 2048.0; the
// engine saturates its activations to the same bound, engine/fixed.h), |SSM decay| <=
// kMaxDecayQ15 (Q15, just below 1.0), and every trit alpha in Q24 below kAlphaQ24Limit (16.0).
// The integer arithmetic's 64-bit bounds rest on these.
constexpr int32_t kMaxQ16Magnitude = int32_t{1} << 27;
constexpr int32_t kMaxDecayQ15 = 32767;
constexpr uint32_t kAlphaQ24Limit = 1u << 28;
constexpr uint32_t kVocabBytes = 256;

// Compact layout (version 2.0, FORMAT.md §18): byte 32 holds the alpha table's offset (always
// kHeaderBytes), byte 36 the first tensor's; tensors start on even offsets (int16 alignment).
constexpr uint32_t kCompactAlign = 2;
// A vector is int16 << shift with shift <= kCompactMaxShift: |v16 << shift| < 2^30, no overflow
// before the loader's range check.
constexpr uint32_t kCompactMaxShift = 15;

// Tensors per block for a pathway mask, in canonical order:
// gamma, beta, [conv], [a, b, c], [wq, wk, wv], router.
constexpr uint32_t tensors_per_block(uint32_t pathways) {
  return 2u + ((pathways & 1u) ? 1u : 0u) + ((pathways & 2u) ? 3u : 0u) +
         ((pathways & 4u) ? 3u : 0u) + 1u;
}

}  // namespace atome::format

#include "atome/atome.h"
#include "engine/build_config.h"

namespace atome::format {

// Whether a loaded model has the compact layout: always false in a build without it
// (ATOME_WITH_COMPACT=0, engine/build_config.h), which the compiler then folds away.
inline bool is_compact(const atome_model& model) {
  return ATOME_WITH_COMPACT && model.format_major == kVersionMajorCompact;
}

// What the tensor at a given index of the canonical order must be, for a config.
struct TensorSpec {
  uint16_t kind;
  uint16_t layer;  // kGlobalLayer for embed / final norm / unembed / head
  uint8_t dtype;
  uint32_t rows;
  uint32_t cols;
};

// Number of tensors a file with this config holds.
uint32_t tensor_count(const atome_config& config);

// Spec of tensor `index` (< tensor_count(config)); its trit tensors have dtype `trit_dtype`
// (kDtypeTrit2 or kDtypeTrit3: the file's packing, which its embedding entry says).
TensorSpec canonical_tensor(const atome_config& config, uint32_t index,
                            uint8_t trit_dtype = kDtypeTrit2);

// Payload bytes of a tensor: rows * cols * 4 for f32 and i32, rows * ceil(cols / 4) for trit2,
// rows * ceil(cols / 5) for trit3.
uint64_t tensor_bytes(uint8_t dtype, uint32_t rows, uint32_t cols);

// CRC-32 of the first `covered` bytes of a native image (covered >= kOffCrc + 4) with the CRC
// field read as zero: what the header's CRC field holds. The loader checks it; writers store it.
uint32_t image_crc32(const uint8_t* image, size_t covered);

// Checks a config's ranges and internal consistency (n_paths must already equal popcount).
atome_status validate_config(const atome_config& config);

// Compact layout (FORMAT.md §18): where tensor `index` starts, where its alpha's 16-bit
// mantissa lies (trit tensors; alpha_q24 = mantissa << shift) and where its shift byte lies (every
// tensor: a trit tensor's applies to its alpha, a vector's to its values), all from the config
// alone. payload_offset = compact_place(config, 0).offset.
struct CompactPlace {
  uint64_t offset;  // of the tensor's bytes
  uint64_t alpha;   // of its alpha mantissa (u16, trit tensors; 0 for vectors)
  uint64_t shift;   // of its shift (u8)
};
CompactPlace compact_place(const atome_config& config, uint32_t index);
uint64_t compact_end(const atome_config& config);

// Views of tensor `index` of a loaded model, straight from its tensor table (the loader has
// checked every entry, so these read without checks). One place for the entry layout.
atome_trits tensor_trits(const atome_model& model, uint32_t index);
const float* tensor_floats(const atome_model& model, uint32_t index);
const int32_t* tensor_ints(const atome_model& model, uint32_t index);
#if ATOME_WITH_COMPACT
// A compact model's vector tensor: its int16 values and shift (value = v16[i] << shift).
const int16_t* tensor_i16(const atome_model& model, uint32_t index, uint32_t* shift);
#endif

}  // namespace atome::format
#endif  // ATOME_ENGINE_FORMAT_H
