// The C API from C (tests/c_api_use.c, compiled as C99) and the thin C++ API give the same tokens
// as each other.
#include <gtest/gtest.h>

#include <vector>

#include "atome/atome.hpp"
#include "model_helpers.h"
#include "random_model.h"

extern "C" int atome_c_api_generate(const void* image, size_t bytes, const char* prompt,
                                    int n_tokens, unsigned char* out);

namespace atome::test {
namespace {

TEST(Api, CAndCppApisAgree) {
  const std::vector<uint8_t> image = write_native(random_model(small_config(32, 2, 8, 5, 4), 21));
  std::vector<unsigned char> from_c(40);
  ASSERT_EQ(atome_c_api_generate(image.data(), image.size(), "Hello", 40, from_c.data()), 40);

  atome::Model model;
  ASSERT_EQ(model.load(image.data(), image.size()), ATOME_OK);
  EXPECT_EQ(model.config().d_model, 32u);
  std::vector<uint8_t> buffer(model.state_bytes(64) + 16);
  void* aligned = buffer.data() + (16 - reinterpret_cast<uintptr_t>(buffer.data()) % 16) % 16;
  atome::Session session;
  ASSERT_EQ(session.init(model, 64, aligned, model.state_bytes(64)), ATOME_OK);
  const float* logits = nullptr;
  for (const char* p = "Hello"; *p; ++p)
    ASSERT_EQ(session.step(static_cast<uint8_t>(*p), &logits), ATOME_OK);
  atome::Sampler greedy(0.0f, 1.0f, 0, 0);
  for (int i = 0; i < 40; ++i) {
    const uint32_t t = greedy.sample(logits, 256);
    EXPECT_EQ(t, from_c[i]) << "token " << i;
    ASSERT_EQ(session.step(t, &logits), ATOME_OK);
  }
  EXPECT_EQ(session.position(), 45u);
}

TEST(Api, CReportsBadModelsWithAStatus) {
  std::vector<uint8_t> image = write_native(random_model(small_config(16, 1, 8, 5, 4), 22));
  image[200] ^= 0x10;
  unsigned char out[4];
  EXPECT_EQ(atome_c_api_generate(image.data(), image.size(), "x", 4, out), -ATOME_ERR_CHECKSUM);
  EXPECT_STREQ(status_str(ATOME_ERR_CHECKSUM), atome_status_str(ATOME_ERR_CHECKSUM));
}

}  // namespace
}  // namespace atome::test
