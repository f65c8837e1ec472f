// Host driver of the velocity RMS (apps/velocity_rms.cpp) for scripts/velocity-rms-agreement.py:
// reads lines of 2048 int16 samples, writes the Q16.16 velocity RMS (mm/s) per line, or "error N".
#include <cstdio>

#include "atome/apps.h"

int main() {
  static int16_t x[ATOME_VEL_N];
  atome_velocity_work work;
  for (;;) {
    size_t got = 0;
    long v = 0;
    for (; got < ATOME_VEL_N; ++got) {
      if (std::scanf("%ld", &v) != 1) break;
      x[got] = static_cast<int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
    }
    if (got == 0) return 0;
    int32_t out = 0;
    const atome_apps_status s = atome_velocity_rms(x, got, &work, &out);
    if (s != ATOME_APPS_OK)
      std::printf("error %d\n", static_cast<int>(s));
    else
      std::printf("%d\n", static_cast<int>(out));
    if (got != ATOME_VEL_N) return 0;
  }
}
