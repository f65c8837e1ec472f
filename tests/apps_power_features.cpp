// Host driver of the power head's integer front end (apps/power_quality.cpp) for
// scripts/power-quality-agreement.py: reads lines of 1280 currents then 1280 voltages (integers in
// 0.1 mA and 10 mV), writes the four Q16.16 features per line, or "error N" for a status other
// than OK.
#include <cstdio>

#include "atome/apps.h"

int main() {
  static int32_t iv[2 * ATOME_POWER_N];
  atome_power_work work;
  for (;;) {
    int got = 0;
    long long x = 0;
    for (; got < 2 * ATOME_POWER_N; ++got) {
      if (std::scanf("%lld", &x) != 1) break;
      // out-of-int32 values become the smallest int32: the extractor's range error, not UB
      iv[got] = (x > INT32_MAX || x < INT32_MIN) ? INT32_MIN : static_cast<int32_t>(x);
    }
    if (got == 0) return 0;
    if (got != 2 * ATOME_POWER_N) {
      std::fprintf(stderr, "error: a line with %d values, not %d\n", got, 2 * ATOME_POWER_N);
      return 1;
    }
    int32_t out[ATOME_POWER_FEATURES];
    const atome_apps_status s =
        atome_power_quality(iv, iv + ATOME_POWER_N, ATOME_POWER_N, &work, out);
    if (s != ATOME_APPS_OK) {
      std::printf("error %d\n", static_cast<int>(s));
      continue;
    }
    std::printf("%d,%d,%d,%d\n", static_cast<int>(out[0]), static_cast<int>(out[1]),
                static_cast<int>(out[2]), static_cast<int>(out[3]));
  }
}
