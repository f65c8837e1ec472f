// The TEST signing key of the signed-model firmware tests: NOT a production key. Its secret half
// is public knowledge — the libsodium seed 0x01, 0x02, ..., 0x20 (firmware/tools/
// sign_test_model.cpp signs with crypto_sign_seed_keypair of it and checks that the public half is
// this one). A device pins a key of its vendor's instead.
#ifndef ATOME_FIRMWARE_TEST_KEYS_H
#define ATOME_FIRMWARE_TEST_KEYS_H

#include <stdint.h>

static const uint8_t atome_test_public_key[32] = {
    0x79, 0xb5, 0x56, 0x2e, 0x8f, 0xe6, 0x54, 0xf9, 0x40, 0x78, 0xb1, 0x12, 0xe8, 0xa9, 0x8b, 0xa7,
    0x90, 0x1f, 0x85, 0x3a, 0xe6, 0x95, 0xbe, 0xd7, 0xe0, 0xe3, 0x91, 0x0b, 0xad, 0x04, 0x96, 0x64,
};

// The model_version the test model is signed with; the firmware checks min_version above it.
static const uint32_t atome_test_model_version = 7;

#endif  // ATOME_FIRMWARE_TEST_KEYS_H
