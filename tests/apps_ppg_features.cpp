// Host driver of the PPG beat detector (apps/ppg_beats.cpp) for scripts/ppg-beats-agreement.py:
// reads lines of 1500 int16 samples, writes "hr_q16,rmssd_q16,n_beats,t0_q8,t1_q8,..." per line,
// "flagged N" for ATOME_APPS_INPUT_FLAGGED, or "error N" for another status.
#include <cstdio>

#include "atome/apps.h"

int main() {
  static int16_t x[ATOME_PPG_N + 1];
  static atome_ppg_work work;
  for (;;) {
    size_t got = 0;
    long v = 0;
    for (; got < ATOME_PPG_N; ++got) {
      if (std::scanf("%ld", &v) != 1) break;
      x[got] = static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
    }
    if (got == 0) return 0;
    int32_t out[ATOME_PPG_FEATURES];
    const atome_apps_status s = atome_ppg_features(x, got, &work, out);
    if (s != ATOME_APPS_OK) {
      std::printf("%s %d\n", s == ATOME_APPS_INPUT_FLAGGED ? "flagged" : "error",
                  static_cast<int>(s));
      if (got != ATOME_PPG_N) return 0;  // a short last line
      continue;
    }
    std::printf("%d,%d,%u", static_cast<int>(out[0]), static_cast<int>(out[1]),
                static_cast<unsigned>(work.n_beats));
    for (uint32_t i = 0; i < work.n_beats; ++i)
      std::printf(",%d", static_cast<int>(work.beat_q8[i]));
    std::printf("\n");
  }
}
