// atome verify --pubkey-file P [--pubkey-file P2 ...] [--min-version N] FILE
// atome verify --receipt X.att.json --pubkey-file P X.atomecl
//
// Trusts only the keys it is given. A model: the engine's own verified load
// (atome_model_load_verified, the code the firmware runs) decides; exit 0 and one line "FILE:
// valid, ..." only when it accepts, else the one-line error with the status and the key id or
// versions involved. A receipt of the original SuperESP: its signature against the pinned keys
// (never against the key the receipt names), then the blob's SHA-256 and size. Keys and
// signatures are never printed.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli/commands.h"
#include "crypto/key_files.h"
#include "crypto/model_signing.h"
#include "crypto/receipt.h"
#include "host/errors.h"
#include "host/file_io.h"

namespace atome::cli {
namespace {

struct VerifyOptions {
  std::vector<std::string> pubkey_files;
  uint32_t min_version = 0;
  std::string receipt;
  std::string file;
};

std::string key_id_hex(const uint8_t id[8]) {
  return to_hex(id, 8);
}

std::string pinned_ids(const std::vector<atome_pinned_key>& keys) {
  std::string s;
  for (const atome_pinned_key& k : keys) {
    const KeyId id = key_id_of(k.public_key);
    s += (s.empty() ? "" : ", ") + key_id_hex(id.data());
  }
  return s;
}

// The one line for a refused model: the engine's status text, then what it concerns.
std::string refusal(atome_status st, const std::vector<uint8_t>& image,
                    const std::vector<atome_pinned_key>& keys, uint32_t min_version) {
  std::string line = std::string(atome_status_str(st)) + " (status " + std::to_string(st) + ")";
  atome_signature_info info;
  const bool has_block = atome_signature_read(image.data(), image.size(), &info) == ATOME_OK;
  if (st == ATOME_ERR_UNTRUSTED_KEY && has_block) {
    line += ": signed by key id " + key_id_hex(info.key_id) + ", pinned key id" +
            (keys.size() == 1 ? " " : "s ") + pinned_ids(keys);
  } else if (st == ATOME_ERR_BAD_SIGNATURE && has_block) {
    line += ": key id " + key_id_hex(info.key_id) + " is pinned but its signature does not verify";
  } else if (st == ATOME_ERR_ROLLBACK && has_block) {
    line += ": model version " + std::to_string(info.model_version) + " < minimum " +
            std::to_string(min_version);
  }
  return line;
}

std::vector<atome_pinned_key> read_pinned(const std::vector<std::string>& paths) {
  std::vector<atome_pinned_key> keys;
  for (const std::string& p : paths) {
    const PublicKey pk = read_public_key_file(p);
    atome_pinned_key k;
    for (size_t i = 0; i < pk.size(); ++i) k.public_key[i] = pk[i];
    keys.push_back(k);
  }
  return keys;
}

void verify_model(const VerifyOptions& o) {
  const std::vector<atome_pinned_key> keys = read_pinned(o.pubkey_files);
  const std::vector<uint8_t> image = read_file(o.file);  // operator new: aligned for the engine
  atome_model model;
  uint32_t version = 0;
  const atome_status st = atome_model_load_verified(&model, image.data(), image.size(), keys.data(),
                                                    keys.size(), o.min_version, &version);
  if (st != ATOME_OK) throw Error(o.file + ": " + refusal(st, image, keys, o.min_version));
  atome_signature_info info;
  check_status(atome_signature_read(image.data(), image.size(), &info), o.file);
  std::printf("%s: valid, signed by key id %s, model version %u\n", o.file.c_str(),
              key_id_hex(info.key_id).c_str(), version);
}

void verify_receipt_file(const VerifyOptions& o) {
  std::vector<PublicKey> pinned;
  for (const std::string& p : o.pubkey_files) pinned.push_back(read_public_key_file(p));
  const std::vector<uint8_t> text = read_file(o.receipt);
  const Receipt r = parse_receipt(std::string(text.begin(), text.end()), o.receipt);
  const std::vector<uint8_t> blob = read_file(o.file);
  const ReceiptVerdict v = verify_receipt(r, blob, pinned);
  if (!v.valid) throw Error(o.file + ": " + v.reason);
  const KeyId id = key_id_of(pinned[v.signer].data());
  std::printf(
      "%s: valid receipt %s for head '%s', signed by pinned key id %s, sha256 and %zu "
      "bytes match\n",
      o.file.c_str(), o.receipt.c_str(), r.head.c_str(), key_id_hex(id.data()).c_str(),
      blob.size());
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Verify a signed model (or an original SuperESP receipt) against pinned keys");
  cmd->add_option("--pubkey-file", o->pubkey_files,
                  "Trusted public key (NAME.pub: 64 hex digits); repeat for several")
      ->required()
      ->expected(1)  // one path per flag, so FILE stays the positional
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  CLI::Option* min_version =
      cmd->add_option("--min-version", o->min_version,
                      "Refuse a model whose version is below this (anti-rollback; default 0)");
  cmd->add_option("--receipt", o->receipt,
                  "Verify this .att.json receipt of the original SuperESP for FILE (its blob)")
      ->excludes(min_version);  // receipts have no version: a silently ignored flag would mislead
  cmd->add_option("FILE", o->file, "Signed model, or the receipt's blob with --receipt")
      ->required();
  cmd->callback([o] {
    if (o->receipt.empty()) {
      verify_model(*o);
    } else {
      verify_receipt_file(*o);
    }
  });
}

}  // namespace atome::cli
