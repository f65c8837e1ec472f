// Ed25519 key files for `atome keygen / sign / verify`, as hex text (one line, newline-ended):
//   NAME.key  the 64-byte libsodium secret key (seed, then public key): 128 hex digits, mode 0600;
//   NAME.pub  the 32-byte public key: 64 hex digits (the format of the original's
//             suite_pubkey.txt, so its pinned key reads as is).
// Every failure throws an atome::Error subclass with one line naming the file; no message ever
// contains key material.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "crypto/model_signing.h"

namespace atome {

using PublicKey = std::array<uint8_t, kPublicKeyBytes>;

// A secret key that wipes itself (sodium_memzero) when it goes out of scope.
class SecretKey {
 public:
  SecretKey() = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  PublicKey public_key() const;  // the second half of libsodium's layout

 private:
  std::array<uint8_t, kSecretKeyBytes> bytes_{};
};

// A fresh key pair from libsodium's CSPRNG.
void generate_key(SecretKey& out);

// Writes NAME.key (created exclusively, mode 0600 whatever the umask) and NAME.pub (created
// exclusively). Refuses, before writing anything, when either file exists; if NAME.pub cannot be
// created, NAME.key is removed again so that no half pair is left.
void write_key_pair(const std::string& name, const SecretKey& key);

// Reads a .key file. Refuses a file that group or others may access (like ssh with private keys),
// one that is not exactly 128 hex digits (whitespace around them allowed), and one whose public
// half is not the public key of its seed (a corrupted or hand-edited file).
void read_secret_key_file(const std::string& path, SecretKey& out);

// Reads a .pub file: exactly 64 hex digits, whitespace around them allowed.
PublicKey read_public_key_file(const std::string& path);

// Lower-case hex of any bytes (for key ids and digests; never used on secrets in messages).
std::string to_hex(const uint8_t* bytes, size_t n);

// Decodes exactly n bytes of hex (2n digits, nothing else); false on anything else.
bool from_hex(const std::string& hex, uint8_t* out, size_t n);

}  // namespace atome
