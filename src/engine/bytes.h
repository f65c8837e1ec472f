// Little-endian field reads from a byte image. Callers check bounds first (the loader does, once).
#ifndef ATOME_ENGINE_BYTES_H
#define ATOME_ENGINE_BYTES_H

#include <stdint.h>

namespace atome {

inline uint16_t read_u16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

inline uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

inline float read_f32(const uint8_t* p) {
  const uint32_t u = read_u32(p);
  float f;
  __builtin_memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace atome

#endif  // ATOME_ENGINE_BYTES_H
