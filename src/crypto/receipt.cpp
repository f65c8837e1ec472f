#include "crypto/receipt.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "host/errors.h"

namespace atome {

namespace {

using nlohmann::json;

const json& field(const json& obj, const char* key, json::value_t type, const std::string& name) {
  const auto it = obj.find(key);
  if (it == obj.end()) throw FormatError(name + ": receipt has no \"" + key + "\" field");
  // A non-negative JSON integer parses as number_unsigned.
  if (it->type() != type)
    throw FormatError(name + ": receipt field \"" + key + "\" has the wrong type");
  return *it;
}

template <size_t N>
void hex_field(const json& obj, const char* key, std::array<uint8_t, N>& out,
               const std::string& name) {
  const std::string& hex =
      field(obj, key, json::value_t::string, name).get_ref<const std::string&>();
  if (!from_hex(hex, out.data(), N))
    throw FormatError(name + ": receipt field \"" + key + "\" is not " + std::to_string(2 * N) +
                      " hex digits");
}

}  // namespace

Receipt parse_receipt(const std::string& text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception&) {
    throw FormatError(name + ": not valid JSON");
  }
  if (!doc.is_object()) throw FormatError(name + ": not a receipt (not a JSON object)");
  const json& r = field(doc, "receipt", json::value_t::object, name);
  Receipt out;
  hex_field(doc, "signature", out.signature, name);
  if (field(r, "magic", json::value_t::string, name) != "SESPATT1")
    throw FormatError(name + ": not a SESPATT1 receipt");
  out.head = field(r, "head", json::value_t::string, name).get<std::string>();
  hex_field(r, "sha256", out.sha256, name);
  out.blob_bytes = field(r, "blob_bytes", json::value_t::number_unsigned, name).get<uint64_t>();
  hex_field(r, "pubkey", out.pubkey, name);
  // The signed message: nlohmann's object keys are sorted by byte value (Python sorts ASCII keys
  // the same way), dump() with no indent is compact with "," and ":" separators, and
  // ensure_ascii escapes every byte >= 0x7F as \uXXXX like Python (lower-case hex both). A
  // receipt whose dump cannot match (floats, invalid UTF-8) fails the signature, never passes.
  try {
    out.message = r.dump(-1, ' ', true, json::error_handler_t::strict);
  } catch (const json::exception&) {
    throw FormatError(name + ": receipt holds invalid UTF-8");
  }
  return out;
}

ReceiptVerdict verify_receipt(const Receipt& receipt, const std::vector<uint8_t>& blob,
                              const std::vector<PublicKey>& pinned) {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
  ReceiptVerdict v;
  // A byte copy of the message (a few hundred bytes) rather than a pointer cast of its chars.
  const std::vector<uint8_t> message(receipt.message.begin(), receipt.message.end());
  for (size_t k = 0; k < pinned.size(); ++k) {
    if (sodium_memcmp(pinned[k].data(), receipt.pubkey.data(), kPublicKeyBytes) == 0)
      v.pubkey_is_pinned = true;
    if (!v.signature_ok && crypto_sign_verify_detached(receipt.signature.data(), message.data(),
                                                       message.size(), pinned[k].data()) == 0) {
      v.signature_ok = true;
      v.signer = k;
    }
  }
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, blob.data(), blob.size());
  v.sha256_ok = sodium_memcmp(digest, receipt.sha256.data(), sizeof digest) == 0;
  v.size_ok = blob.size() == receipt.blob_bytes;
  v.valid = v.signature_ok && v.pubkey_is_pinned && v.sha256_ok && v.size_ok;
  // The first failing check, in order of importance; the pubkey remark rides along with a bad
  // signature because it explains it (the receipt was re-signed by the key it names).
  const std::string other_key = v.pubkey_is_pinned
                                    ? ""
                                    : " (the receipt names another public key; a key inside a "
                                      "receipt is never trusted)";
  if (!v.signature_ok) {
    v.reason = "receipt signature does not verify with the pinned key" +
               std::string(pinned.size() == 1 ? "" : "s") + other_key;
  } else if (!v.pubkey_is_pinned) {
    v.reason = "receipt verifies, but names a public key that is not pinned";
  } else if (!v.size_ok) {
    v.reason = "blob is " + std::to_string(blob.size()) + " bytes, the receipt says " +
               std::to_string(receipt.blob_bytes);
  } else if (!v.sha256_ok) {
    v.reason = "blob's SHA-256 differs from the receipt's: the blob was altered";
  }
  return v;
}

}  // namespace atome
