// The original SuperESP's attestation receipts (X.att.json, ../shared/notes/original-superesp.md
// "Signing"): {"receipt": {...}, "signature": hex}, the signature being Ed25519 over the compact,
// key-sorted, ASCII-only JSON of the "receipt" object (Python's json.dumps(r, sort_keys=True,
// separators=(",", ":"))). Unlike the original, which verified against the "pubkey" written inside
// the receipt (so anyone could re-sign an altered blob), these functions trust only the pinned key.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/key_files.h"

namespace atome {

struct Receipt {
  std::string message;  // the exact bytes the original signed
  std::array<uint8_t, 64> signature{};
  std::string head;
  std::array<uint8_t, 32> sha256{};  // of the blob
  uint64_t blob_bytes = 0;
  PublicKey pubkey{};  // the key the receipt names: informative, never trusted
};

// Parses a receipt file's text. Throws FormatError (one line, prefixed with `name`) on invalid
// JSON, a missing or mistyped field, or a magic other than "SESPATT1".
Receipt parse_receipt(const std::string& text, const std::string& name);

// The verdict on a receipt and its blob against pinned keys.
struct ReceiptVerdict {
  bool valid = false;             // all of the checks below hold
  bool signature_ok = false;      // verified by one of the pinned keys
  bool pubkey_is_pinned = false;  // the receipt's own "pubkey" is one of the pinned keys
  bool sha256_ok = false;         // the blob's SHA-256 is the receipt's
  bool size_ok = false;           // the blob's length is the receipt's blob_bytes
  size_t signer = 0;              // index of the pinned key that verified (if signature_ok)
  std::string reason;             // when !valid: one line saying why
};

ReceiptVerdict verify_receipt(const Receipt& receipt, const std::vector<uint8_t>& blob,
                              const std::vector<PublicKey>& pinned);

}  // namespace atome
