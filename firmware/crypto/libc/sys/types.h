/* Declarations only (libc/README.md): the hash includes it; nothing in it is used. */
#include <stddef.h>
