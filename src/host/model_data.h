// Host-side model files: an in-memory model (config + tensors in canonical order), the native
// writer, the legacy ATOME01 / ATOMECL01 readers and writer, and the C-array exporter.
// Errors are thrown as atome::FormatError with a one-line message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "engine/format.h"
#include "host/errors.h"
#include "host/model_config.h"

namespace atome {

// One tensor. Trits are held unpacked (-1, 0, +1), row-major (rows, cols); floats as floats;
// the fixed-point vectors of a q15 model as int32.
struct HostTensor {
  uint16_t kind = 0;
  uint16_t layer = 0;
  uint8_t dtype = 0;  // format::kDtypeF32, kDtypeTrit2, kDtypeTrit3 or kDtypeI32
  uint32_t rows = 0;
  uint32_t cols = 0;
  float scale = 1.0f;         // alpha for trits (f32, a8 models)
  int32_t scale_q24 = 0;      // alpha for trits in Q24 (q15 models)
  std::vector<int8_t> trits;  // rows * cols, when dtype is trit2 or trit3
  std::vector<float> values;  // rows * cols, when dtype is f32
  std::vector<int32_t> ints;  // rows * cols, when dtype is i32
};

// An empty tensor of a canonical slot's kind, layer, dtype and shape (trits or values to fill).
HostTensor host_tensor(const format::TensorSpec& spec);

struct HostModel {
  atome_config config{};
  std::vector<HostTensor> tensors;  // canonical order (format::canonical_tensor)
  // A 1.3 classifier's metadata section (FORMAT.md §17), byte for byte; empty for every other
  // file. Non-empty requires config.no_unembed (host/class_spec.h builds it).
  std::vector<uint8_t> class_meta;
};

// The model's trit packing (the embedding's dtype: kDtypeTrit2 or kDtypeTrit3).
uint8_t trit_dtype(const HostModel& model);
// The same weights with every trit tensor packed as `trit_dtype` (kDtypeTrit2 or kDtypeTrit3).
HostModel with_trit_dtype(HostModel model, uint8_t trit_dtype);

// A native image with its trits packed as `packing`: "trit2" (2 bits a trit: the fastest
// kernels), "trit3" (5 trits a byte: the smallest file), or "auto" (trit2 if that image is at most
// `max_bytes`, else trit3 if that one is; a FormatError if neither fits; max_bytes 0 = no limit,
// so trit2). The image is returned unchanged when it already has the chosen packing.
std::vector<uint8_t> repack_native(const std::vector<uint8_t>& image, const std::string& packing,
                                   uint64_t max_bytes = 0);

// Bytes a legacy file with these dims has (ATOMECL01 when n_classes > 0).
uint64_t legacy_file_bytes(const ModelDims& dims, uint32_t n_classes);

// Which published configuration (60k, 944k, superesp) matches a legacy file's size; false if none.
bool guess_legacy_dims(const std::vector<uint8_t>& file, ModelDims* dims);

bool is_legacy_lm(const std::vector<uint8_t>& file);          // starts with "ATOME01"
bool is_legacy_classifier(const std::vector<uint8_t>& file);  // starts with "ATOMECL01"

HostModel read_legacy(const std::vector<uint8_t>& file, const ModelDims& dims);
std::vector<uint8_t> write_legacy(const HostModel& model);  // ATOME01 or ATOMECL01

// Native format. `context_len` etc. come from model.config. Signature block: none.
// check_config false writes a config the loader will reject: only for tests of the loader.
std::vector<uint8_t> write_native(const HostModel& model, bool check_config = true);
// Writes the config fields every native layout shares (arch .. context_len, FORMAT.md §3) into
// the 128-byte header at the start of `b` (v1 and the compact 2.0 writer).
void put_config_block(std::vector<uint8_t>& b, const atome_config& c);
// Parses a validated native image back into a HostModel (round trips write_native).
HostModel read_native(const std::vector<uint8_t>& file);

// "embed", "norm_gamma", ..., "head": the name of a tensor kind (format::kEmbed ...); "?" for
// another value.
const char* tensor_kind_name(uint16_t kind);

// `alignas(16) const uint8_t name[] = {...};` plus its length, for firmware.
std::string to_c_header(const std::vector<uint8_t>& image, const std::string& symbol);

}  // namespace atome
