// Test helpers: load a legacy reference model into a native image and run the engine on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "host/file_io.h"
#include "host/model_data.h"

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

// A session with its own 16-byte-aligned buffer.
struct Session {
  std::vector<uint8_t> storage;
  atome_session* s = nullptr;
  Session(const atome_model& model, uint32_t window) {
    const size_t bytes = atome_state_bytes(&model, window);
    storage.resize(bytes + ATOME_STATE_ALIGN);
    uint8_t* p = storage.data();
    while (reinterpret_cast<uintptr_t>(p) % ATOME_STATE_ALIGN != 0) ++p;
    if (atome_session_init(&s, &model, window, p, bytes) != ATOME_OK) s = nullptr;
  }
};

}  // namespace atome::test
