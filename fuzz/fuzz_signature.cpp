// libFuzzer target: signed models and the original's receipts. The first byte selects:
//   even  atome_model_load_verified on the rest, with one pinned key (fuzz_signature_key.h) and a
//         minimum version of 2. Checks: a refusal leaves no model view; an acceptance means the
//         block names the pinned key's id, the version is >= 2 and atome_model_load agrees; a
//         second, unpinned key alone is never accepted.
//   odd   parse_receipt on the rest as text, then verify_receipt against the pinned key with the
//         input as blob: FormatError or a verdict whose `valid` is the AND of its parts.
// Beyond "no crash, no ASan/UBSan report". Corpus: fuzz/make_corpus.sh (signature/).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "crypto/model_signing.h"
#include "crypto/receipt.h"
#include "fuzz_signature_key.h"
#include "host/errors.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_signature: invariant broken: %s\n", what);
  std::abort();
}

struct Keys {
  atome_pinned_key pinned{};
  atome_pinned_key other{};
  Keys() {
    uint8_t sk[64];
    atome::fuzz::fuzz_key_pair(pinned.public_key, sk);
    std::memset(other.public_key, 0, sizeof other.public_key);
    other.public_key[0] = 1;  // not the pinned key (and not even a valid point: still refused)
  }
};

void fuzz_model(const uint8_t* data, size_t size) {
  static const Keys keys;
  // An exactly sized, aligned copy: the engine reads images in place from aligned memory, and
  // ASan then sees any read past the end.
  std::vector<uint8_t> image(data, data + size);
  atome_model model{};  // an empty input is a null image: refused before the model is touched
  uint32_t version = 0;
  const atome_status st = atome_model_load_verified(
      &model, image.data(), image.size(), &keys.pinned, 1, atome::fuzz::kMinVersion, &version);
  if (st != ATOME_OK) {
    if (model.image != nullptr) fail("refused image left a model view");
    if (version != 0) fail("refused image reported a version");
  } else {
    atome_signature_info info;
    if (atome_signature_read(image.data(), image.size(), &info) != ATOME_OK)
      fail("accepted image has no readable signature block");
    const atome::KeyId id = atome::key_id_of(keys.pinned.public_key);
    if (std::memcmp(info.key_id, id.data(), id.size()) != 0) fail("accepted another key id");
    if (version < atome::fuzz::kMinVersion || version != info.model_version)
      fail("accepted version is wrong");
    atome_model plain;
    if (atome_model_load(&plain, image.data(), image.size()) != ATOME_OK)
      fail("verified load accepted what the plain load refuses");
  }
  atome_model other{};
  if (atome_model_load_verified(&other, image.data(), image.size(), &keys.other, 1, 0, nullptr) ==
      ATOME_OK)
    fail("accepted with a key that signed nothing");
}

void fuzz_receipt(const uint8_t* data, size_t size) {
  static const Keys keys;
  const std::string text(reinterpret_cast<const char*>(data), size);
  atome::Receipt r;
  try {
    r = atome::parse_receipt(text, "fuzz");
  } catch (const atome::FormatError&) {
    return;
  }
  atome::PublicKey pk;
  std::memcpy(pk.data(), keys.pinned.public_key, pk.size());
  const std::vector<uint8_t> blob(data, data + size);
  const atome::ReceiptVerdict v = atome::verify_receipt(r, blob, {pk});
  if (v.valid != (v.signature_ok && v.pubkey_is_pinned && v.sha256_ok && v.size_ok))
    fail("receipt verdict is not the AND of its checks");
  if (!v.valid && v.reason.empty()) fail("refused receipt without a reason");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    fuzz_model(data + 1, size - 1);
  } else {
    fuzz_receipt(data + 1, size - 1);
  }
  return 0;
}
