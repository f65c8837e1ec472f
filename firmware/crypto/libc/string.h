/* Declarations only (libc/README.md): memcpy and memset are firmware/boot/runtime.cpp's. */
#ifndef ATOME_FW_LIBC_STRING_H
#define ATOME_FW_LIBC_STRING_H
#include <stddef.h>
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int value, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
#endif
