// Bytes on the host side of the file formats, in one place: little-endian fields written into
// (or appended to) a byte vector, and ternary weights packed 2 bits a trit.
//
// Reads of little-endian fields are the engine's (engine/bytes.h: read_u16, read_u32, read_f32),
// so that the loader on the device and the host tools decode a field the same way. The trit code
// is the format's (docs/FORMAT.md): 0b00 = 0, 0b01 = +1, 0b11 = -1, 0b10 invalid; trit i of a
// packed run sits at bits 2*(i%4) of byte i/4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/bytes.h"

namespace atome {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the host tools write float arrays with memcpy: little-endian hosts only");

inline void put_u16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v);
  b[off + 1] = static_cast<uint8_t>(v >> 8);
}

inline void put_u32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

inline void put_f32(std::vector<uint8_t>& b, size_t off, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  put_u32(b, off, u);
}

inline void put_f64(std::vector<uint8_t>& b, size_t off, double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  put_u32(b, off, static_cast<uint32_t>(u));
  put_u32(b, off + 4, static_cast<uint32_t>(u >> 32));
}

inline void append_u32(std::vector<uint8_t>& b, uint32_t v) {
  b.resize(b.size() + 4);
  put_u32(b, b.size() - 4, v);
}

inline void append_bytes(std::vector<uint8_t>& b, const void* p, size_t n) {
  if (n == 0) return;  // memcpy from a null pointer is undefined even for 0 bytes
  const size_t at = b.size();
  b.resize(at + n);
  std::memcpy(b.data() + at, p, n);
}

// The 2-bit code of a trit in {-1, 0, +1}.
inline uint8_t trit_code(int8_t v) {
  return v == 0 ? 0u : (v > 0 ? 1u : 3u);
}

// Packs n trits (each in {-1, 0, +1}) into ceil(n/4) bytes at dst, which must be zero.
inline void pack_trits(const int8_t* trits, size_t n, uint8_t* dst) {
  for (size_t i = 0; i < n; ++i)
    dst[i / 4] |= static_cast<uint8_t>(trit_code(trits[i]) << (2 * (i % 4)));
}

// Unpacks n trits from ceil(n/4) bytes; false (out partly written) if a code is 0b10.
inline bool unpack_trits(const uint8_t* src, size_t n, int8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const unsigned code = (src[i / 4] >> (2 * (i % 4))) & 3u;
    if (code == 2) return false;
    out[i] = code == 0 ? 0 : (code == 1 ? 1 : -1);
  }
  return true;
}

// Base-3 packing (dtype trit3, docs/FORMAT.md §5.3): byte b of a run holds trits 5b .. 5b+4 as
// sum_k (t + 1) * 3^k; digits past n are 1 (trit 0). Packs n trits into ceil(n/5) bytes at dst.
inline void pack_trits3(const int8_t* trits, size_t n, uint8_t* dst) {
  for (size_t b = 0; b < (n + 4) / 5; ++b) {
    unsigned v = 0, place = 1;
    for (size_t k = 0; k < 5; ++k, place *= 3) {
      const size_t i = 5 * b + k;
      v += static_cast<unsigned>(i < n ? trits[i] + 1 : 1) * place;
    }
    dst[b] = static_cast<uint8_t>(v);
  }
}

// Unpacks n trits from ceil(n/5) bytes; false (out partly written) if a byte is 243 or more.
inline bool unpack_trits3(const uint8_t* src, size_t n, int8_t* out) {
  for (size_t i = 0; i < n; i += 5) {
    unsigned v = src[i / 5];
    if (v >= 243) return false;
    for (size_t k = 0; k < 5 && i + k < n; ++k, v /= 3) out[i + k] = static_cast<int8_t>(v % 3) - 1;
  }
  return true;
}

}  // namespace atome
