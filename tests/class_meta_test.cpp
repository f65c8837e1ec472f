// The classifier metadata section (FORMAT.md §17): round trip through the writer and the engine's
// accessors, every corruption rejected with its status (the CRC covers the section), the
// unembedding gone yet the class logits unchanged, and the feature tokeniser against the
// original's tokenisation.
#include "engine/class_meta.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>

#include "engine/format.h"
#include "fixtures.h"
#include "host/byte_io.h"
#include "host/class_spec.h"
#include "host/feature_tokenize.h"
#include "host/model_file.h"
#include "host/owned_session.h"
#include "host/tok_json.h"
#include "model_helpers.h"
#include "random_model.h"

namespace atome::test {
namespace {

using namespace format;

ClassSpec sample_spec() {
  ClassSpec s;
  s.classes = {"quiet", "alarm", "glass_break"};
  s.channels = {{"rms", "dBFS", -120.0f, 0.0f}, {"zcr", "", 0.0f, 0.0f}};
  s.window = 3;
  s.sample_rate_hz = 16000.0f;
  s.pipeline = "mfcc";
  s.params = {{"n_mels", 26.0f}, {"win", 400.0f}};
  s.quant_mode = ATOME_QUANT_GLOBAL;
  for (int i = 0; i < 6; ++i) {
    s.vmin.push_back(-1.0 - 0.1 * i);
    s.vmax.push_back(2.0 + 1.0 / 3.0 * i);  // not representable in binary32: kept in binary64
  }
  s.temperature = 1.7f;
  s.abstain_rule = ATOME_ABSTAIN_MAX_PROB;
  s.abstain_threshold = 0.55f;
  return s;
}

HostModel classifier() {
  return random_model(small_config(16, 2, 4, 3, 2, ATOME_PATH_ALL, 3), 7);
}

std::vector<uint8_t> native_with_spec() {
  return write_native(with_class_spec(classifier(), sample_spec()));
}

atome_status load_class_image(const std::vector<uint8_t>& image) {
  AlignedBuffer buf(image.size());
  std::memcpy(buf.data(), image.data(), image.size());
  atome_model m;
  return atome_model_load(&m, buf.data(), image.size());
}

// Offset of the section in a file.
size_t meta_offset(const std::vector<uint8_t>& f) {
  return read_u32(f.data() + kOffMetaOffset);
}

void refresh_crc(std::vector<uint8_t>& f) {
  put_u32(f, kOffCrc, image_crc32(f.data(), f.size()));
}

TEST(ClassMeta, RoundTripsThroughWriterAndAccessors) {
  const std::vector<uint8_t> image = native_with_spec();
  EXPECT_EQ(read_u16(image.data() + kOffVersionMinor), kVersionMinorClassMeta);
  const ModelFile f = model_from_image(image, "spec");
  ASSERT_NE(f.model.class_meta, nullptr);
  EXPECT_EQ(f.model.config.no_unembed, 1u);
  EXPECT_EQ(f.model.unembed.data, nullptr);
  const ClassSpec a = sample_spec(), b = class_spec_of(f.model);
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.window, b.window);
  EXPECT_EQ(a.pipeline, b.pipeline);
  EXPECT_EQ(a.vmin, b.vmin);  // binary64, bit for bit
  EXPECT_EQ(a.vmax, b.vmax);
  ASSERT_EQ(a.channels.size(), b.channels.size());
  EXPECT_EQ(b.channels[0].unit, "dBFS");
  EXPECT_EQ(b.channels[1].unit, "");
  EXPECT_EQ(b.channels[0].phys_min, -120.0f);
  EXPECT_EQ(b.params[1].name, "win");
  EXPECT_EQ(b.params[1].value, 400.0f);
  EXPECT_EQ(b.temperature, 1.7f);
  EXPECT_EQ(b.abstain_rule, static_cast<uint32_t>(ATOME_ABSTAIN_MAX_PROB));
  EXPECT_EQ(b.abstain_threshold, 0.55f);
  // read_native -> write_native reproduces the file byte for byte.
  EXPECT_EQ(write_native(read_native(image)), image);
  // Index errors and models without a section.
  const char* name = nullptr;
  EXPECT_EQ(atome_model_class_name(&f.model, 3, &name), ATOME_ERR_BAD_ARGUMENT);
  const ModelFile plain = model_from_image(write_native(classifier()), "plain");
  atome_class_info info;
  EXPECT_EQ(atome_model_class_info(&plain.model, &info), ATOME_ERR_NO_METADATA);
}

TEST(ClassMeta, DroppingTheUnembeddingKeepsTheClassLogits) {
  const ModelFile with = model_from_image(write_native(classifier()), "with");
  const ModelFile without = model_from_image(native_with_spec(), "without");
  OwnedSession a(with.model, 8, kNoStateLimit), b(without.model, 8, kNoStateLimit);
  for (uint32_t t : {3u, 200u, 17u}) {
    ASSERT_EQ(atome_step_no_logits(a.get(), t), ATOME_OK);
    ASSERT_EQ(atome_step_no_logits(b.get(), t), ATOME_OK);
  }
  float la[3], lb[3];
  ASSERT_EQ(atome_session_class_logits(a.get(), la, 3), ATOME_OK);
  ASSERT_EQ(atome_session_class_logits(b.get(), lb, 3), ATOME_OK);
  EXPECT_EQ(std::memcmp(la, lb, sizeof la), 0);
  // No next-token logits from a file without an unembedding.
  const float* logits = nullptr;
  EXPECT_EQ(atome_step(b.get(), 1, &logits), ATOME_ERR_NO_UNEMBED);
}

TEST(ClassMeta, CrcCoversTheSection) {
  std::vector<uint8_t> f = native_with_spec();
  f[meta_offset(f) + class_meta::kHeaderBytes + 3] ^= 0x10;  // inside a range
  EXPECT_EQ(load_class_image(f), ATOME_ERR_CHECKSUM);
}

// Each corruption, CRC refreshed so that the section's own check must catch it.
TEST(ClassMeta, EveryCorruptionIsRejected) {
  using Edit = std::function<void(std::vector<uint8_t>&, size_t)>;
  const size_t ranges = class_meta::kHeaderBytes;
  const size_t channels = ranges + 16 * 6, params = channels + 8 * 2, strings = params + 8;
  struct Case {
    const char* what;
    Edit edit;
    atome_status want;
  };
  const std::vector<Case> cases = {
      {"magic", [](auto& f, size_t m) { f[m] = 'X'; }, ATOME_ERR_BAD_METADATA},
      {"version", [](auto& f, size_t m) { f[m + 8] = 2; }, ATOME_ERR_BAD_METADATA},
      {"reserved u16", [](auto& f, size_t m) { f[m + 10] = 1; }, ATOME_ERR_BAD_METADATA},
      {"reserved tail", [](auto& f, size_t m) { f[m + 60] = 1; }, ATOME_ERR_BAD_METADATA},
      {"section bytes", [](auto& f, size_t m) { put_u32(f, m + 12, 16); }, ATOME_ERR_BAD_METADATA},
      {"class count", [](auto& f, size_t m) { put_u32(f, m + 16, 4); }, ATOME_ERR_BAD_METADATA},
      {"no channels", [](auto& f, size_t m) { put_u32(f, m + 20, 0); }, ATOME_ERR_BAD_METADATA},
      {"huge channels", [](auto& f, size_t m) { put_u32(f, m + 20, 0xFFFFFFFFu); },
       ATOME_ERR_BAD_METADATA},
      {"huge window", [](auto& f, size_t m) { put_u32(f, m + 24, 0x10000000u); },
       ATOME_ERR_BAD_METADATA},
      {"window changes size", [](auto& f, size_t m) { put_u32(f, m + 24, 4); },
       ATOME_ERR_BAD_METADATA},
      {"quant mode 4", [](auto& f, size_t m) { put_u32(f, m + 28, 4); }, ATOME_ERR_BAD_METADATA},
      {"quant mode 0", [](auto& f, size_t m) { put_u32(f, m + 28, 0); }, ATOME_ERR_BAD_METADATA},
      {"sample rate NaN", [](auto& f, size_t m) { put_u32(f, m + 32, 0x7FC00000u); },
       ATOME_ERR_BAD_METADATA},
      {"sample rate < 0", [](auto& f, size_t m) { put_f32(f, m + 32, -1.0f); },
       ATOME_ERR_BAD_METADATA},
      {"temperature 0", [](auto& f, size_t m) { put_f32(f, m + 36, 0.0f); },
       ATOME_ERR_BAD_METADATA},
      {"temperature inf", [](auto& f, size_t m) { put_u32(f, m + 36, 0x7F800000u); },
       ATOME_ERR_BAD_METADATA},
      {"abstain rule", [](auto& f, size_t m) { put_u32(f, m + 40, 3); }, ATOME_ERR_BAD_METADATA},
      {"threshold > 1", [](auto& f, size_t m) { put_f32(f, m + 44, 1.5f); },
       ATOME_ERR_BAD_METADATA},
      {"threshold without rule", [](auto& f, size_t m) { put_u32(f, m + 40, 0); },
       ATOME_ERR_BAD_METADATA},
      {"too many params", [](auto& f, size_t m) { put_u32(f, m + 48, 65); },
       ATOME_ERR_BAD_METADATA},
      {"strings bytes", [](auto& f, size_t m) { put_u32(f, m + 52, 1); }, ATOME_ERR_BAD_METADATA},
      {"vmin == vmax",
       [&](auto& f, size_t m) { std::memcpy(&f[m + ranges], &f[m + ranges + 8], 8); },
       ATOME_ERR_BAD_METADATA},
      {"vmax NaN", [&](auto& f, size_t m) { put_u32(f, m + ranges + 12, 0x7FF80000u); },
       ATOME_ERR_BAD_METADATA},
      {"phys min > max", [&](auto& f, size_t m) { put_f32(f, m + channels, 5.0f); },
       ATOME_ERR_BAD_METADATA},
      {"param inf", [&](auto& f, size_t m) { put_u32(f, m + params, 0x7F800000u); },
       ATOME_ERR_BAD_METADATA},
      {"string length", [&](auto& f, size_t m) { f[m + strings] = 200; }, ATOME_ERR_BAD_METADATA},
      {"empty class name",
       [&](auto& f, size_t m) {
         // the last string is "glass_break": make its length 0 (its bytes then break the walk)
         const size_t last = m + strings + (2 + 4) + (2 + 3) + (2 + 4) + (2 + 3) + (2 + 0) +
                             (2 + 6) + (2 + 3) + (2 + 5) + (2 + 5);
         f[last] = 0;
       },
       ATOME_ERR_BAD_METADATA},
      {"string terminator", [&](auto& f, size_t m) { f[m + strings + 1 + 4] = 'x'; },
       ATOME_ERR_BAD_METADATA},
      {"control char", [&](auto& f, size_t m) { f[m + strings + 1] = '\n'; },
       ATOME_ERR_BAD_METADATA},
      {"padding", [](auto& f, size_t m) { f[m + read_u32(&f[m + 12]) - 1] = 1; },
       ATOME_ERR_BAD_METADATA},
      {"section offset misaligned",
       [](auto& f, size_t) { put_u32(f, kOffMetaOffset, 8 + read_u32(&f[kOffMetaOffset])); },
       ATOME_ERR_BAD_HEADER},
      {"section overlaps table", [](auto& f, size_t) { put_u32(f, kOffMetaOffset, 128); },
       ATOME_ERR_BAD_HEADER},
      {"section past payload",
       [](auto& f, size_t) { put_u32(f, kOffMetaBytes, 16 + read_u32(&f[kOffMetaBytes])); },
       ATOME_ERR_BAD_HEADER},
      {"no section", [](auto& f, size_t) { put_u32(f, kOffMetaBytes, 0); }, ATOME_ERR_BAD_HEADER},
      {"1.2 reader view", [](auto& f, size_t) { put_u16(f, kOffVersionMinor, 2); },
       ATOME_ERR_BAD_HEADER},
      {"reserved after fields", [](auto& f, size_t) { f[kOffReservedClassMeta] = 1; },
       ATOME_ERR_BAD_HEADER},
  };
  const std::vector<uint8_t> good = native_with_spec();
  ASSERT_EQ(load_class_image(good), ATOME_OK);
  for (const Case& c : cases) {
    std::vector<uint8_t> f = good;
    c.edit(f, meta_offset(f));
    refresh_crc(f);
    EXPECT_EQ(load_class_image(f), c.want)
        << c.what << ": " << atome_status_str(load_class_image(f));
  }
}

TEST(ClassMeta, LmWithSectionFieldsIsRejected) {
  std::vector<uint8_t> f = write_native(random_model(small_config(16, 1, 4, 3, 2, 7, 0), 1));
  put_u16(f, kOffVersionMinor, kVersionMinorClassMeta);
  put_u32(f, kOffMetaOffset, 256);
  refresh_crc(f);
  EXPECT_EQ(load_class_image(f), ATOME_ERR_BAD_HEADER);
  put_u32(f, kOffMetaOffset, 0);
  refresh_crc(f);
  EXPECT_EQ(load_class_image(f), ATOME_OK);  // a 1.3 LM with zero section fields is an LM
}

TEST(ClassMeta, WriterRefusesInvalidSpecs) {
  ClassSpec s = sample_spec();
  s.temperature = 0.0f;
  EXPECT_THROW(encode_class_meta(s), FormatError);
  s = sample_spec();
  s.vmin.pop_back();
  EXPECT_THROW(encode_class_meta(s), FormatError);
  s = sample_spec();
  s.classes.push_back("");
  EXPECT_THROW(encode_class_meta(s), FormatError);
  s = sample_spec();
  EXPECT_THROW(with_class_spec(random_model(small_config(16, 1, 4, 3, 2, 7, 2), 1), s),
               FormatError);  // 3 names for 2 classes
}

// The original's tokenisation (notes/original-superesp.md), written as it reads: scale into
// vmin..vmax, round to nearest even, clip to the byte (global) or band i*B + round(x (B-1)).
uint32_t original_token(double x, double lo, double hi, uint32_t i, uint32_t F, bool banded) {
  const double u = (x - lo) / (hi - lo);
  if (!banded)
    return static_cast<uint32_t>(std::min(255.0, std::max(0.0, std::nearbyint(u * 255))));
  const uint32_t B = 256 / F;
  const double c = std::min(1.0, std::max(0.0, u));
  return i * B + static_cast<uint32_t>(std::nearbyint(c * (B - 1)));
}

TEST(FeatureTokenize, HandValues) {
  ClassSpec s;
  s.channels = {{"a", "", 0, 0}, {"b", "", 0, 0}};
  s.vmin = {0.0, -1.0};
  s.vmax = {1.0, 1.0};
  EXPECT_EQ(tokenize_features(s, {0.5, 1.0}), (std::vector<uint32_t>{128, 255}));  // 127.5 -> 128
  EXPECT_EQ(tokenize_features(s, {-3.0, 7.0}), (std::vector<uint32_t>{0, 255}));
  EXPECT_EQ(tokenize_features(s, {0.5 / 255, 0.0}), (std::vector<uint32_t>{0, 128}));  // 0.5 -> 0
  s.quant_mode = ATOME_QUANT_BANDED;                                                   // B = 128
  EXPECT_EQ(tokenize_features(s, {1.0, 1.0}), (std::vector<uint32_t>{127, 255}));
  EXPECT_EQ(tokenize_features(s, {-1.0, -1.0}), (std::vector<uint32_t>{0, 128}));
  // channel: C = 2 bands of 128 levels, by channel whatever the timestep (T = 2 here).
  s.quant_mode = ATOME_QUANT_CHANNEL;
  s.window = 2;
  s.vmin = {0.0, -1.0, 0.0, -1.0};
  s.vmax = {1.0, 1.0, 1.0, 1.0};
  EXPECT_EQ(tokenize_features(s, {1.0, 1.0, 0.0, -1.0}), (std::vector<uint32_t>{127, 255, 0, 128}));
  EXPECT_EQ(tokenize_features(s, {0.5, 0.0, 0.5, 0.0}),  // 63.5 -> 64 (ties to even)
            (std::vector<uint32_t>{64, 192, 64, 192}));
}

// feature_band (what the trainer's --jitter keeps tokens inside) is the band the tokeniser uses:
// a feature's lowest and highest values give its first and last token, in every mode.
TEST(FeatureTokenize, FeatureBandIsTheTokenisersBand) {
  ClassSpec s;
  s.channels = {{"a", "", 0, 0}, {"b", "", 0, 0}, {"c", "", 0, 0}};
  s.window = 3;  // F = 9: banded 28 levels, channel 85
  s.vmin.assign(9, -1.0);
  s.vmax.assign(9, 2.0);
  for (uint32_t mode : {ATOME_QUANT_GLOBAL, ATOME_QUANT_BANDED, ATOME_QUANT_CHANNEL}) {
    s.quant_mode = mode;
    const std::vector<uint32_t> lo = tokenize_features(s, std::vector<double>(9, -1.0));
    const std::vector<uint32_t> hi = tokenize_features(s, std::vector<double>(9, 2.0));
    for (uint32_t i = 0; i < 9; ++i) {
      const FeatureBand b = feature_band(s, i);
      EXPECT_EQ(lo[i], b.first) << "mode " << mode << " feature " << i;
      EXPECT_EQ(hi[i], b.first + b.levels - 1) << "mode " << mode << " feature " << i;
      EXPECT_LE(b.first + b.levels, 256u);
    }
  }
  // FORMAT.md §17.4's numbers for feature 4 (channel 1, timestep 1).
  s.quant_mode = ATOME_QUANT_CHANNEL;
  EXPECT_EQ(feature_band(s, 4).first, 85u);
  EXPECT_EQ(feature_band(s, 4).levels, 85u);
  s.quant_mode = ATOME_QUANT_BANDED;
  EXPECT_EQ(feature_band(s, 4).first, 4u * 28u);
  EXPECT_EQ(feature_band(s, 4).levels, 28u);
  s.quant_mode = ATOME_QUANT_GLOBAL;
  EXPECT_EQ(feature_band(s, 4).first, 0u);
  EXPECT_EQ(feature_band(s, 4).levels, 256u);
}

TEST(FeatureTokenize, MatchesTheOriginalOnEveryHeadsRanges) {
  const std::string dir = reference_path("original-superesp");
  ATOME_REQUIRE_FIXTURE(dir + "/agri.tok.json");
  std::mt19937_64 rng(11);
  int rows = 0;
  for (const char* head : {"agri", "voice", "motion", "sound_scene", "anomaly", "air", "os_telem",
                           "power", "occupancy", "wearable", "water", "forecast"}) {
    const TokJson tok = read_tok_json(dir + "/" + head + ".tok.json");
    const bool banded = std::string(head) == "voice";
    ClassSpec s;
    s.quant_mode = banded ? ATOME_QUANT_BANDED : ATOME_QUANT_GLOBAL;
    const uint32_t F = static_cast<uint32_t>(tok.vmin.size());
    for (uint32_t i = 0; i < F; ++i) s.channels.push_back({"f" + std::to_string(i), "", 0, 0});
    s.vmin = tok.vmin;
    s.vmax = tok.vmax;
    // Through the file: the ranges the tokeniser reads are the section's, not the json's.
    s.classes = {"a"};
    const HostModel m = with_class_spec(random_model(small_config(16, 1, 4, 3, 2, 7, 1), 3), s);
    const ModelFile f = model_from_image(write_native(m), head);
    const ClassSpec back = class_spec_of(f.model);
    for (int r = 0; r < 200; ++r, ++rows) {
      std::vector<double> row(F);
      std::vector<uint32_t> want(F);
      for (uint32_t i = 0; i < F; ++i) {
        // 10% beyond each end, to cover clipping.
        const double span = tok.vmax[i] - tok.vmin[i];
        row[i] = std::uniform_real_distribution<double>(tok.vmin[i] - 0.1 * span,
                                                        tok.vmax[i] + 0.1 * span)(rng);
        want[i] = original_token(row[i], tok.vmin[i], tok.vmax[i], i, F, banded);
      }
      ASSERT_EQ(tokenize_features(back, row), want) << head << " row " << r;
    }
  }
  std::printf("[tokenize] %d random rows over 12 heads identical to the original's tokens\n", rows);
}

}  // namespace
}  // namespace atome::test
