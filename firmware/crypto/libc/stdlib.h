/* Declarations only (libc/README.md): none of these is defined; the verifier never calls them. */
#ifndef ATOME_FW_LIBC_STDLIB_H
#define ATOME_FW_LIBC_STDLIB_H
#include <stddef.h>
void* malloc(size_t size);
void free(void* ptr);
void abort(void);
#endif
