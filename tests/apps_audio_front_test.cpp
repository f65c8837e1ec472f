// The audio front end of a head (apps/audio_front.cpp): its statuses, and its frame equal to what
// the host does with the extractor's features written to a CSV (src/host/apps_stream.cpp:
// nearbyint(ldexp(v, frac)) per channel) after the generator's clip to the channel's range. The
// end-to-end path on trained heads and every core: scripts/audio-clips-prepare.sh and
// scripts/firmware-audio.sh (CTest firmware.*apps_audio*).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "host/model_file.h"

namespace atome::test {
namespace {

// 1 s of a voiced sound (harmonics of 150 Hz rising and falling) between quiet noise.
std::vector<int16_t> audio_clip(size_t n) {
  std::vector<int16_t> a(n);
  uint32_t s = 12345;
  for (size_t i = 0; i < n; ++i) {
    s = s * 1103515245u + 12345u;
    double v = double(int32_t(s >> 16) % 200);
    if (i > n / 4 && i < 3 * n / 4) {
      const double t = double(i) / 16000, env = std::sin(M_PI * double(i - n / 4) / double(n / 2));
      for (int h = 1; h < 10; ++h) v += 4000 * env * std::sin(2 * M_PI * 150 * h * t) / h;
    }
    a[i] = int16_t(std::lround(std::clamp(v, -32768.0, 32767.0)));
  }
  return a;
}

// A tokeniser as atome_tok_prepare leaves it, for C channels x T segments: channel c in
// Q(frac[c]); a physical range on the channels of phys_mask.
atome_tokenizer tokenizer(uint32_t C, uint32_t T, const std::vector<uint8_t>& frac,
                          uint32_t phys_mask, double lo, double hi) {
  atome_tokenizer tok{};
  tok.n_channels = C;
  tok.window_len = T;
  tok.n_features = C * T;
  tok.phys_mask = phys_mask;
  for (uint32_t c = 0; c < C; ++c) {
    tok.frac[c] = frac[c];
    tok.phys_min[c] = int32_t(std::ldexp(lo, frac[c]));
    tok.phys_max[c] = int32_t(std::ldexp(hi, frac[c]));
  }
  return tok;
}

// The host's frame: the Q16.16 features as doubles, rounded to Q(frac) and clipped.
std::vector<int32_t> host_frame(const std::vector<int32_t>& q16, const atome_tokenizer& tok) {
  std::vector<int32_t> out(q16.size());
  for (size_t i = 0; i < q16.size(); ++i) {
    const uint32_t c = uint32_t(i % tok.n_channels);
    double v = std::nearbyint(std::ldexp(q16[i] / 65536.0, tok.frac[c]));
    if ((tok.phys_mask >> c) & 1u)
      v = std::clamp(v, double(tok.phys_min[c]), double(tok.phys_max[c]));
    out[i] = int32_t(v);
  }
  return out;
}

TEST(AppsAudioFront, VoiceFrameIsTheHostsRoundingOfTheExtractor) {
  const std::vector<int16_t> x = audio_clip(16000);
  const atome_audio_front fe{ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN, 16000, 8, 4, 4, nullptr, 0};
  // Below, at and above Q16 (fewer bits: ties rounded half to even); channel 3 clipped to +-0.25.
  const atome_tokenizer tok = tokenizer(4, 8, {9, 16, 27, 20}, 0x8u, -0.25, 0.25);
  atome_mfcc_work work;
  std::vector<int32_t> q16(32), frame(32);
  ASSERT_EQ(atome_mfcc_cmvn_span(x.data(), x.size(), 8, 4, 4, &work, q16.data()), ATOME_APPS_OK);
  uint32_t clipped = 99;
  ASSERT_EQ(atome_audio_front_frame(&fe, &tok, x.data(), x.size(), &work, frame.data(), &clipped),
            ATOME_APPS_OK);
  EXPECT_EQ(frame, host_frame(q16, tok));
  // With a buffer for the cepstra (one pass over the clip): the same frame.
  std::vector<int32_t> ceps(ATOME_MFCC_KEPT(16000, 4)), frame_kept(32);
  atome_audio_front kept = fe;
  kept.ceps = ceps.data();
  kept.ceps_len = uint32_t(ceps.size());
  ASSERT_EQ(
      atome_audio_front_frame(&kept, &tok, x.data(), x.size(), &work, frame_kept.data(), nullptr),
      ATOME_APPS_OK);
  EXPECT_EQ(frame_kept, frame);
  uint32_t expect_clipped = 0;
  for (uint32_t t = 0; t < 8; ++t) expect_clipped += std::abs(q16[4 * t + 3]) > 16384 ? 1 : 0;
  EXPECT_EQ(clipped, expect_clipped);
  EXPECT_GT(clipped, 0u);  // CMVN features of a voiced clip reach past 0.25 sd
}

TEST(AppsAudioFront, SceneFrameIsTheHostsRoundingOfTheExtractor) {
  const std::vector<int16_t> x = audio_clip(8000);
  const atome_audio_front fe{ATOME_AUDIO_FRONT_MFCC_SCENE, 8000, 4, 0, 0, nullptr, 0};
  const atome_tokenizer tok = tokenizer(8, 4, {23, 24, 24, 24, 24, 24, 24, 24}, 0xFFu, -104, 104);
  atome_mfcc_work work;
  std::vector<int32_t> q16(32), frame(32);
  ASSERT_EQ(atome_mfcc_scene(x.data(), x.size(), 4, &work, q16.data()), ATOME_APPS_OK);
  ASSERT_EQ(atome_audio_front_frame(&fe, &tok, x.data(), x.size(), &work, frame.data(), nullptr),
            ATOME_APPS_OK);
  EXPECT_EQ(frame, host_frame(q16, tok));
}

TEST(AppsAudioFront, RefusesWhatNoClipCanFix) {
  const std::vector<int16_t> x = audio_clip(16000);
  const atome_audio_front voice{ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN, 16000, 8, 4, 4, nullptr, 0};
  const atome_tokenizer tok = tokenizer(4, 8, {16, 16, 16, 16}, 0, 0, 0);
  atome_mfcc_work work;
  int32_t frame[32];
  EXPECT_EQ(atome_audio_front_frame(nullptr, &tok, x.data(), x.size(), &work, frame, nullptr),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_audio_front_frame(&voice, &tok, x.data(), x.size(), &work, nullptr, nullptr),
            ATOME_APPS_ERR_NULL_ARGUMENT);
  // A clip of another length than the head's generator recorded.
  EXPECT_EQ(atome_audio_front_frame(&voice, &tok, x.data(), 15999, &work, frame, nullptr),
            ATOME_APPS_ERR_BAD_LENGTH);
  // A front end paired with the wrong head: another kind, segment count or channel count.
  atome_audio_front wrong = voice;
  wrong.kind = 7;
  EXPECT_EQ(atome_audio_front_frame(&wrong, &tok, x.data(), x.size(), &work, frame, nullptr),
            ATOME_APPS_ERR_BAD_CONFIG);
  wrong = voice;
  wrong.segments = 4;
  EXPECT_EQ(atome_audio_front_frame(&wrong, &tok, x.data(), x.size(), &work, frame, nullptr),
            ATOME_APPS_ERR_BAD_CONFIG);
  wrong = voice;
  wrong.kind = ATOME_AUDIO_FRONT_MFCC_SCENE;  // 8 channels per segment, the tokeniser has 4
  EXPECT_EQ(atome_audio_front_frame(&wrong, &tok, x.data(), x.size(), &work, frame, nullptr),
            ATOME_APPS_ERR_BAD_CONFIG);
  // The extractor's own refusal passes through (floor_db above its range).
  wrong = voice;
  wrong.floor_db = ATOME_MFCC_MAX_FLOOR_DB + 1;
  EXPECT_EQ(atome_audio_front_frame(&wrong, &tok, x.data(), x.size(), &work, frame, nullptr),
            ATOME_APPS_ERR_BAD_CONFIG);
}

// The front end from a model file: a head whose pipeline is not an MFCC this layer implements is
// refused. The voice and sound_scene heads' files give their generator's front end
// (scripts/audio-clips-prepare.sh compares it with spec.json on freshly trained heads).
TEST(AppsAudioFront, FromModelRefusesAnotherPipeline) {
  const ModelFile m =
      load_model_file(std::string(ATOME_SOURCE_DIR) + "/models/task-bad-reading-q15.atome");
  atome_audio_front fe{};
  EXPECT_EQ(atome_audio_front_from_model(&m.model, &fe), ATOME_APPS_ERR_BAD_CONFIG);
  EXPECT_EQ(atome_audio_front_from_model(nullptr, &fe), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_audio_front_from_model(&m.model, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
}

}  // namespace
}  // namespace atome::test
