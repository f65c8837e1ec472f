// Signs a model with the signature firmware's TEST key (firmware/app/test_keys.h) — a key whose
// secret is public knowledge (the seed 0x01..0x20), for tests only — at the test model version.
// Host program (libsodium, src/crypto/model_signing); scripts/firmware-signed.sh runs it.
//   atome_sign_test_model IN.atome OUT.atome
#include <sodium.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <vector>

#include "app/test_keys.h"
#include "crypto/model_signing.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN.atome OUT.atome\n", argv[0]);
    return 2;
  }
  if (sodium_init() < 0) {
    std::fprintf(stderr, "libsodium failed to initialise\n");
    return 1;
  }
  uint8_t seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = static_cast<uint8_t>(i + 1);
  uint8_t public_key[32];
  uint8_t secret_key[64];
  crypto_sign_seed_keypair(public_key, secret_key, seed);
  // The firmware pins the constant; a mismatch would make every check fail for the wrong reason.
  for (int i = 0; i < 32; ++i) {
    if (public_key[i] != atome_test_public_key[i]) {
      std::fprintf(stderr, "the test seed's public key differs from app/test_keys.h\n");
      return 1;
    }
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  try {
    const std::vector<uint8_t> signed_image =
        atome::sign_model_image(image, secret_key, atome_test_model_version);
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(signed_image.data()),
              static_cast<std::streamsize>(signed_image.size()));
    if (!out) {
      std::fprintf(stderr, "%s: cannot write\n", argv[2]);
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[1], e.what());
    return 1;
  }
  sodium_memzero(secret_key, sizeof secret_key);
  return 0;
}
