// The tokeniser driven by the model file (docs/APPS.md §4, FORMAT.md §17.4), integer only.
//
// Why an exact rational round instead of a multiply by a reciprocal: the level is
// round_half_even(D * (L - 1) / S) with D = x - vmin and S = vmax - vmin in one fixed-point format,
// computed with an integer quotient and remainder, so the result is the mathematically exact one
// for the fixed-point input; the binary64 host tokeniser rounds twice (the division, then the
// product) and can only differ at a tie it misrounds. A reciprocal would add its own error at every
// boundary. Cost: one 64-bit division per feature (a libgcc call on 32-bit cores).
#include "apps/fixed_decode.h"
#include "atome/apps.h"
#include "atome/atome.h"

namespace atome::apps {
namespace {

constexpr uint32_t kTokMagic = 0x544F4B4Eu;  // "TOKN"

// §17.2 offsets inside the section (the engine validated it at load).
constexpr uint32_t kOffChannels = 20, kOffWindow = 24, kOffQuant = 28, kOffRanges = 64;

// Ranges are held at Q(frac + 16): 16 bits finer than the input, so that a range boundary that
// falls between two input codes keeps its place between them.
constexpr int kRangeExtraBits = 16;
// |vmin|, |vmax| < 2^53 at that scale: the span stays below 2^54, and span * 255 below 2^62.
constexpr int kRangeLimitBits = 53;
constexpr int kMaxFrac = 24;      // finer than any sensor this layer serves
constexpr int kDefaultFrac = 16;  // channels without a physical range: Q16.16

// As many fraction bits as the channel's physical range leaves in an int32.
int frac_of(uint32_t min_bits, uint32_t max_bits) {
  const uint32_t a = min_bits & 0x7FFFFFFFu, b = max_bits & 0x7FFFFFFFu;
  const int k = f32_bits_magnitude_log2(a > b ? a : b);  // |v| < 2^k
  const int frac = 31 - k;
  return frac > kMaxFrac ? kMaxFrac : frac;
}

atome_apps_status prepare(atome_tokenizer* tok, const uint8_t* meta) {
  const uint32_t C = read_le32(meta + kOffChannels), T = read_le32(meta + kOffWindow);
  const uint32_t F = C * T, mode = read_le32(meta + kOffQuant);
  if (C > ATOME_TOK_MAX_CHANNELS || F > ATOME_TOK_MAX_FEATURES) return ATOME_APPS_ERR_TOO_BIG;
  tok->n_channels = C;
  tok->window_len = T;
  tok->n_features = F;
  tok->quant_mode = mode;
  tok->levels =
      mode == ATOME_QUANT_BANDED ? 256u / F : (mode == ATOME_QUANT_CHANNEL ? 256u / C : 256u);
  tok->phys_mask = 0;
  const uint8_t* chan = meta + kOffRanges + 16u * F;
  for (uint32_t c = 0; c < C; ++c) {
    const uint32_t lo = read_le32(chan + 8u * c), hi = read_le32(chan + 8u * c + 4u);
    tok->frac[c] = kDefaultFrac;
    tok->phys_min[c] = tok->phys_max[c] = 0;
    if (lo == 0 && hi == 0) continue;  // not recorded: no check, Q16.16
    const int frac = frac_of(lo, hi);
    int64_t pmin = 0, pmax = 0;
    if (frac < 0 || !f32_bits_to_fixed(lo, frac, 31, &pmin) ||
        !f32_bits_to_fixed(hi, frac, 31, &pmax))
      return ATOME_APPS_ERR_RANGE;
    tok->frac[c] = uint8_t(frac);
    tok->phys_min[c] = int32_t(pmin);
    tok->phys_max[c] = int32_t(pmax);
    tok->phys_mask |= uint32_t(1) << c;
  }
  for (uint32_t i = 0; i < F; ++i) {
    const int frac = tok->frac[i % C] + kRangeExtraBits;
    int64_t lo = 0, hi = 0;
    if (!f64_bits_to_fixed(read_le64(meta + kOffRanges + 16u * i), frac, kRangeLimitBits, &lo) ||
        !f64_bits_to_fixed(read_le64(meta + kOffRanges + 16u * i + 8u), frac, kRangeLimitBits,
                           &hi) ||
        hi <= lo)  // vmin < vmax in binary64 can collapse to one code only if they differ < 2^-40
      return ATOME_APPS_ERR_RANGE;
    tok->vmin[i] = lo;
    tok->span[i] = uint64_t(hi - lo);
  }
  return ATOME_APPS_OK;
}

// round_half_even(d * (levels - 1) / span) for 0 < d < span, clamped outside.
uint32_t level_of(int64_t d, uint64_t span, uint32_t levels) {
  if (d <= 0) return 0;
  if (uint64_t(d) >= span) return levels - 1;
  const uint64_t num = uint64_t(d) * (levels - 1);
  uint64_t q = num / span;
  const uint64_t r = num - q * span;
  if (2 * r > span || (2 * r == span && (q & 1u) != 0)) ++q;
  return uint32_t(q);
}

}  // namespace
}  // namespace atome::apps

extern "C" {

atome_apps_status atome_tok_prepare(atome_tokenizer* tok, const struct atome_model* model) {
  if (tok == nullptr || model == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  tok->magic = 0;
  if (model->class_meta == nullptr) return ATOME_APPS_ERR_NO_METADATA;
  const atome_apps_status s = atome::apps::prepare(tok, model->class_meta);
  if (s == ATOME_APPS_OK) tok->magic = atome::apps::kTokMagic;
  return s;
}

atome_apps_status atome_tok_run(const atome_tokenizer* tok, const int32_t* x, size_t n,
                                uint8_t* tokens, atome_tok_report* report) {
  if (tok == nullptr || x == nullptr || tokens == nullptr) return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (tok->magic != atome::apps::kTokMagic) return ATOME_APPS_ERR_NOT_INITIALISED;
  if (n != tok->n_features) return ATOME_APPS_ERR_BAD_LENGTH;
  const uint32_t C = tok->n_channels, F = tok->n_features;
  atome_tok_report r = {0, ATOME_TOK_NONE, 0};
  for (uint32_t i = 0; i < F; ++i) {
    const uint32_t c = i % C;
    int32_t v = x[i];
    if ((tok->phys_mask >> c) & 1u) {
      // A sensor cannot read outside its datasheet range: such a value is a fault, saturated so
      // the tokens stay defined, and reported so the dispatcher can gate the head.
      const int32_t lo = tok->phys_min[c], hi = tok->phys_max[c];
      if (v < lo || v > hi) {
        v = v < lo ? lo : hi;
        if (r.n_saturated++ == 0) r.first_saturated = i;
      }
    }
    const int64_t d = int64_t(v) * (int64_t(1) << atome::apps::kRangeExtraBits) - tok->vmin[i];
    uint32_t band = 0;
    if (tok->quant_mode == ATOME_QUANT_BANDED) band = i * tok->levels;
    if (tok->quant_mode == ATOME_QUANT_CHANNEL) band = c * tok->levels;
    tokens[i] = uint8_t(band + atome::apps::level_of(d, tok->span[i], tok->levels));
  }
  if (tok->window_len >= 2) {
    r.frozen = 1;
    for (uint32_t i = C; i < F && r.frozen; ++i) r.frozen = x[i] == x[i - C] ? 1u : 0u;
  }
  if (report != nullptr) *report = r;
  return r.n_saturated != 0 || r.frozen != 0 ? ATOME_APPS_INPUT_FLAGGED : ATOME_APPS_OK;
}

}  // extern "C"
