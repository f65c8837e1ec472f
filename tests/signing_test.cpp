// Signed models on the host (FORMAT.md §8): sign_model_image with libsodium, then the engine's
// atome_model_load_verified with pinned keys — each refusal status for the case it names, the
// version rule, re-signing, and that signing changes nothing a model computes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "crypto/model_signing.h"
#include "engine/format.h"
#include "host/file_io.h"
#include "host/owned_session.h"
#include "model_helpers.h"
#include "signing_helpers.h"

namespace atome::test {
namespace {

using Bytes = std::vector<uint8_t>;
using namespace atome::format;

class Signing : public ::testing::Test {
 protected:
  void SetUp() override {
    plain_ = read_file(model_60k_path());
    a_ = test_key(0xA1);
    b_ = test_key(0xB2);
  }
  Bytes sign(const TestKey& k, uint32_t version) const {
    return sign_model_image(plain_, k.secret.data(), version);
  }
  Bytes plain_;
  TestKey a_, b_;
};

TEST_F(Signing, SignedFileHasTheBlockOfFormat8) {
  const Bytes s = sign(a_, 7);
  ASSERT_EQ(s.size(), plain_.size() + kSigBlockBytes);
  EXPECT_EQ(std::memcmp(s.data() + plain_.size(), kSigMagic, sizeof kSigMagic), 0);
  atome_signature_info info;
  ASSERT_EQ(atome_signature_read(s.data(), s.size(), &info), ATOME_OK);
  EXPECT_EQ(info.model_version, 7u);
  EXPECT_EQ(info.signed_bytes, plain_.size() + 32);
  const KeyId id = key_id_of(a_.pinned.public_key);
  EXPECT_EQ(std::memcmp(info.key_id, id.data(), id.size()), 0);
}

TEST_F(Signing, PinnedKeyAcceptsAndReportsTheVersion) {
  uint32_t accepted = 0;
  EXPECT_EQ(load_verified(sign(a_, 3), {a_.pinned}, 0, &accepted), ATOME_OK);
  EXPECT_EQ(accepted, 3u);
  // Any of several pinned keys, in any position.
  EXPECT_EQ(load_verified(sign(a_, 3), {b_.pinned, a_.pinned}, 0), ATOME_OK);
}

TEST_F(Signing, WrongKeyIsUntrusted) {
  EXPECT_EQ(load_verified(sign(a_, 1), {b_.pinned}, 0), ATOME_ERR_UNTRUSTED_KEY);
  EXPECT_EQ(load_verified(sign(a_, 1), {}, 0), ATOME_ERR_UNTRUSTED_KEY);
}

TEST_F(Signing, SameKeyIdButAnotherKeyIsABadSignature) {
  // Signed by B, key id edited to A's: the id selects pinned key A, whose check must fail.
  Bytes s = sign(b_, 1);
  const KeyId id_a = key_id_of(a_.pinned.public_key);
  std::memcpy(s.data() + plain_.size() + kSigOffKeyId, id_a.data(), id_a.size());
  EXPECT_EQ(load_verified(s, {a_.pinned}, 0), ATOME_ERR_BAD_SIGNATURE);
}

TEST_F(Signing, UnsignedIsRefused) {
  EXPECT_EQ(load_verified(plain_, {a_.pinned}, 0), ATOME_ERR_UNSIGNED);
}

TEST_F(Signing, VersionBelowTheMinimumIsARollback) {
  const Bytes s = sign(a_, 5);
  EXPECT_EQ(load_verified(s, {a_.pinned}, 6), ATOME_ERR_ROLLBACK);
  EXPECT_EQ(load_verified(s, {a_.pinned}, 5), ATOME_OK);  // equal is accepted
  EXPECT_EQ(load_verified(s, {a_.pinned}, 4), ATOME_OK);
  EXPECT_EQ(load_verified(sign(a_, 0xFFFFFFFFu), {a_.pinned}, 0xFFFFFFFFu), ATOME_OK);
}

TEST_F(Signing, EditedVersionBreaksTheSignature) {
  // The version is inside the signed bytes: raising it by hand is not a way past a minimum.
  Bytes s = sign(a_, 1);
  s[plain_.size() + kSigOffVersion] = 9;
  EXPECT_EQ(load_verified(s, {a_.pinned}, 9), ATOME_ERR_BAD_SIGNATURE);
}

TEST_F(Signing, ResigningReplacesTheBlock) {
  const Bytes v1 = sign(a_, 1);
  const Bytes v2 = sign_model_image(v1, a_.secret.data(), 2);
  ASSERT_EQ(v2.size(), v1.size());  // replaced, not appended
  uint32_t accepted = 0;
  EXPECT_EQ(load_verified(v2, {a_.pinned}, 2, &accepted), ATOME_OK);
  EXPECT_EQ(accepted, 2u);
  EXPECT_EQ(load_verified(v1, {a_.pinned}, 2), ATOME_ERR_ROLLBACK);
  // Another signer takes over the same file.
  EXPECT_EQ(load_verified(sign_model_image(v2, b_.secret.data(), 3), {b_.pinned}, 3), ATOME_OK);
}

TEST_F(Signing, SigningIsDeterministicAndReversible) {
  EXPECT_EQ(sign(a_, 4), sign(a_, 4));  // Ed25519 signatures are deterministic
  EXPECT_EQ(unsigned_image(sign(a_, 4)), plain_);
  EXPECT_EQ(unsigned_image(plain_), plain_);
}

TEST_F(Signing, SignedModelComputesBitIdentically) {
  const Bytes s = sign(a_, 1);
  LoadedModel signed_model = load_native_image(s);  // the unverified load accepts it too
  LoadedModel plain_model = load_native_image(plain_);
  OwnedSession a(signed_model.model, 64, kNoStateLimit);
  OwnedSession b(plain_model.model, 64, kNoStateLimit);
  const std::string prompt = "Once upon a time, there was a little";
  for (unsigned char c : prompt) {
    const float* la = a.step(c);
    const float* lb = b.step(c);
    ASSERT_EQ(std::memcmp(la, lb, sizeof(float) * a.vocab_size()), 0) << "at byte " << c;
  }
}

TEST_F(Signing, InvalidModelIsNotSigned) {
  Bytes broken = plain_;
  broken[200] ^= 1;  // CRC mismatch
  EXPECT_THROW(sign_model_image(broken, a_.secret.data(), 1), FormatError);
}

}  // namespace
}  // namespace atome::test
