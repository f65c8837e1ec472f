#include "crypto/model_signing.h"

#include <sodium.h>

#include <string>

#include "atome/atome.h"
#include "engine/bytes.h"
#include "engine/format.h"
#include "host/byte_io.h"
#include "host/errors.h"

namespace atome {

namespace {

void require_sodium() {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
}

void require_loadable(const std::vector<uint8_t>& image) {
  // The engine reads images in place from 4-byte-aligned memory; a vector's data is.
  atome_model model;
  const atome_status status = atome_model_load(&model, image.data(), image.size());
  if (status != ATOME_OK)
    throw FormatError(std::string("not a valid model to sign: ") + atome_status_str(status));
}

}  // namespace

KeyId key_id_of(const uint8_t public_key[kPublicKeyBytes]) {
  require_sodium();
  uint8_t digest[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(digest, public_key, kPublicKeyBytes);
  KeyId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = digest[i];
  return id;
}

std::vector<uint8_t> unsigned_image(std::vector<uint8_t> image) {
  using namespace format;
  require_loadable(image);
  const uint32_t flags = read_u32(image.data() + kOffFlags);
  if ((flags & kFlagSigned) == 0) return image;
  image.resize(read_u32(image.data() + kOffFileBytes));
  put_u32(image, kOffFlags, flags & ~kFlagSigned);
  put_u32(image, kOffCrc, image_crc32(image.data(), image.size()));
  return image;
}

std::vector<uint8_t> sign_model_image(std::vector<uint8_t> image,
                                      const uint8_t secret_key[kSecretKeyBytes],
                                      uint32_t model_version) {
  using namespace format;
  require_sodium();
  image = unsigned_image(std::move(image));
  const size_t file_bytes = image.size();
  put_u32(image, kOffFlags, read_u32(image.data() + kOffFlags) | kFlagSigned);
  put_u32(image, kOffCrc, image_crc32(image.data(), file_bytes));

  const KeyId id = key_id_of(secret_key + (kSecretKeyBytes - kPublicKeyBytes));
  append_bytes(image, kSigMagic, sizeof kSigMagic);
  append_u32(image, kSigAlgEd25519);
  append_u32(image, kSigBlockBytes);
  append_u32(image, model_version);
  append_u32(image, 0);  // reserved
  append_bytes(image, id.data(), id.size());
  uint8_t signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, image.data(), image.size(), secret_key);
  append_bytes(image, signature, sizeof signature);
  return image;
}

}  // namespace atome
