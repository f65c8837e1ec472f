// The classifier metadata section of a 1.3 classifier file (docs/FORMAT.md §17): the byte layout
// as constants, its validator (run once by atome_model_load) and the in-place views the C API's
// accessors are built on. Freestanding: no heap, no floats compared (bit tests only).
#ifndef ATOME_ENGINE_CLASS_META_H
#define ATOME_ENGINE_CLASS_META_H

#include <stdint.h>

#include "atome/atome.h"
#include "engine/bytes.h"

namespace atome::class_meta {

constexpr char kMagic[8] = {'A', 'T', 'O', 'M', 'E', 'C', 'L', 'S'};
constexpr uint16_t kVersion = 1;
constexpr uint32_t kHeaderBytes = 64;

// Field offsets from the start of the section.
constexpr uint32_t kOffMagic = 0;
constexpr uint32_t kOffVersion = 8;     // u16
constexpr uint32_t kOffReserved0 = 10;  // u16 zero
constexpr uint32_t kOffSectionBytes = 12;
constexpr uint32_t kOffClasses = 16;
constexpr uint32_t kOffChannels = 20;
constexpr uint32_t kOffWindow = 24;
constexpr uint32_t kOffQuantMode = 28;
constexpr uint32_t kOffSampleRate = 32;   // f32
constexpr uint32_t kOffTemperature = 36;  // f32
constexpr uint32_t kOffAbstainRule = 40;
constexpr uint32_t kOffAbstainThreshold = 44;  // f32
constexpr uint32_t kOffParams = 48;
constexpr uint32_t kOffStringsBytes = 52;
constexpr uint32_t kOffReserved1 = 56;  // 8 bytes zero

// Limits: they bound the walk and the tokeniser, not the hardware. Banded quantisation gives each
// feature floor(256 / F) levels, at least 2.
constexpr uint32_t kMaxChannels = 256;
constexpr uint32_t kMaxWindow = 4096;
constexpr uint32_t kMaxFeatures = 4096;
constexpr uint32_t kMaxBandedFeatures = 128;
constexpr uint32_t kMaxParams = 64;

// Where the parts of a (validated) section lie, from its counts.
struct Layout {
  uint32_t n_classes, n_channels, window, n_features, n_params, strings_bytes;
  uint64_t ranges;    // f64 (vmin, vmax) per feature: the original's ranges exactly
  uint64_t channels;  // f32 (phys_min, phys_max) per channel
  uint64_t params;    // f32 value per parameter
  uint64_t strings;   // the string area
  uint64_t end;       // end of the string area; zero padding follows up to section_bytes
};

// Checks every byte of a section of `bytes` bytes for a model with `n_classes` classes:
// ATOME_OK or ATOME_ERR_BAD_METADATA. Never reads outside [section, section + bytes).

// String `index` of a validated section (order: pipeline name; per channel name, unit; per
// parameter name; per class name), NUL-terminated in place.

// ---- Implementation (inline: the loader links no extra source, so every build that has
// model_load.cpp, firmware included, validates the section; the C accessors live in
// class_meta.cpp) ----

namespace detail {

constexpr uint32_t kExpMask = 0x7F800000u;

inline bool finite_bits(uint32_t bits) {
  return (bits & kExpMask) != kExpMask;
}

// A total order on finite floats that agrees with float comparison (with -0 taken as +0), from
// their bits alone, so that an integer-only build compares no floats.
inline int64_t order_key(uint32_t bits) {
  if (bits == 0x80000000u) bits = 0;
  const int64_t magnitude = bits & 0x7FFFFFFFu;
  return (bits & 0x80000000u) ? -magnitude : magnitude;
}

// The same for binary64 (the quantisation ranges): finite, and an order key from the bits.
inline constexpr uint64_t kExpMask64 = 0x7FF0000000000000ull;
inline constexpr uint64_t kSign64 = 0x8000000000000000ull;
inline bool finite_bits64(uint64_t bits) {
  return (bits & kExpMask64) != kExpMask64;
}
inline int64_t order_key64(uint64_t bits) {
  if (bits == kSign64) bits = 0;
  const int64_t magnitude = static_cast<int64_t>(bits & ~kSign64);
  return (bits & kSign64) ? -magnitude : magnitude;
}

inline bool all_zero(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

// A string byte: printable ASCII or any byte of a multi-byte UTF-8 sequence (no control
// characters, no NUL: the terminator is the only NUL).
inline bool string_byte_ok(uint8_t b) {
  return (b >= 0x20 && b != 0x7F);
}

}  // namespace detail
using namespace detail;

inline uint64_t read_u64(const uint8_t* p) {
  return static_cast<uint64_t>(read_u32(p)) | (static_cast<uint64_t>(read_u32(p + 4)) << 32);
}

inline Layout layout(const uint8_t* s) {
  Layout l;
  l.n_classes = read_u32(s + kOffClasses);
  l.n_channels = read_u32(s + kOffChannels);
  l.window = read_u32(s + kOffWindow);
  l.n_features = l.n_channels * l.window;  // validated: no overflow
  l.n_params = read_u32(s + kOffParams);
  l.strings_bytes = read_u32(s + kOffStringsBytes);
  l.ranges = kHeaderBytes;
  l.channels = l.ranges + 16ull * l.n_features;
  l.params = l.channels + 8ull * l.n_channels;
  l.strings = l.params + 4ull * l.n_params;
  l.end = l.strings + l.strings_bytes;
  return l;
}

inline atome_status validate(const uint8_t* s, uint64_t bytes, uint32_t n_classes) {
  constexpr atome_status kBad = ATOME_ERR_BAD_METADATA;
  if (s == nullptr || bytes < kHeaderBytes) return kBad;
  for (int i = 0; i < 8; ++i) {
    if (s[kOffMagic + i] != static_cast<uint8_t>(kMagic[i])) return kBad;
  }
  if (read_u16(s + kOffVersion) != kVersion || read_u16(s + kOffReserved0) != 0) return kBad;
  if (!all_zero(s + kOffReserved1, kHeaderBytes - kOffReserved1)) return kBad;
  if (read_u32(s + kOffSectionBytes) != bytes) return kBad;
  if (read_u32(s + kOffClasses) != n_classes) return kBad;
  // Counts, each bounded before any product is formed.
  const uint32_t channels = read_u32(s + kOffChannels);
  const uint32_t window = read_u32(s + kOffWindow);
  if (channels == 0 || channels > kMaxChannels || window == 0 || window > kMaxWindow) return kBad;
  const uint32_t features = channels * window;
  if (features > kMaxFeatures) return kBad;
  const uint32_t mode = read_u32(s + kOffQuantMode);
  if (mode != ATOME_QUANT_GLOBAL && mode != ATOME_QUANT_BANDED && mode != ATOME_QUANT_CHANNEL)
    return kBad;
  if (mode == ATOME_QUANT_BANDED && features > kMaxBandedFeatures) return kBad;
  if (mode == ATOME_QUANT_CHANNEL && channels > kMaxBandedFeatures) return kBad;  // >= 2 levels
  // Scalars: sample rate finite and >= +0; temperature finite and > 0; threshold in [+0, 1].
  if (read_u32(s + kOffSampleRate) >= kExpMask) return kBad;
  const uint32_t temperature = read_u32(s + kOffTemperature);
  if (temperature == 0 || temperature >= kExpMask) return kBad;
  const uint32_t rule = read_u32(s + kOffAbstainRule);
  const uint32_t threshold = read_u32(s + kOffAbstainThreshold);
  if (rule > ATOME_ABSTAIN_MARGIN || threshold > 0x3F800000u) return kBad;
  if (rule == ATOME_ABSTAIN_NONE && threshold != 0) return kBad;
  if (read_u32(s + kOffParams) > kMaxParams) return kBad;
  // Sizes: the parts fill the section exactly, up to the zero padding to a multiple of 16.
  const Layout l = layout(s);
  if ((l.end + 15u) / 16u * 16u != bytes) return kBad;
  for (uint32_t i = 0; i < features; ++i) {
    const uint64_t lo = read_u64(s + l.ranges + 16ull * i);
    const uint64_t hi = read_u64(s + l.ranges + 16ull * i + 8);
    if (!finite_bits64(lo) || !finite_bits64(hi) || order_key64(lo) >= order_key64(hi)) return kBad;
  }
  for (uint32_t c = 0; c < channels; ++c) {
    const uint32_t lo = read_u32(s + l.channels + 8ull * c);
    const uint32_t hi = read_u32(s + l.channels + 8ull * c + 4);
    if (!finite_bits(lo) || !finite_bits(hi)) return kBad;
    const bool unknown = lo == 0 && hi == 0;
    if (!unknown && order_key(lo) >= order_key(hi)) return kBad;
  }
  for (uint32_t p = 0; p < l.n_params; ++p) {
    if (!finite_bits(read_u32(s + l.params + 4ull * p))) return kBad;
  }
  // Strings: u8 length, that many bytes, a NUL; only units may be empty.
  const uint64_t count = 1ull + 2ull * channels + l.n_params + n_classes;
  uint64_t pos = l.strings;
  for (uint64_t k = 0; k < count; ++k) {
    if (pos >= l.end) return kBad;
    const uint32_t len = s[pos];
    const bool is_unit = k >= 1 && k < 1 + 2ull * channels && (k - 1) % 2 == 1;
    if (len == 0 && !is_unit) return kBad;
    if (pos + 1 + len + 1 > l.end) return kBad;
    for (uint32_t i = 0; i < len; ++i) {
      if (!string_byte_ok(s[pos + 1 + i])) return kBad;
    }
    if (s[pos + 1 + len] != 0) return kBad;
    pos += len + 2u;
  }
  if (pos != l.end) return kBad;
  if (!all_zero(s + l.end, bytes - l.end)) return kBad;
  return ATOME_OK;
}

inline const char* string_at(const uint8_t* s, uint32_t index) {
  uint64_t pos = layout(s).strings;
  for (uint32_t k = 0; k < index; ++k) pos += s[pos] + 2u;
  return reinterpret_cast<const char*>(s + pos + 1);
}

}  // namespace atome::class_meta
#endif  // ATOME_ENGINE_CLASS_META_H
