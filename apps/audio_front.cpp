// A head's audio front end (include/atome/apps.h, docs/APPS.md §13): raw int16 PCM -> the head's
// extractor -> the frame in the tokeniser's input format. The extractor writes Q16.16; the
// tokeniser wants each channel in Q(frac[c]), chosen from the channel's physical range, so the
// conversion here is the one the host does on a CSV frame (src/host/apps_stream.cpp
// apps_frame_fixed: nearbyint(ldexp(v, frac))) done exactly in integers, then the generator's
// clip to the channel's limits (data/generators/common.py write_head).
#include "atome/apps.h"

namespace {

// q16 * 2^(frac - 16), rounded half to even (nearbyint's default rounding) when frac < 16.
int64_t to_frac(int32_t q16, uint32_t frac) {
  const int64_t v = q16;
  if (frac >= 16) return v * (int64_t(1) << (frac - 16));  // frac <= 31: |result| < 2^47
  const uint32_t s = 16 - frac;
  const int64_t floor = v >> s;  // arithmetic: rounds toward minus infinity
  const int64_t rem = v - floor * (int64_t(1) << s), half = int64_t(1) << (s - 1);
  return floor + ((rem > half || (rem == half && (floor & 1) != 0)) ? 1 : 0);
}

// What the extractor of this front end writes per segment (the tokeniser's channels).
uint32_t channels_of(const atome_audio_front& fe) {
  if (fe.kind == ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN) return fe.n_ceps;
  if (fe.kind == ATOME_AUDIO_FRONT_MFCC_SCENE) return ATOME_MFCC_SCENE_NCH;
  return 0;
}

}  // namespace

extern "C" atome_apps_status atome_audio_front_frame(const atome_audio_front* fe,
                                                     const atome_tokenizer* tok,
                                                     const int16_t* audio, size_t n,
                                                     atome_mfcc_work* work, int32_t* frame,
                                                     uint32_t* n_clipped) {
  if (fe == nullptr || tok == nullptr || audio == nullptr || work == nullptr || frame == nullptr)
    return ATOME_APPS_ERR_NULL_ARGUMENT;
  const uint32_t C = channels_of(*fe);
  // The front end must produce exactly the model's window: a mismatch is a wrong pairing of
  // front end and head, which no clip can fix.
  if (C == 0 || C != tok->n_channels || fe->segments != tok->window_len ||
      C * fe->segments != tok->n_features)
    return ATOME_APPS_ERR_BAD_CONFIG;
  if (n != fe->n_samples) return ATOME_APPS_ERR_BAD_LENGTH;
  const atome_apps_status st =
      fe->kind == ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN
          ? atome_mfcc_cmvn_span_kept(audio, n, fe->segments, fe->n_ceps, fe->floor_db, work,
                                      fe->ceps, fe->ceps_len, frame)
          : atome_mfcc_scene(audio, n, fe->segments, work, frame);
  if (st != ATOME_APPS_OK) return st;
  uint32_t clipped = 0;
  for (uint32_t i = 0; i < tok->n_features; ++i) {
    const uint32_t c = i % C;
    int64_t v = to_frac(frame[i], tok->frac[c]);
    int64_t lo = INT32_MIN, hi = INT32_MAX;
    if ((tok->phys_mask >> c) & 1u) {
      lo = tok->phys_min[c];
      hi = tok->phys_max[c];
    }
    if (v < lo || v > hi) {
      v = v < lo ? lo : hi;
      ++clipped;
    }
    frame[i] = int32_t(v);
  }
  if (n_clipped != nullptr) *n_clipped = clipped;
  return ATOME_APPS_OK;
}

extern "C" atome_apps_status atome_audio_front_run(void* ctx, const atome_tokenizer* tok,
                                                   const void* raw, size_t raw_len, int32_t* frame,
                                                   uint32_t n_values) {
  if (ctx == nullptr || tok == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  atome_audio_front_ctx& c = *static_cast<atome_audio_front_ctx*>(ctx);
  if (c.work == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (n_values != tok->n_features) return ATOME_APPS_ERR_BAD_LENGTH;
  return atome_audio_front_frame(&c.fe, tok, static_cast<const int16_t*>(raw), raw_len, c.work,
                                 frame, &c.n_clipped);
}
