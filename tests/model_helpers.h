// Test helpers: load a legacy reference model into a native image and run the engine on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "engine/format.h"
#include "host/byte_io.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/owned_session.h"

namespace atome::test {

// A model image plus its validated view; the image lives as long as this object.
struct LoadedModel {
  std::vector<uint8_t> image;
  atome_model model{};
};

inline LoadedModel load_native_image(std::vector<uint8_t> image) {
  LoadedModel m;
  m.image = std::move(image);
  const atome_status st = atome_model_load(&m.model, m.image.data(), m.image.size());
  if (st != ATOME_OK) throw FormatError(std::string("load failed: ") + atome_status_str(st));
  return m;
}

inline LoadedModel load_legacy_as_native(const std::string& path) {
  const std::vector<uint8_t> legacy = read_file(path);
  ModelDims dims;
  if (!guess_legacy_dims(legacy, &dims)) throw FormatError("unknown legacy dims: " + path);
  return load_native_image(write_native(read_legacy(legacy, dims)));
}

// Tests size sessions for the models they make; the --max-state limit is the CLI's business.
// Loads an image after rewriting its CRC, so that a test's edit reaches the field checks
// behind the checksum.
inline atome_status load_with_fresh_crc(std::vector<uint8_t> image) {
  put_u32(image, format::kOffCrc, format::image_crc32(image.data(), image.size()));
  atome_model m;
  return atome_model_load(&m, image.data(), image.size());
}

constexpr uint64_t kNoStateLimit = UINT64_MAX;

}  // namespace atome::test
