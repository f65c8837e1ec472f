// Every single-bit flip of a signed 60K model is refused by atome_model_load_verified: 22,304
// bytes (22,208 + the 96-byte block), 178,432 flips, none accepted. The statuses' histogram is
// printed (each flip lands in one of the checks FORMAT.md §8 lists, in its order).
//
// All flips in every build: the time goes to SHA-512 and Ed25519 in libsodium, which the ASan
// build does not instrument (about 14 s in release and under ASan+UBSan alike on this machine),
// so no sampling is needed there.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <vector>

#include "crypto/model_signing.h"
#include "engine/format.h"
#include "host/file_io.h"
#include "signing_helpers.h"

namespace atome::test {
namespace {

TEST(SigningBitFlip, EverySingleBitFlipIsRefused) {
  const TestKey key = test_key(0x5C);
  // Exactly sized: ASan reports any read past the end.
  std::vector<uint8_t> image = sign_model_image(read_file(model_60k_path()), key.secret.data(), 9);
  ASSERT_EQ(load_verified(image, {key.pinned}, 9), ATOME_OK);

  std::map<atome_status, size_t> histogram;
  size_t flips = 0, accepted = 0;
  for (size_t bit = 0; bit < image.size() * 8; ++bit) {
    const size_t byte = bit / 8;
    image[byte] ^= static_cast<uint8_t>(1u << (bit % 8));
    const atome_status st = load_verified(image, {key.pinned}, 0);
    image[byte] ^= static_cast<uint8_t>(1u << (bit % 8));
    ++flips;
    ++histogram[st];
    if (st == ATOME_OK && ++accepted <= 10) ADD_FAILURE() << "flip of bit " << bit << " accepted";
  }
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(flips, 178432u);
  std::printf("%zu single-bit flips of a %zu-byte signed model, statuses:\n", flips, image.size());
  for (const auto& [status, count] : histogram)
    std::printf("  %2d %-70s %zu\n", static_cast<int>(status), atome_status_str(status), count);
  ASSERT_EQ(load_verified(image, {key.pinned}, 9), ATOME_OK) << "flips were not undone";
}

}  // namespace
}  // namespace atome::test
