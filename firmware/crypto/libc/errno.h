/* Declarations only (libc/README.md): utils.c sets errno only in functions the linker drops. */
#ifndef ATOME_FW_LIBC_ERRNO_H
#define ATOME_FW_LIBC_ERRNO_H
#define ENXIO 6
#define ENOMEM 12
#define EINVAL 22
#define ERANGE 34
extern int errno;
#endif
