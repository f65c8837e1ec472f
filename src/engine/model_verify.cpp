// Signed models (FORMAT.md §8): the trust decision, then the ordinary load.
//
// The signature is checked before anything beyond the few sizes that locate the block is read,
// so a forged file reaches none of the loader's parsing. The cryptography is not here: the two
// atome_port_* functions come from the build (src/crypto/ed25519_port.c over libsodium).
#include "atome/atome.h"
#include "engine/bytes.h"
#include "engine/format.h"

namespace {

using namespace atome;
using namespace atome::format;

bool same_bytes(const uint8_t* a, const uint8_t* b, uint32_t n) {
  uint8_t diff = 0;
  for (uint32_t i = 0; i < n; ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace

extern "C" atome_status atome_model_load_verified(atome_model* model, const void* image,
                                                  size_t image_bytes,
                                                  const atome_pinned_key* pinned_keys,
                                                  size_t n_pinned_keys, uint32_t min_version,
                                                  uint32_t* accepted_version) {
  if (model == nullptr || image == nullptr || (pinned_keys == nullptr && n_pinned_keys != 0))
    return ATOME_ERR_NULL_ARGUMENT;
  __builtin_memset(model, 0, sizeof *model);
  if (accepted_version != nullptr) *accepted_version = 0;
  atome_signature_info info;
  const atome_status block_status = atome_signature_read(image, image_bytes, &info);
  if (block_status != ATOME_OK) return block_status;

  // The key id only picks which pinned keys to try; each is then checked by the signature itself.
  // No key from the file is ever used.
  bool id_matched = false;
  bool verified = false;
  for (size_t k = 0; k < n_pinned_keys && !verified; ++k) {
    uint8_t digest[64];
    atome_port_sha512(pinned_keys[k].public_key, sizeof pinned_keys[k].public_key, digest);
    if (!same_bytes(digest, info.key_id, kSigKeyIdBytes)) continue;
    id_matched = true;
    verified = atome_port_ed25519_verify(info.signature, static_cast<const uint8_t*>(image),
                                         info.signed_bytes, pinned_keys[k].public_key) == 0;
  }
  if (!id_matched) return ATOME_ERR_UNTRUSTED_KEY;
  if (!verified) return ATOME_ERR_BAD_SIGNATURE;
  // Only now is the version trustworthy (it is inside the signed bytes).
  if (info.model_version < min_version) return ATOME_ERR_ROLLBACK;

  const atome_status load_status = atome_model_load(model, image, image_bytes);
  if (load_status != ATOME_OK) return load_status;
  if (accepted_version != nullptr) *accepted_version = info.model_version;
  return ATOME_OK;
}
