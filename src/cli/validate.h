// Parsing and range checks for numeric flags.
//
// Numeric flags are taken from CLI11 as text and parsed here, because CLI11 2.1 lets strtoull
// wrap "-3" to 2^64 - 3 and saturates overflowing integers instead of rejecting them. Every
// rejection is a UsageError that names the flag, the accepted range and the text given, e.g.
// "--top-p must be a number in (0, 1] (got '2')".
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "host/errors.h"

namespace atome::cli {

// A decimal integer (optional leading '-') in [lo, hi].
inline uint64_t parse_uint(const std::string& text, const char* flag, uint64_t lo, uint64_t hi) {
  const bool negative = !text.empty() && text[0] == '-';
  const size_t first = negative ? 1 : 0;
  bool ok = text.size() > first && text.size() - first <= 20;
  uint64_t v = 0;
  for (size_t i = first; ok && i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) ok = false;  // overflow
    v = v * 10 + digit;
  }
  if (negative && v != 0) ok = false;  // every range here starts at 0 or above
  if (!ok || v < lo || v > hi)
    throw UsageError(std::string(flag) + " must be an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "] (got '" + text + "')");
  return v;
}

inline uint32_t parse_u32(const std::string& text, const char* flag, uint32_t lo, uint32_t hi) {
  return static_cast<uint32_t>(parse_uint(text, flag, lo, hi));
}

// A finite number in [lo, hi], or (lo, hi] when lo_open.
inline float parse_float(const std::string& text, const char* flag, double lo, bool lo_open,
                         double hi) {
  char* end = nullptr;
  errno = 0;
  const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  const bool parsed = !text.empty() && end == text.c_str() + text.size() && errno == 0;
  const bool ok = parsed && std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
  if (!ok) {
    char range[96];
    std::snprintf(range, sizeof range, "%c%g, %g]", lo_open ? '(' : '[', lo, hi);
    throw UsageError(std::string(flag) + " must be a number in " + range + " (got '" + text + "')");
  }
  return static_cast<float>(v);
}

}  // namespace atome::cli
