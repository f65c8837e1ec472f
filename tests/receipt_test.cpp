// The original SuperESP's attestation receipts (src/crypto/receipt.h): all 12 shipped receipts
// verify against the pinned suite key with their blobs; the JSON message is byte for byte
// Python's json.dumps(sort_keys=True, separators=(",", ":")); a blob altered and re-signed with a
// fresh key — which the original accepts, because it trusts the key inside the receipt — is
// rejected, and so are an altered blob and an edited digest.
#include "crypto/receipt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/key_files.h"
#include "fixtures.h"
#include "host/errors.h"
#include "host/file_io.h"

namespace atome::test {
namespace {

using Bytes = std::vector<uint8_t>;

std::string superesp(const std::string& file) {
  return reference_path("original-superesp/" + file);
}

std::vector<PublicKey> suite_key() {
  return {read_public_key_file(superesp("suite_pubkey.txt"))};
}

TEST(Receipt, AllTwelveShippedReceiptsVerifyAgainstThePinnedKey) {
  ATOME_REQUIRE_FIXTURE(superesp("suite_pubkey.txt"));
  for (const char* head : kOriginalSuperespHeads) {
    const std::string att = superesp(std::string(head) + ".att.json");
    const Receipt r = parse_receipt(read_text_file(att), att);
    EXPECT_EQ(r.head, head);
    const ReceiptVerdict v =
        verify_receipt(r, read_file(superesp(std::string(head) + ".atomecl")), suite_key());
    EXPECT_TRUE(v.valid) << head << ": " << v.reason;
    EXPECT_TRUE(v.signature_ok && v.pubkey_is_pinned && v.sha256_ok && v.size_ok) << head;
  }
}

TEST(Receipt, MessageIsPythonsSortedCompactAsciiJson) {
  // Expected bytes from Python 3: json.dumps(r, sort_keys=True, separators=(",", ":")) of the
  // same object (non-ASCII as \uXXXX, astral as a surrogate pair, DEL escaped, '/' not).
  const std::string text =
      R"({"receipt": {"magic": "SESPATT1", "head": "caf\u00e9\u0001/\u007f\"\\\ud83d\ude00", )"
      R"("z": [1, {"b": 2, "a": "\u2603"}], "blob_bytes": 3, "sha256": ")" +
      std::string(64, '0') + R"(", "pubkey": ")" + std::string(64, '1') +
      R"(", "Aa": true, "n": null}, "signature": ")" + std::string(128, '2') + R"("})";
  const std::string python =
      R"({"Aa":true,"blob_bytes":3,"head":"caf\u00e9\u0001/\u007f\"\\\ud83d\ude00",)"
      R"("magic":"SESPATT1","n":null,"pubkey":")" +
      std::string(64, '1') + R"(","sha256":")" + std::string(64, '0') +
      R"(","z":[1,{"a":"\u2603","b":2}]})";
  EXPECT_EQ(parse_receipt(text, "t").message, python);
}

// A receipt for `blob` as the original's signer writes one: its own fresh key inside.
std::string forged_receipt(const std::string& original_text, const Bytes& blob) {
  using nlohmann::json;
  if (sodium_init() < 0) throw Error("libsodium");
  uint8_t pk[32], sk[64];
  crypto_sign_keypair(pk, sk);
  json doc = json::parse(original_text);
  uint8_t digest[32];
  crypto_hash_sha256(digest, blob.data(), blob.size());
  doc["receipt"]["sha256"] = to_hex(digest, 32);
  doc["receipt"]["blob_bytes"] = blob.size();
  doc["receipt"]["pubkey"] = to_hex(pk, 32);
  const std::string message = parse_receipt(doc.dump(), "forged").message;
  uint8_t sig[64];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), sk);
  doc["signature"] = to_hex(sig, 64);
  return doc.dump(2);
}

TEST(Receipt, AlteredBlobResignedWithAFreshKeyIsRejected) {
  ATOME_REQUIRE_FIXTURE(superesp("air.att.json"));
  Bytes blob = read_file(superesp("air.atomecl"));
  blob[100] ^= 0x40;
  const Receipt forged =
      parse_receipt(forged_receipt(read_text_file(superesp("air.att.json")), blob), "f");
  // What the original does — trust the key the receipt names — accepts the forgery ...
  EXPECT_TRUE(verify_receipt(forged, blob, {forged.pubkey}).valid);
  // ... pinning the suite key does not.
  const ReceiptVerdict v = verify_receipt(forged, blob, suite_key());
  EXPECT_FALSE(v.valid);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_FALSE(v.pubkey_is_pinned);
  EXPECT_NE(v.reason.find("another public key"), std::string::npos) << v.reason;
}

TEST(Receipt, AlteredBlobOrEditedDigestIsRejected) {
  ATOME_REQUIRE_FIXTURE(superesp("motion.att.json"));
  const std::string text = read_text_file(superesp("motion.att.json"));
  Bytes blob = read_file(superesp("motion.atomecl"));
  const Receipt r = parse_receipt(text, "motion");
  blob[blob.size() - 1] ^= 1;
  ReceiptVerdict v = verify_receipt(r, blob, suite_key());
  EXPECT_FALSE(v.valid);
  EXPECT_TRUE(v.signature_ok);
  EXPECT_FALSE(v.sha256_ok);
  blob.push_back(0);
  EXPECT_FALSE(verify_receipt(r, blob, suite_key()).size_ok);
  // The digest edited in the receipt to match an altered blob: the signature no longer holds.
  nlohmann::json doc = nlohmann::json::parse(text);
  uint8_t digest[32];
  crypto_hash_sha256(digest, blob.data(), blob.size());
  doc["receipt"]["sha256"] = to_hex(digest, 32);
  doc["receipt"]["blob_bytes"] = blob.size();
  v = verify_receipt(parse_receipt(doc.dump(), "edited"), blob, suite_key());
  EXPECT_FALSE(v.valid);
  EXPECT_FALSE(v.signature_ok);
  EXPECT_TRUE(v.sha256_ok);
}

TEST(Receipt, MalformedReceiptsAreOneLineErrors) {
  const std::string sig = std::string(128, 'a');
  const std::string ok_fields = R"("magic":"SESPATT1","head":"h","sha256":")" +
                                std::string(64, '0') + R"(","blob_bytes":1,"pubkey":")" +
                                std::string(64, '1') + "\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"signature":")" + sig + "\"}", "no \"receipt\""},
      {R"({"receipt":{)" + ok_fields + "}}", "no \"signature\""},
      {R"({"receipt":{)" + ok_fields + R"(},"signature":"abc"})", "hex digits"},
      {R"({"receipt":{"head":"h"},"signature":")" + sig + "\"}", "no \"magic\""},
      {R"({"receipt":{"magic":"X"},"signature":")" + sig + "\"}", "not a SESPATT1"},
      {R"({"receipt":{)" + ok_fields + R"(,"blob_bytes":-1},"signature":")" + sig + "\"}",
       "wrong type"},
      {"{\"receipt\":{\"magic\":\"SESPATT1\",\"head\":\"\xff\"},\"signature\":\"" + sig + "\"}",
       "not valid JSON"},
  };
  for (const auto& [text, needle] : cases) {
    try {
      parse_receipt(text, "r.att.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const FormatError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(needle), std::string::npos) << what << " for " << text;
      EXPECT_EQ(what.find('\n'), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace atome::test
