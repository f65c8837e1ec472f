/* The two cryptographic functions the engine's verified load needs (include/atome/atome.h),
 * implemented with libsodium's API and nothing else: no cryptography is written here.
 *
 * The host links Debian's libsodium (libsodium-dev). Firmware links the same library version
 * built freestanding from Debian's libsodium source package (scripts/get-libsodium-source.sh,
 * firmware/crypto/): only the Ed25519 verification and SHA-512 sources, no heap, no OS. */
#include <sodium/crypto_hash_sha512.h>
#include <sodium/crypto_sign_ed25519.h>
#include <stddef.h>
#include <stdint.h>

#include "atome/atome.h"

int atome_port_ed25519_verify(const uint8_t signature[64], const uint8_t* message,
                              size_t message_bytes, const uint8_t public_key[32]) {
  /* RFC 8032 pure Ed25519; libsodium also rejects non-canonical and small-order encodings. */
  return crypto_sign_ed25519_verify_detached(signature, message, message_bytes, public_key) == 0
             ? 0
             : -1;
}

void atome_port_sha512(const uint8_t* data, size_t bytes, uint8_t digest[64]) {
  crypto_hash_sha512(digest, data, bytes);
}
