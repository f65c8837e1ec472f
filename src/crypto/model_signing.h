// Signing native model files (FORMAT.md §8) on the host, with libsodium: the one place that
// writes a signature block. Verification is the engine's atome_model_load_verified (the same code
// the firmware runs), given pinned public keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace atome {

constexpr size_t kPublicKeyBytes = 32;
constexpr size_t kSecretKeyBytes = 64;  // libsodium's layout: 32-byte seed, then the public key

using KeyId = std::array<uint8_t, 8>;

// The first 8 bytes of SHA-512(public key): what a signed file stores to name its signer.
KeyId key_id_of(const uint8_t public_key[kPublicKeyBytes]);

// The image as it was before signing: signature block removed, flag bit 0 cleared, CRC
// recomputed. An unsigned image comes back unchanged. Throws FormatError if the image does not
// pass atome_model_load.
std::vector<uint8_t> unsigned_image(std::vector<uint8_t> image);

// Signs a valid native image (signed or not: an existing block is replaced) with the secret key
// at the given model version. The result passes atome_model_load_verified with the key's public
// half pinned and any min_version <= model_version.
std::vector<uint8_t> sign_model_image(std::vector<uint8_t> image,
                                      const uint8_t secret_key[kSecretKeyBytes],
                                      uint32_t model_version);

}  // namespace atome
