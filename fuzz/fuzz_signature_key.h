// The fuzz_signature target's pinned key: derived from a fixed seed with libsodium's
// crypto_sign_seed_keypair, so fuzz_make_seeds can sign seed models that the target then accepts
// (a mutation cannot forge a signature; the accepting path is reached from the seeds alone).
#pragma once

#include <sodium.h>

#include <cstdint>
#include <cstring>

namespace atome::fuzz {

constexpr uint8_t kSeedByte = 0x46;  // 32 copies: a test key, never a real one
constexpr uint32_t kMinVersion = 2;  // seeds are signed at versions 1 (a rollback) and 2

inline void fuzz_key_pair(uint8_t public_key[32], uint8_t secret_key[64]) {
  uint8_t seed[32];
  std::memset(seed, kSeedByte, sizeof seed);
  if (sodium_init() < 0) __builtin_trap();
  crypto_sign_seed_keypair(public_key, secret_key, seed);
}

}  // namespace atome::fuzz
