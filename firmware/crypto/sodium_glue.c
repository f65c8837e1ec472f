/* The one definition libsodium's sources need that is not cryptography and not in the files we
 * compile (firmware/crypto/libsodium.cmake): sodium_misuse, which libsodium calls on an API misuse
 * it cannot report (core.c defines it with a handler and abort(); the firmware has neither). Here
 * it stops the core: a trap is the firmware's fault path (the fault handler exits 99 under QEMU).
 * Ed25519 verification and SHA-512 never call it; utils.c's allocation helpers do. */
#include <sodium/core.h>

void sodium_misuse(void) {
  __builtin_trap();
}
