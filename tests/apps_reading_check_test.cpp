// The bad-reading check's integer features (apps/reading_check.cpp) on hand-made windows whose
// features are worked out below, and its refusals. Agreement with the generator's definition on
// 3,610 windows: scripts/reading-check-agreement.py (CTest AppsReadingCheckAgreement).
#include <gtest/gtest.h>

#include <vector>

#include "atome/apps.h"

namespace {

constexpr int32_t kOne = 1 << ATOME_READING_FRAC;  // 1.0 of the range in Q24

std::vector<int32_t> features(const std::vector<int32_t>& q, uint32_t frac = ATOME_READING_FRAC,
                              const uint8_t* out_frac = nullptr) {
  std::vector<int32_t> f(ATOME_READING_FEATURES, -999);
  EXPECT_EQ(atome_reading_context(q.data(), q.size(), frac, out_frac, f.data()), ATOME_APPS_OK);
  return f;
}

TEST(AppsReadingCheck, FeaturesOfHandMadeWindows) {
  // Steps of 1 code in the context (sum 14), then a step of 64 codes: log4(14 * 64) = 4 * 9 + 3
  // (896 = 0b1110000000) + 1 = 40, log4(14) = 4 * 3 + 3 + 1 = 16, log4(64) = 25.
  std::vector<int32_t> q;
  for (int t = 0; t < 15; ++t) q.push_back(1000 + (t % 2));
  q.push_back(1000 + 64);
  EXPECT_EQ(features(q), (std::vector<int32_t>{0, 1, 1, 25, 24}));
  // Stuck: the last 5 equal, a run of 3 before them; the last step is 0, the context steps sum to
  // 11 = 0b1011: log4 = 4 * 3 + 1 + 1 = 14.
  q = {10, 11, 11, 11, 12, 13, 14, 15, 16, 17, 18, 20, 20, 20, 20, 20};
  EXPECT_EQ(features(q), (std::vector<int32_t>{0, 5, 3, 0, -14}));
  // All 16 equal: no context; out of range above by 2^20 (bit length 21).
  q.assign(16, kOne + (1 << 20));
  EXPECT_EQ(features(q), (std::vector<int32_t>{21, 16, 0, 0, 0}));
  // Saturation: 1000 x the range reads as 1.5 (excess 0.5 = 2^23: 24 bits), as the normaliser.
  q.assign(16, kOne / 2);
  q[15] = INT32_MAX;
  const std::vector<int32_t> sat = features(q);
  q[15] = 3 * kOne / 2;
  EXPECT_EQ(sat, features(q));
  EXPECT_EQ(sat[0], 24);
  // The input format: the same readings in Q16 give the same features; out_frac scales them.
  std::vector<int32_t> q16(16);
  for (int t = 0; t < 16; ++t) q16[t] = (t * 37 % 11) << 12;
  std::vector<int32_t> q24(16);
  for (int t = 0; t < 16; ++t) q24[t] = q16[t] << 8;
  EXPECT_EQ(features(q16, 16), features(q24));
  const uint8_t fr[ATOME_READING_FEATURES] = {24, 0, 3, 16, 20};
  const std::vector<int32_t> plain = features(q24), scaled = features(q24, 24, fr);
  for (int i = 0; i < ATOME_READING_FEATURES; ++i)
    EXPECT_EQ(int64_t(scaled[i]), int64_t(plain[i]) * (int64_t(1) << fr[i])) << i;
}

TEST(AppsReadingCheck, RefusesBadArguments) {
  std::vector<int32_t> q(16, 0), f(ATOME_READING_FEATURES, 7);
  EXPECT_EQ(atome_reading_context(nullptr, 16, 24, nullptr, f.data()),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_reading_context(q.data(), 16, 24, nullptr, nullptr),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_reading_context(q.data(), 15, 24, nullptr, f.data()), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_reading_context(q.data(), 16, 25, nullptr, f.data()), ATOME_APPS_ERR_RANGE);
  const uint8_t fr[ATOME_READING_FEATURES] = {0, 0, 0, 0, 25};
  EXPECT_EQ(atome_reading_context(q.data(), 16, 24, fr, f.data()), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(f, std::vector<int32_t>(ATOME_READING_FEATURES, 7));  // untouched
}

}  // namespace
