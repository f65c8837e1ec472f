// A head's audio front end read from its model file (include/atome/apps.h, docs/APPS.md §13):
// the file's pipeline name, parameters and channel names (FORMAT.md §17.2) say which extractor
// and how, so a device needs nothing but the file (DESIGN §8). Integer only: the binary32
// parameter values are decoded from their bits (apps/fixed_decode.h), no float instruction.
#include "apps/fixed_decode.h"
#include "atome/apps.h"
#include "atome/atome.h"

namespace atome::apps {
namespace {

// §17.2 offsets inside the section (the engine validated it at load).
constexpr uint32_t kOffChannels = 20, kOffWindow = 24, kOffParams = 48, kOffRanges = 64;
constexpr uint32_t kMaxParams = 64;  // §17.2: n_params <= 64

bool same(const uint8_t* s, const char* t) {
  while (*t != 0 && *s == uint8_t(*t)) ++s, ++t;
  return *t == 0 && *s == 0;
}

// The section's strings are "len, bytes, 0": the i-th one's text (NUL-terminated in place).
const uint8_t* string_at(const uint8_t* strings, uint32_t i) {
  const uint8_t* p = strings;
  for (uint32_t k = 0; k < i; ++k) p += 2u + p[0];
  return p + 1;
}

struct Params {
  const uint8_t* meta;
  uint32_t n, values, names;  // count; offsets of the f32 values and of the first name string
  // The parameter's value in Q16.16 into *q16; false when absent or not representable.
  bool get(const char* name, int64_t* q16) const {
    for (uint32_t i = 0; i < n; ++i)
      if (same(string_at(meta + names, i), name))
        return f32_bits_to_fixed(read_le32(meta + values + 4u * i), 16, 47, q16);
    return false;
  }
  // An integer parameter equal to want (the extractor's fixed constants).
  bool is(const char* name, int64_t want) const {
    int64_t v = 0;
    return get(name, &v) && v == want * 65536;
  }
};

}  // namespace
}  // namespace atome::apps

extern "C" atome_apps_status atome_audio_front_from_model(const struct atome_model* model,
                                                          atome_audio_front* fe) {
  using namespace atome::apps;
  if (model == nullptr || fe == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  const uint8_t* meta = model->class_meta;
  if (meta == nullptr) return ATOME_APPS_ERR_NO_METADATA;
  const uint32_t C = read_le32(meta + kOffChannels), T = read_le32(meta + kOffWindow);
  const uint32_t P = read_le32(meta + kOffParams);
  if (P > kMaxParams) return ATOME_APPS_ERR_BAD_CONFIG;
  const uint32_t values = kOffRanges + 16u * C * T + 8u * C, strings = values + 4u * P;
  // Strings: the pipeline's name (0), each channel's name and unit, then the parameters' names.
  const Params params{meta, P, values, uint32_t(string_at(meta + strings, 1 + 2 * C) - 1 - meta)};
  if (!same(string_at(meta + strings, 0), "mfcc")) return ATOME_APPS_ERR_BAD_CONFIG;
  // What apps/mfcc.cpp implements; another framing, FFT or filter bank is not this extractor.
  if (!params.is("fs_hz", 16000) || !params.is("frame", ATOME_MFCC_FRAME) ||
      !params.is("hop", ATOME_MFCC_HOP) || !params.is("nfft", 512) || !params.is("n_mel", 26) ||
      !params.is("f_lo_hz", 20) || !params.is("f_hi_hz", 8000) || !params.is("segments", T))
    return ATOME_APPS_ERR_BAD_CONFIG;
  int64_t clip_q16 = 0, floor_db = 0, sd_floor = 0;
  if (!params.get("clip_s", &clip_q16) || clip_q16 <= 0 || (clip_q16 * 16000) % 65536 != 0)
    return ATOME_APPS_ERR_BAD_CONFIG;
  fe->n_samples = uint32_t(clip_q16 * 16000 / 65536);
  fe->segments = T;
  fe->ceps = nullptr;  // the model names no buffer: the caller may give one (one pass)
  fe->ceps_len = 0;
  if (params.is("cmvn", 1)) {
    // Voice v3: CMVN over the speech span, the extractor's sd floor 0.01 (655 in Q16).
    if (!params.is("n_ceps", C) || !params.get("endpoint_db", &floor_db) || floor_db % 65536 != 0 ||
        floor_db < 0 || !params.get("sd_floor", &sd_floor) || sd_floor != 655)
      return ATOME_APPS_ERR_BAD_CONFIG;
    fe->kind = ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN;
    fe->n_ceps = C;
    fe->floor_db = uint32_t(floor_db / 65536);
    return ATOME_APPS_OK;
  }
  // sound_scene v2: the file keeps no string parameter ("front": "scene" in the generator's
  // spec), so the scene is told by its channels, which no other MFCC front end has.
  static const char* const kScene[ATOME_MFCC_SCENE_NCH] = {"level", "mfcc1", "mfcc2", "mfcc3",
                                                           "mfcc4", "mfcc5", "flux",  "c0_sd"};
  if (C != ATOME_MFCC_SCENE_NCH) return ATOME_APPS_ERR_BAD_CONFIG;
  for (uint32_t c = 0; c < C; ++c)
    if (!same(string_at(meta + strings, 1 + 2 * c), kScene[c])) return ATOME_APPS_ERR_BAD_CONFIG;
  fe->kind = ATOME_AUDIO_FRONT_MFCC_SCENE;
  fe->n_ceps = 0;
  fe->floor_db = 0;
  return ATOME_APPS_OK;
}
