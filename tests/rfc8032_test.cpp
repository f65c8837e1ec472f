// The crypto port (atome_port_ed25519_verify, libsodium on the host) against the RFC 8032 §7.1
// test vectors: each verifies, and each with any one bit flipped — in the message, the signature
// or the public key — does not; and libsodium signing from each seed gives the RFC's key and
// signature. The vectors are in rfc8032_vectors.h, shared with the firmware.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "atome/atome.h"
#include "rfc8032_vectors.h"

namespace atome::test {
namespace {

using Bytes = std::vector<uint8_t>;

// Copies, so that each flip is made on exactly sized buffers (ASan sees any overread).
struct Case {
  Bytes key, message, signature;
  explicit Case(const rfc8032_vector& v)
      : key(v.public_key, v.public_key + 32),
        message(v.message, v.message + v.message_bytes),
        signature(v.signature, v.signature + 64) {}
  bool verifies() const {
    return atome_port_ed25519_verify(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
  }
};

// Flips every bit of `bytes` in turn; returns how many flips still verified.
size_t accepted_flips(Case& c, Bytes& bytes) {
  size_t accepted = 0;
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    if (c.verifies()) ++accepted;
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  return accepted;
}

TEST(Rfc8032, EveryVectorVerifies) {
  ASSERT_EQ(rfc8032_vector_count, 5u);
  for (const rfc8032_vector& v : rfc8032_vectors) {
    EXPECT_TRUE(Case(v).verifies()) << v.name;
  }
}

TEST(Rfc8032, SigningFromTheSeedGivesTheVectorsKeyAndSignature) {
  // The host signer (libsodium, as sign_model_image uses it) reproduces the RFC's outputs.
  ASSERT_GE(sodium_init(), 0);
  for (const rfc8032_vector& v : rfc8032_vectors) {
    uint8_t pk[32], sk[64], sig[64];
    crypto_sign_seed_keypair(pk, sk, v.seed);
    EXPECT_EQ(std::memcmp(pk, v.public_key, 32), 0) << v.name;
    crypto_sign_detached(sig, nullptr, v.message, v.message_bytes, sk);
    EXPECT_EQ(std::memcmp(sig, v.signature, 64), 0) << v.name;
  }
}

TEST(Rfc8032, AnyFlippedBitIsRejected) {
  for (const rfc8032_vector& v : rfc8032_vectors) {
    Case c(v);
    ASSERT_TRUE(c.verifies()) << v.name;
    EXPECT_EQ(accepted_flips(c, c.message), 0u) << v.name << ": a message bit flip verified";
    EXPECT_EQ(accepted_flips(c, c.signature), 0u) << v.name << ": a signature bit flip verified";
    EXPECT_EQ(accepted_flips(c, c.key), 0u) << v.name << ": a public key bit flip verified";
    ASSERT_TRUE(c.verifies()) << v.name << ": flips were not undone";
  }
}

TEST(Rfc8032, SignatureOfAnotherVectorIsRejected) {
  // Each signature only verifies its own key and message.
  for (size_t i = 0; i < rfc8032_vector_count; ++i) {
    Case c(rfc8032_vectors[i]);
    const rfc8032_vector& other = rfc8032_vectors[(i + 1) % rfc8032_vector_count];
    c.signature.assign(other.signature, other.signature + 64);
    EXPECT_FALSE(c.verifies()) << rfc8032_vectors[i].name;
  }
}

}  // namespace
}  // namespace atome::test
