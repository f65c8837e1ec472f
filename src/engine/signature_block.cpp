// The signature block's fields (FORMAT.md §8), located with the same size checks as the loader.
// No cryptography here: tools use it to report a block, model_verify.cpp to verify one.
#include "atome/atome.h"
#include "engine/bytes.h"
#include "engine/format.h"

using namespace atome;
using namespace atome::format;

extern "C" atome_status atome_signature_read(const void* image_ptr, size_t image_bytes,
                                             atome_signature_info* info) {
  if (image_ptr == nullptr || info == nullptr) return ATOME_ERR_NULL_ARGUMENT;
  __builtin_memset(info, 0, sizeof *info);
  const uint8_t* image = static_cast<const uint8_t*>(image_ptr);
  // The same size checks, in the same order, as atome_model_load (FORMAT.md §9 checks 3-9).
  if (image_bytes < 8) return ATOME_ERR_TRUNCATED;
  for (int i = 0; i < 8; ++i) {
    if (image[i] != static_cast<uint8_t>(kMagic[i])) return ATOME_ERR_BAD_MAGIC;
  }
  if (image_bytes < kHeaderBytes) return ATOME_ERR_TRUNCATED;
  if ((read_u32(image + kOffFlags) & kFlagSigned) == 0) return ATOME_ERR_UNSIGNED;
  const uint64_t file_bytes = read_u32(image + kOffFileBytes);
  const uint64_t total = file_bytes + kSigBlockBytes;
  if (image_bytes < total) return ATOME_ERR_TRUNCATED;
  if (image_bytes > total) return ATOME_ERR_SIZE_MISMATCH;
  if (file_bytes < kHeaderBytes) return ATOME_ERR_BAD_HEADER;
  const uint8_t* block = image + file_bytes;
  for (int i = 0; i < 8; ++i) {
    if (block[i] != static_cast<uint8_t>(kSigMagic[i])) return ATOME_ERR_BAD_SIGNATURE_BLOCK;
  }
  if (read_u32(block + kSigOffAlg) != kSigAlgEd25519 ||
      read_u32(block + kSigOffBlockBytes) != kSigBlockBytes ||
      read_u32(block + kSigOffReserved) != 0)
    return ATOME_ERR_BAD_SIGNATURE_BLOCK;
  info->model_version = read_u32(block + kSigOffVersion);
  __builtin_memcpy(info->key_id, block + kSigOffKeyId, kSigKeyIdBytes);
  info->signed_bytes = static_cast<size_t>(file_bytes + kSigOffSignature);
  info->signature = block + kSigOffSignature;
  return ATOME_OK;
}
