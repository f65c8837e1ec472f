// Loading any model file the CLI accepts — native ("ATOMENAT") or legacy ("ATOME01" language
// model, "ATOMECL01" classifier) — as a validated native image in a 16-byte-aligned buffer.
//
// Legacy files do not store their dimensions; they are guessed from the file size (the published
// 60k / 944k / superesp configurations) unless the caller supplies them (atome convert's --d,
// --layers, --d-head, --kernel, --top-k). Every failure throws with a message naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "host/aligned_buffer.h"
#include "host/model_data.h"

namespace atome {

enum class SourceFormat { kNative, kLegacyLm, kLegacyClassifier };

// "native", "legacy ATOME01", "legacy ATOMECL01".
const char* source_format_name(SourceFormat format);

// Identifies a file by its magic; throws Error naming `path` when it is none of the three.
SourceFormat detect_format(const std::vector<uint8_t>& file, const std::string& path);

// Explicit legacy dimensions; 0 = not given (guess from the file size).
struct LegacyDimFlags {
  uint32_t d_model = 0;
  uint32_t n_layers = 0;
  uint32_t d_head = 0;
  uint32_t conv_kernel = 0;
  uint32_t top_k = 0;
};

// Guessed dims overridden by the given flags. Throws UsageError listing the flags needed when the
// size matches no published configuration and the flags do not fill the gap.
ModelDims resolve_legacy_dims(const std::vector<uint8_t>& file, const std::string& path,
                              const LegacyDimFlags& flags);

// A file read from disk, with its native image (the file itself, or the in-memory conversion).
struct NativeImage {
  SourceFormat source = SourceFormat::kNative;
  uint64_t file_bytes = 0;     // size on disk
  ModelDims legacy_dims;       // meaningful only for legacy sources
  std::vector<uint8_t> bytes;  // the native image
};

NativeImage read_as_native(const std::string& path, const LegacyDimFlags& flags = {});

// A validated model that owns its image. Not copyable: `model` points into `image`, and a copy
// would keep pointing at the original. Moving is fine (the heap block does not move).
struct ModelFile {
  std::string path;
  SourceFormat source = SourceFormat::kNative;
  uint64_t file_bytes = 0;
  ModelDims legacy_dims;
  AlignedBuffer image;
  atome_model model{};

  ModelFile() = default;
  ModelFile(const ModelFile&) = delete;
  ModelFile& operator=(const ModelFile&) = delete;
  ModelFile(ModelFile&&) = default;
  ModelFile& operator=(ModelFile&&) = default;
};

// Reads, converts if legacy, and validates with atome_model_load.
ModelFile load_model_file(const std::string& path);

// A native image made in memory (a conversion), validated and owned; `name` names it in errors.
ModelFile model_from_image(const std::vector<uint8_t>& image, const std::string& name);

// Checks an image with atome_model_load; on failure throws Error naming `path` (for a CRC
// mismatch the message also gives the stored and computed CRC-32).
void load_or_throw(atome_model* model, const uint8_t* image, size_t bytes, const std::string& path);

// load_or_throw on a copy in an aligned buffer: checks an image before it is written anywhere.
void validate_image(const std::vector<uint8_t>& image, const std::string& path);

// "d=64 layers=4 d_head=16 kernel=5 top_k=4", for messages.
std::string describe_dims(const ModelDims& dims);

}  // namespace atome
