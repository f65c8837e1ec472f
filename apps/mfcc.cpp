// MFCC in fixed point (docs/APPS.md §7), data/generators/mfcc.py's parameters. Everything but the
// final averaging is per frame, so a 1 s clip needs only the 2 KB FFT buffer besides the audio.
#include "apps/fft.h"
#include "apps/fft_tables.h"
#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr uint32_t kNfftLog2 = 9, kNfft = 512, kNmel = 26;
constexpr int kDctFrac = 20;
constexpr int64_t kLn2Q30 = 744261118;     // round(ln(2) * 2^30)
constexpr int32_t kLnFloorQ16 = -1509025;  // round(ln(1e-10) * 2^16)
constexpr int64_t kC0PerDbQ16 = 76945;     // sqrt(26) ln(10) / 10: +1 dB in every mel band, Q16
static_assert(sizeof(atome_mfcc_work::prev_mel) / sizeof(int32_t) == kNmel, "one per mel band");

// ln of the mel energies of one frame, Q16.16.
void frame_log_mel(const int16_t* frame, int16_t* re, int16_t* im, int32_t* log_mel) {
  int32_t e = load_block(frame, nullptr, kHamming400Q15, ATOME_MFCC_FRAME, re, im);
  for (uint32_t i = ATOME_MFCC_FRAME; i < kNfft; ++i) re[i] = 0;  // zero padding to 512
  // The frame is real: a 256-point complex FFT and the split give bins 0..256, the mel bank's
  // whole range (docs/APPS.md §7), for half the butterflies of a 512-point one.
  rfft_bfp(re, im, kNfftLog2, &e);
  // E_j = sum_k w_jk |Y_k|^2 2^(2e) / 512 / 2^30 (full scale = 1) with w in Q15:
  // log2 E_j = log2(S_j) + 2e - 9 - 30 - 15.
  const int64_t shift_q16 = int64_t(2 * e - 54) * 65536;
  uint32_t w = 0;
  for (uint32_t j = 0; j < kNmel; ++j) {
    uint64_t s = 0;
    for (uint32_t i = 0; i < kMelCount[j]; ++i, ++w) {
      const uint32_t k = kMelStart[j] + i;
      const uint64_t p = uint64_t(int32_t(re[k]) * re[k]) + uint64_t(int32_t(im[k]) * im[k]);
      s += p * uint64_t(kMelWeight[w]);
    }
    int32_t v = kLnFloorQ16;
    if (s != 0) {
      const int64_t l2 = int64_t(atome_log2_q16(s)) + shift_q16;
      const int64_t ln = (l2 * kLn2Q30 + (int64_t(1) << 29)) >> 30;
      if (ln > v) v = int32_t(ln);
    }
    log_mel[j] = v;
  }
}

// c_k of one frame (Q16) from its ln mel energies.
int64_t cepstrum(const int32_t* log_mel, uint32_t k) {
  int64_t c = 0;  // |log_mel| < 2^21, |dct| < 2^19: each product < 2^40
  for (uint32_t m = 0; m < kNmel; ++m) c += int64_t(log_mel[m]) * kDctQ20[k * kNmel + m];
  return (c + (int64_t(1) << (kDctFrac - 1))) >> kDctFrac;
}

// What sum_frames accumulates besides the segment sums.
enum class Extra { kNone, kClipSquares, kScene };

// Sums each segment's per-frame c0..c(n_ceps-1) (Q16) into work->acc (index s * 8 + k); with
// kClipSquares also each coefficient's squares over all frames into work->sq (Q32); with kScene
// each segment's c0 squares (work->seg_sq, Q32) and spectral flux (work->flux, Q16); with either
// the clip's smallest frame c0 (work->c0_min). *frames_out: the frame count. ceps (may be NULL):
// each frame's c0..c(n_ceps-1) too, at ceps[f * n_ceps + k] (|c| < 2^23: int32 holds it exactly).
atome_apps_status sum_frames(const int16_t* audio, size_t n, uint32_t segments, uint32_t n_ceps,
                             atome_mfcc_work* work, Extra what, uint32_t* frames_out,
                             int32_t* ceps = nullptr) {
  const bool sq = what == Extra::kClipSquares;
  const bool scene = what == Extra::kScene;
  if (audio == nullptr || work == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (segments == 0 || segments > ATOME_MFCC_MAX_SEGMENTS) return ATOME_APPS_ERR_BAD_CONFIG;
  if (n_ceps == 0 || n_ceps > ATOME_MFCC_NCEP) return ATOME_APPS_ERR_BAD_CONFIG;
  if (n < ATOME_MFCC_FRAME) return ATOME_APPS_ERR_BAD_LENGTH;
  const size_t frames_z = 1 + (n - ATOME_MFCC_FRAME) / ATOME_MFCC_HOP;
  if (frames_z < segments || (what != Extra::kNone && frames_z > ATOME_MFCC_CMVN_MAX_FRAMES))
    return ATOME_APPS_ERR_BAD_LENGTH;
  const uint32_t frames = uint32_t(frames_z);
  for (uint32_t i = 0; i < segments * ATOME_MFCC_NCEP; ++i) work->acc[i] = 0;
  for (uint32_t k = 0; k < ATOME_MFCC_NCEP; ++k) work->sq[k] = 0;
  for (uint32_t i = 0; i < ATOME_MFCC_MAX_SEGMENTS; ++i) work->seg_sq[i] = work->flux[i] = 0;
  // numpy.array_split: the first frames % segments parts have one frame more.
  const uint32_t base = frames / segments, extra = frames % segments;
  uint32_t seg = 0, left = base + (extra > 0 ? 1 : 0);
  for (uint32_t f = 0; f < frames; ++f) {
    int32_t log_mel[kNmel];
    frame_log_mel(audio + f * ATOME_MFCC_HOP, work->re, work->im, log_mel);
    for (uint32_t k = 0; k < n_ceps; ++k) {
      const int64_t c = cepstrum(log_mel, k);
      if (ceps != nullptr) ceps[f * n_ceps + k] = int32_t(c);
      work->acc[seg * ATOME_MFCC_NCEP + k] += c;
      if (sq) work->sq[k] += c * c;  // |c| < 2^23: < 2^46 a frame, < 2^56 over 1024 frames
      if (scene && k == 0) work->seg_sq[seg] += c * c;  // the same bound
      if ((sq || scene) && k == 0 && (f == 0 || c < work->c0_min)) work->c0_min = c;
    }
    if (scene) {
      // The first frame has no predecessor: its flux is 0 (mfcc.py scene() does the same).
      int64_t flux = 0;  // 26 terms < 2^22 each
      for (uint32_t m = 0; m < kNmel; ++m) {
        const int64_t d = int64_t(log_mel[m]) - work->prev_mel[m];
        if (f > 0) flux += d < 0 ? -d : d;
        work->prev_mel[m] = log_mel[m];
      }
      work->flux[seg] += flux;
    }
    if (--left == 0 && ++seg < segments) left = base + (seg < extra ? 1 : 0);
  }
  *frames_out = frames;
  return ATOME_APPS_OK;
}

// sum_frames' segment sums (Extra::kNone) from kept cepstra: frames [a, b) of ceps split into the
// segments as numpy.array_split splits them, added in the same order, so the same bits.
void sum_kept(const int32_t* ceps, uint32_t a, uint32_t b, uint32_t segments, uint32_t n_ceps,
              atome_mfcc_work* work) {
  for (uint32_t i = 0; i < segments * ATOME_MFCC_NCEP; ++i) work->acc[i] = 0;
  const uint32_t frames = b - a, base = frames / segments, extra = frames % segments;
  uint32_t seg = 0, left = base + (extra > 0 ? 1 : 0);
  for (uint32_t f = a; f < b; ++f) {
    for (uint32_t k = 0; k < n_ceps; ++k)
      work->acc[seg * ATOME_MFCC_NCEP + k] += ceps[f * n_ceps + k];
    if (--left == 0 && ++seg < segments) left = base + (seg < extra ? 1 : 0);
  }
}

uint32_t segment_len(uint32_t frames, uint32_t segments, uint32_t s) {
  return frames / segments + (s < frames % segments ? 1 : 0);
}

// CMVN statistics from a clip's sums: mu_k = total_k / frames and the population standard
// deviation sqrt(E[c^2] - mu^2), floored at 0.01 (a constant coefficient, digital silence), Q16.
void clip_stats(const int64_t* total, const int64_t* sq, uint32_t frames, uint32_t n_ceps,
                int64_t* mu, int64_t* sd) {
  constexpr int64_t kSdFloorQ16 = 655;  // 0.01
  for (uint32_t k = 0; k < n_ceps; ++k) {
    mu[k] = div_round(total[k], frames);
    int64_t var = div_round(sq[k], frames) - mu[k] * mu[k];  // Q32, both terms < 2^46
    if (var < 0) var = 0;
    sd[k] = isqrt_round(uint64_t(var));
    if (sd[k] < kSdFloorQ16) sd[k] = kSdFloorQ16;
  }
}

// c0 of the frame at audio (Q16): the endpoint detector's second look at a frame.
int64_t frame_c0(const int16_t* audio, atome_mfcc_work* work) {
  int32_t log_mel[kNmel];
  frame_log_mel(audio, work->re, work->im, log_mel);
  return cepstrum(log_mel, 0);
}

// The speech span [*a, *b) (mfcc.py speech_span): from the first to the last frame whose c0 is
// above `threshold`, searched from each end so that only the silence around the word is looked at
// twice; the whole clip when no frame is; widened around its middle to `segments` frames. With
// kept cepstra (ceps, n_ceps a frame; may be NULL) c0 is read from them instead.
void speech_span(const int16_t* audio, uint32_t frames, uint32_t segments, int64_t threshold,
                 atome_mfcc_work* work, const int32_t* ceps, uint32_t n_ceps, uint32_t* a,
                 uint32_t* b) {
  auto c0 = [&](uint32_t f) {
    return ceps != nullptr ? int64_t(ceps[f * n_ceps]) : frame_c0(audio + f * ATOME_MFCC_HOP, work);
  };
  *a = 0;
  *b = frames;
  for (uint32_t f = 0; f < frames; ++f) {
    if (c0(f) > threshold) {
      *a = f;
      *b = f + 1;
      for (uint32_t g = frames - 1; g > f; --g) {
        if (c0(g) > threshold) {
          *b = g + 1;
          break;
        }
      }
      break;
    }
  }
  if (*b - *a < segments) {
    int64_t start = int64_t(*a) - int64_t(segments - (*b - *a)) / 2;
    if (start > int64_t(frames - segments)) start = int64_t(frames - segments);
    if (start < 0) start = 0;
    *a = uint32_t(start);
    *b = *a + segments;
  }
}

// The span both span functions need: arguments checked, pass 1 over the clip (its sums of
// c0..c(n_ceps-1) and squares in work, its quietest frame), then speech_span above the floor.
// ceps (may be NULL): ceps_len int32 for pass 1 to keep every frame's c0..c(n_ceps-1) in.
atome_apps_status find_span(const int16_t* audio, size_t n, uint32_t segments, uint32_t n_ceps,
                            uint32_t floor_db, atome_mfcc_work* work, int32_t* ceps,
                            size_t ceps_len, uint32_t* frames, uint32_t* a, uint32_t* b) {
  if (audio == nullptr || work == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (segments == 0 || segments > ATOME_MFCC_MAX_SEGMENTS || floor_db > ATOME_MFCC_MAX_FLOOR_DB)
    return ATOME_APPS_ERR_BAD_CONFIG;
  // The buffer's size is checked before any frame is computed (n_ceps is checked by sum_frames;
  // here only its product with the frame count, which n >= one frame bounds).
  if (ceps != nullptr && n >= ATOME_MFCC_FRAME &&
      (1 + (n - ATOME_MFCC_FRAME) / ATOME_MFCC_HOP) * size_t(n_ceps) > ceps_len)
    return ATOME_APPS_ERR_BAD_LENGTH;
  const atome_apps_status st =
      sum_frames(audio, n, 1, n_ceps, work, Extra::kClipSquares, frames, ceps);
  if (st != ATOME_APPS_OK) return st;
  if (*frames < segments) return ATOME_APPS_ERR_BAD_LENGTH;
  speech_span(audio, *frames, segments, work->c0_min + int64_t(floor_db) * kC0PerDbQ16, work, ceps,
              n_ceps, a, b);
  return ATOME_APPS_OK;
}

// Each segment's average of work->acc over `frames` frames as (avg - mu_k) / sd_k, Q16.
void normalise_segments(const atome_mfcc_work* work, uint32_t frames, uint32_t segments,
                        uint32_t n_ceps, const int64_t* mu, const int64_t* sd, int32_t* out_q16) {
  for (uint32_t s = 0; s < segments; ++s) {
    for (uint32_t k = 0; k < n_ceps; ++k) {
      const int64_t avg =
          div_round(work->acc[s * ATOME_MFCC_NCEP + k], segment_len(frames, segments, s));
      out_q16[s * n_ceps + k] = saturate32(div_round_shifted(avg - mu[k], sd[k], 16));
    }
  }
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_mfcc(const int16_t* audio, size_t n, uint32_t segments,
                             atome_mfcc_work* work, int32_t* out_q16) {
  using namespace atome::apps;
  if (out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  uint32_t frames = 0;
  const atome_apps_status st =
      sum_frames(audio, n, segments, ATOME_MFCC_NCEP, work, Extra::kNone, &frames);
  if (st != ATOME_APPS_OK) return st;
  for (uint32_t s = 0; s < segments; ++s) {
    const int64_t len = segment_len(frames, segments, s);
    for (uint32_t k = 0; k < ATOME_MFCC_NCEP; ++k)
      out_q16[s * ATOME_MFCC_NCEP + k] =
          saturate32(div_round(work->acc[s * ATOME_MFCC_NCEP + k], len));
  }
  return ATOME_APPS_OK;
}

atome_apps_status atome_mfcc_cmvn(const int16_t* audio, size_t n, uint32_t segments,
                                  uint32_t n_ceps, atome_mfcc_work* work, int32_t* out_q16) {
  using namespace atome::apps;
  if (out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  uint32_t frames = 0;
  const atome_apps_status st =
      sum_frames(audio, n, segments, n_ceps, work, Extra::kClipSquares, &frames);
  if (st != ATOME_APPS_OK) return st;
  int64_t total[ATOME_MFCC_NCEP], mu[ATOME_MFCC_NCEP], sd[ATOME_MFCC_NCEP];
  for (uint32_t k = 0; k < n_ceps; ++k) {
    total[k] = 0;
    for (uint32_t s = 0; s < segments; ++s) total[k] += work->acc[s * ATOME_MFCC_NCEP + k];
  }
  clip_stats(total, work->sq, frames, n_ceps, mu, sd);
  normalise_segments(work, frames, segments, n_ceps, mu, sd, out_q16);
  return ATOME_APPS_OK;
}

atome_apps_status atome_mfcc_cmvn_span(const int16_t* audio, size_t n, uint32_t segments,
                                       uint32_t n_ceps, uint32_t floor_db, atome_mfcc_work* work,
                                       int32_t* out_q16) {
  return atome_mfcc_cmvn_span_kept(audio, n, segments, n_ceps, floor_db, work, nullptr, 0, out_q16);
}

atome_apps_status atome_mfcc_cmvn_span_kept(const int16_t* audio, size_t n, uint32_t segments,
                                            uint32_t n_ceps, uint32_t floor_db,
                                            atome_mfcc_work* work, int32_t* ceps, size_t ceps_len,
                                            int32_t* out_q16) {
  using namespace atome::apps;
  if (out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  // Pass 1 (find_span): the whole clip's sums (one segment, the clip: acc[k] is c_k's total) and
  // its quietest frame (and each frame's cepstra when there is room for them), then the span.
  uint32_t frames = 0, a = 0, b = 0;
  atome_apps_status st =
      find_span(audio, n, segments, n_ceps, floor_db, work, ceps, ceps_len, &frames, &a, &b);
  if (st != ATOME_APPS_OK) return st;
  int64_t mu[ATOME_MFCC_NCEP], sd[ATOME_MFCC_NCEP];
  clip_stats(work->acc, work->sq, frames, n_ceps, mu, sd);
  uint32_t span = b - a;
  if (ceps != nullptr) {
    // The span's frames are pass 1's: their kept cepstra, no second FFT pass.
    sum_kept(ceps, a, b, segments, n_ceps, work);
  } else {
    // Pass 2: the span's frames, exactly the audio they cover, split into the segments.
    st = sum_frames(audio + size_t(a) * ATOME_MFCC_HOP,
                    size_t(b - a - 1) * ATOME_MFCC_HOP + ATOME_MFCC_FRAME, segments, n_ceps, work,
                    Extra::kNone, &span);
    if (st != ATOME_APPS_OK) return st;
  }
  normalise_segments(work, span, segments, n_ceps, mu, sd, out_q16);
  return ATOME_APPS_OK;
}

atome_apps_status atome_mfcc_speech_span(const int16_t* audio, size_t n, uint32_t segments,
                                         uint32_t floor_db, atome_mfcc_work* work, uint32_t* first,
                                         uint32_t* end) {
  using namespace atome::apps;
  if (first == nullptr || end == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  uint32_t frames = 0;
  return find_span(audio, n, segments, 1, floor_db, work, nullptr, 0, &frames, first, end);
}

atome_apps_status atome_mfcc_scene(const int16_t* audio, size_t n, uint32_t segments,
                                   atome_mfcc_work* work, int32_t* out_q16) {
  using namespace atome::apps;
  if (out_q16 == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  uint32_t frames = 0;
  // c0..c5: the level from c0, the shape from c1..c5 (c6, c7 make room for flux and c0_sd).
  const atome_apps_status st = sum_frames(audio, n, segments, 6, work, Extra::kScene, &frames);
  if (st != ATOME_APPS_OK) return st;
  for (uint32_t s = 0; s < segments; ++s) {
    const int64_t len = segment_len(frames, segments, s);
    const int64_t* acc = work->acc + s * ATOME_MFCC_NCEP;
    int32_t* out = out_q16 + s * ATOME_MFCC_SCENE_NCH;
    const int64_t c0 = div_round(acc[0], len);  // Q16
    out[0] = saturate32(c0 - work->c0_min);
    for (uint32_t k = 1; k < 6; ++k) out[k] = saturate32(div_round(acc[k], len));
    out[6] = saturate32(div_round(work->flux[s], len * int64_t(kNmel)));
    // Population variance E[c0^2] - mean^2 in Q32 (both terms < 2^46).
    int64_t var = div_round(work->seg_sq[s], len) - c0 * c0;
    if (var < 0) var = 0;
    out[7] = saturate32(int64_t(isqrt_round(uint64_t(var))));
  }
  return ATOME_APPS_OK;
}

}  // extern "C"
