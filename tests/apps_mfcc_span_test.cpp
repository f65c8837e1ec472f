// The voice head's endpointed front end (apps/mfcc.cpp atome_mfcc_speech_span and
// atome_mfcc_cmvn_span, data version 3) on exact inputs: where a tone between digital silence
// lies is known to the frame, and a word moved by whole hops has the same frames, so the features
// must not move at all. The float pipeline's agreement is scripts/mfcc-agreement.sh's (voice).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "atome/apps.h"

namespace atome::test {
namespace {

constexpr uint32_t kSpanFloorDb = 4;  // voice.py ENDPOINT_DB

// 1 s of digital silence with a 1 kHz tone (its period divides the hop) on [from, to).
std::vector<int16_t> span_tone_clip(size_t from, size_t to) {
  std::vector<int16_t> a(16000, 0);
  for (size_t i = from; i < to; ++i)
    a[i] = int16_t(std::lround(9830 * std::sin(2 * M_PI * 1000.0 * double(i) / 16000)));
  return a;
}

// A word-like sound: a pitch glide of harmonics whose loudness rises and falls, in [from, from +
// len) of 1 s of digital silence. Exactly the same samples wherever it starts.
std::vector<int16_t> span_word_clip(size_t from, size_t len) {
  std::vector<int16_t> a(16000, 0);
  for (size_t i = 0; i < len; ++i) {
    const double t = double(i) / 16000, f0 = 140 + 120 * t;
    double v = 0;
    for (int h = 1; h < 12; ++h) v += std::sin(2 * M_PI * h * f0 * t) / h;
    a[from + i] = int16_t(std::lround(6000 * std::sin(M_PI * double(i) / double(len)) * v));
  }
  return a;
}

TEST(AppsMfccSpan, FindsTheToneBetweenSilenceToTheFrame) {
  const struct {
    size_t from, to;      // the tone's samples
    uint32_t first, end;  // the span's frames [first, end)
  } cases[] = {
      // Frame f covers samples 160 f .. 160 f + 399: frames 18..59 hold a sample of 3200..9599.
      {3200, 9600, 18, 60},
      // A click in frames 48..50 is too short for 8 segments: widened to 8 frames around it...
      {8000, 8100, 46, 54},
      // ... and kept inside the clip at its start.
      {0, 100, 0, 8},
      // Silence: no frame over the floor, the whole clip (98 frames).
      {0, 0, 0, 98},
  };
  atome_mfcc_work work;
  for (const auto& c : cases) {
    const std::vector<int16_t> x = span_tone_clip(c.from, c.to);
    uint32_t a = 0, b = 0;
    ASSERT_EQ(atome_mfcc_speech_span(x.data(), x.size(), 8, kSpanFloorDb, &work, &a, &b),
              ATOME_APPS_OK);
    EXPECT_EQ(a, c.first) << c.from << ".." << c.to;
    EXPECT_EQ(b, c.end) << c.from << ".." << c.to;
  }
}

// What the endpoint is for: the word's onset no longer moves the segments. Moved by 7 hops, the
// clip has the same frames (the silence's are all alike), hence the same features, bit for bit;
// the whole-clip segmentation (atome_mfcc_cmvn) sees the move.
TEST(AppsMfccSpan, FeaturesIgnoreTheOnset) {
  atome_mfcc_work work;
  const std::vector<int16_t> early = span_word_clip(800, 6000), late = span_word_clip(1920, 6000);
  std::vector<int32_t> e(8 * 4), l(8 * 4), e_clip(8 * 4), l_clip(8 * 4);
  ASSERT_EQ(atome_mfcc_cmvn_span(early.data(), early.size(), 8, 4, kSpanFloorDb, &work, e.data()),
            ATOME_APPS_OK);
  ASSERT_EQ(atome_mfcc_cmvn_span(late.data(), late.size(), 8, 4, kSpanFloorDb, &work, l.data()),
            ATOME_APPS_OK);
  EXPECT_EQ(e, l);
  ASSERT_EQ(atome_mfcc_cmvn(early.data(), early.size(), 8, 4, &work, e_clip.data()), ATOME_APPS_OK);
  ASSERT_EQ(atome_mfcc_cmvn(late.data(), late.size(), 8, 4, &work, l_clip.data()), ATOME_APPS_OK);
  EXPECT_NE(e_clip, l_clip);
  // The word's own course is there: its loud middle against its quiet ends (c0, CMVN units).
  EXPECT_GT(e[3 * 4], e[0]);
  EXPECT_GT(e[4 * 4], e[7 * 4]);
}

// atome_mfcc_cmvn_span_kept (one pass, the cepstra kept) against the two passes: the same bits on
// clips whose span is a word, a tone, a click widened to the segments, the whole clip (silence,
// noise everywhere) and a clip that starts loud, at several segment and coefficient counts and
// lengths; a buffer one value short is refused before any work.
TEST(AppsMfccSpan, KeptCepstraGiveTheSameBits) {
  std::mt19937 rng(21);
  std::normal_distribution<double> g(0, 1);
  std::vector<std::vector<int16_t>> clips = {
      span_word_clip(800, 6000),  span_word_clip(9000, 4000), span_tone_clip(3200, 9600),
      span_tone_clip(7520, 7840), span_tone_clip(0, 500),     std::vector<int16_t>(16000, 0)};
  std::vector<int16_t> noise(16000), word_in_noise = span_word_clip(4000, 7000);
  for (size_t i = 0; i < noise.size(); ++i) {
    noise[i] = int16_t(std::lround(300 * g(rng)));
    word_in_noise[i] = int16_t(word_in_noise[i] + std::lround(40 * g(rng)));
  }
  clips.push_back(noise);
  clips.push_back(word_in_noise);
  clips.push_back(std::vector<int16_t>(word_in_noise.begin(), word_in_noise.begin() + 8000));
  atome_mfcc_work work;
  uint32_t compared = 0;
  for (const auto& x : clips) {
    for (uint32_t segments : {1u, 3u, 8u}) {
      for (uint32_t n_ceps : {1u, 4u, 8u}) {
        std::vector<int32_t> two(segments * n_ceps), one(segments * n_ceps, -1);
        const size_t need = ATOME_MFCC_KEPT(x.size(), n_ceps);
        std::vector<int32_t> ceps(need);
        ASSERT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), segments, n_ceps, kSpanFloorDb, &work,
                                       two.data()),
                  ATOME_APPS_OK);
        ASSERT_EQ(atome_mfcc_cmvn_span_kept(x.data(), x.size(), segments, n_ceps, kSpanFloorDb,
                                            &work, ceps.data(), need, one.data()),
                  ATOME_APPS_OK);
        EXPECT_EQ(one, two) << x.size() << " samples, " << segments << " x " << n_ceps;
        std::vector<int32_t> none(segments * n_ceps, -1);
        ASSERT_EQ(atome_mfcc_cmvn_span_kept(x.data(), x.size(), segments, n_ceps, kSpanFloorDb,
                                            &work, nullptr, 0, none.data()),
                  ATOME_APPS_OK);
        EXPECT_EQ(none, two);
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 81u);
  EXPECT_EQ(ATOME_MFCC_KEPT(16000, 4), 98u * 4);  // 1 s at c0..c3: 1,568 B
  EXPECT_EQ(ATOME_MFCC_KEPT(399, 4), 0u);
  const std::vector<int16_t>& x = clips[0];
  std::vector<int32_t> ceps(98 * 4), out(32, 7);
  EXPECT_EQ(atome_mfcc_cmvn_span_kept(x.data(), x.size(), 8, 4, kSpanFloorDb, &work, ceps.data(),
                                      98 * 4 - 1, out.data()),
            ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(out, std::vector<int32_t>(32, 7));
}

TEST(AppsMfccSpan, BadInputGetsStatuses) {
  atome_mfcc_work work;
  const std::vector<int16_t> x = span_tone_clip(3200, 9600);
  std::vector<int32_t> out(8 * 4);
  uint32_t a = 0, b = 0;
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), 8, 4, 121, &work, out.data()),
            ATOME_APPS_ERR_BAD_CONFIG);
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), 9, 4, 4, &work, out.data()),
            ATOME_APPS_ERR_BAD_CONFIG);
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), 8, 0, 4, &work, out.data()),
            ATOME_APPS_ERR_BAD_CONFIG);
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), 8, 4, 4, &work, nullptr),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_mfcc_cmvn_span(nullptr, x.size(), 8, 4, 4, &work, out.data()),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  // 7 frames cannot fill 8 segments.
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), 400 + 6 * 160, 8, 4, 4, &work, out.data()),
            ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_mfcc_speech_span(x.data(), 399, 8, 4, &work, &a, &b), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_mfcc_speech_span(x.data(), x.size(), 8, 4, &work, nullptr, &b),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  // Exactly 8 frames: the span is the clip, every segment one frame.
  EXPECT_EQ(atome_mfcc_cmvn_span(x.data(), 400 + 7 * 160, 8, 4, 4, &work, out.data()),
            ATOME_APPS_OK);
}

}  // namespace
}  // namespace atome::test
