// Test helpers for signed models: deterministic key pairs (libsodium's crypto_sign_seed_keypair
// from a fixed seed, so a failure reproduces) and the repository's 60K q15 model.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "crypto/model_signing.h"
#include "host/errors.h"
#include "host/file_io.h"

namespace atome::test {

struct TestKey {
  std::array<uint8_t, kSecretKeyBytes> secret{};
  atome_pinned_key pinned{};
};

// A key pair from a seed of 32 copies of `seed_byte`.
inline TestKey test_key(uint8_t seed_byte) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  std::array<uint8_t, 32> seed;
  seed.fill(seed_byte);
  TestKey k;
  crypto_sign_seed_keypair(k.pinned.public_key, k.secret.data(), seed.data());
  return k;
}

// The published 60K q15 model (22,208 bytes, unsigned), part of the repository.
inline std::string model_60k_path() {
  return std::string(ATOME_SOURCE_DIR) + "/models/atome-stories-60k-q15.atome";
}

inline atome_status load_verified(const std::vector<uint8_t>& image,
                                  const std::vector<atome_pinned_key>& keys, uint32_t min_version,
                                  uint32_t* accepted = nullptr) {
  atome_model m;
  uint32_t v = 0;
  const atome_status st = atome_model_load_verified(&m, image.data(), image.size(), keys.data(),
                                                    keys.size(), min_version, &v);
  if (accepted != nullptr) *accepted = v;
  return st;
}

}  // namespace atome::test
