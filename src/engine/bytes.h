// Little-endian field reads from a byte image. Callers check bounds first (the loader does, once).
//
// Integers are assembled from bytes and floats bit-cast from them (memcpy), never read through a
// pointer cast, so these reads are alignment- and aliasing-safe. They do not depend on the host's
// byte order, but other readers do: f32 tensors are read in place from the image (see
// format::tensor_floats) and the SIMD kernels load packed trit rows as native words, so the
// engine is for little-endian targets only — checked here at compile time.
#ifndef ATOME_ENGINE_BYTES_H
#define ATOME_ENGINE_BYTES_H

#include <stdint.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the Atome engine reads its little-endian model images in place: little-endian "
              "targets only");
static_assert(sizeof(float) == 4 && __FLT_MANT_DIG__ == 24 && __FLT_MAX_EXP__ == 128,
              "float must be IEEE 754 binary32 (f32 tensors are read in place)");

namespace atome {

static inline uint16_t read_u16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

static inline uint32_t read_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

static inline float read_f32(const uint8_t* p) {
  const uint32_t u = read_u32(p);
  float f;
  __builtin_memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace atome

#endif  // ATOME_ENGINE_BYTES_H
