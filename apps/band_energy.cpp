// Log band energies through the fixed-point FFT (docs/APPS.md §5), the anomaly head's front end
// (data/generators/anomaly.py: Hann window, |rfft|^2 / N summed per band, log10(E + 1e-12)).
#include "apps/fft.h"
#include "apps/fft_tables.h"
#include "atome/apps.h"

namespace atome::apps {
namespace {

constexpr int32_t kLog10Of2Q30 = 323228497;  // round(log10(2) * 2^30)

bool config_valid(const atome_band_config& c) {
  if (c.log2n < 4 || c.log2n > ATOME_FFT_MAX_LOG2 || c.window_q15 == nullptr) return false;
  if (c.n_bands == 0 || c.n_bands > ATOME_BAND_MAX || c.input_frac > 15) return false;
  const uint32_t bins = (1u << c.log2n) / 2 + 1;  // a real signal's spectrum: bins 0..N/2
  for (uint32_t b = 0; b < c.n_bands; ++b)
    if (c.bin_edge[b] >= c.bin_edge[b + 1]) return false;
  return c.bin_edge[c.n_bands] <= bins;
}

}  // namespace
}  // namespace atome::apps

extern "C" {

void atome_band_config_anomaly(atome_band_config* cfg, uint32_t input_frac) {
  if (cfg == nullptr) return;
  cfg->log2n = 8;
  cfg->n_bands = 8;
  for (uint32_t b = 0; b <= ATOME_BAND_MAX; ++b)
    cfg->bin_edge[b] = b <= 8 ? atome::apps::kAnomalyBinEdges[b] : 0;
  cfg->input_frac = input_frac;
  cfg->floor_log10_q16 = -12 * 65536;
  cfg->window_q15 = atome::apps::kHann256Q15;
}

atome_apps_status atome_band_energy(const atome_band_config* cfg, const int16_t* samples, size_t n,
                                    int16_t* work, int32_t* out_q16) {
  if (cfg == nullptr || samples == nullptr || work == nullptr || out_q16 == nullptr)
    return ATOME_APPS_ERR_NULL_ARGUMENT;
  if (!atome::apps::config_valid(*cfg)) return ATOME_APPS_ERR_BAD_CONFIG;
  const uint32_t N = 1u << cfg->log2n;
  if (n != N) return ATOME_APPS_ERR_BAD_LENGTH;
  int16_t* re = work;
  int16_t* im = work + N;
  int32_t e = atome::apps::load_block(samples, nullptr, cfg->window_q15, N, re, im);
  atome::apps::fft_bfp(re, im, cfg->log2n, &e);
  // E = sum |Y|^2 * 2^(2e) / N in input units^2, / 2^(2 input_frac) in the physical unit^2:
  // log2 E = log2(sum) + 2e - log2n - 2 input_frac.
  const int32_t shift_q16 = (2 * e - int32_t(cfg->log2n) - 2 * int32_t(cfg->input_frac)) * 65536;
  for (uint32_t b = 0; b < cfg->n_bands; ++b) {
    uint64_t sum = 0;
    for (uint32_t k = cfg->bin_edge[b]; k < cfg->bin_edge[b + 1]; ++k)
      sum += uint64_t(int32_t(re[k]) * re[k]) + uint64_t(int32_t(im[k]) * im[k]);
    int32_t v = cfg->floor_log10_q16;
    if (sum != 0) {
      const int64_t l2 = int64_t(atome_log2_q16(sum)) + shift_q16;
      const int64_t l10 = (l2 * atome::apps::kLog10Of2Q30 + (int64_t(1) << 29)) >> 30;
      if (l10 > v) v = int32_t(l10);
    }
    out_q16[b] = v;
  }
  return ATOME_APPS_OK;
}

}  // extern "C"
