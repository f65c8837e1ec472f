// A fixed-size text line the firmware apps format by hand (freestanding: no printf, no heap).
#ifndef ATOME_FIRMWARE_LINE_H
#define ATOME_FIRMWARE_LINE_H

#include <stdint.h>

// Appends text to a fixed line buffer of N bytes; what does not fit is cut.
template <uint32_t N>
struct TextLine {
  char text[N];
  uint32_t used = 0;
  void put(const char* s) {
    while (*s && used + 1 < sizeof text) text[used++] = *s++;
    text[used] = 0;
  }
  void put_u32(uint32_t v) {
    char digits[10];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0 && used + 1 < sizeof text) text[used++] = digits[--n];
    text[used] = 0;
  }
  void put_i32(int32_t v) {
    if (v < 0) put("-");
    put_u32(v < 0 ? 0u - static_cast<uint32_t>(v) : static_cast<uint32_t>(v));
  }
  void put_hex32(uint32_t v) {
    for (int shift = 28; shift >= 0 && used + 1 < sizeof text; shift -= 4)
      text[used++] = "0123456789abcdef"[(v >> shift) & 0xFu];
    text[used] = 0;
  }
};

// The checks' and the generation's lines; the longest: a flip's offset and a status text.
using Line = TextLine<160>;

#endif  // ATOME_FIRMWARE_LINE_H
