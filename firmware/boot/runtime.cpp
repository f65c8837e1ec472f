// What the compiler may call in a freestanding image without a C library: memcpy, memset (the
// engine uses __builtin_memcpy / __builtin_memset, which may become calls). Kept as plain loops;
// -ffreestanding stops GCC from turning them back into calls to themselves.
#include <stddef.h>
#include <stdint.h>

extern "C" {

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void* memcpy(void* dst,
                                                                           const void* src,
                                                                           size_t n) {
  uint8_t* d = static_cast<uint8_t*>(dst);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  // Word by word when both are 4-byte aligned (the engine's copies: the conv history), as any C
  // library does; the byte loop for the rest.
  if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 3u) == 0) {
    typedef uint32_t __attribute__((may_alias)) word;
    for (; n >= 4; n -= 4, d += 4, s += 4)
      *reinterpret_cast<word*>(d) = *reinterpret_cast<const word*>(s);
  }
  while (n--) *d++ = *s++;
  return dst;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void* memset(void* dst, int value,
                                                                           size_t n) {
  uint8_t* d = static_cast<uint8_t*>(dst);
  while (n--) *d++ = static_cast<uint8_t>(value);
  return dst;
}

}  // extern "C"
