// Host driver of the bad-reading check's integer features (apps/reading_check.cpp) for
// scripts/reading-check-agreement.py: reads lines of 16 readings in Q24 (integers), writes the
// five features per line (plain integers), or "error N" for a status other than OK.
#include <cstdio>

#include "atome/apps.h"

int main() {
  long long v[ATOME_READING_WINDOW];
  for (;;) {
    int got = 0;
    for (; got < ATOME_READING_WINDOW; ++got)
      if (std::scanf("%lld", &v[got]) != 1) break;
    if (got == 0) return 0;
    if (got != ATOME_READING_WINDOW) {
      std::fprintf(stderr, "error: a line with %d readings, not 16\n", got);
      return 1;
    }
    int32_t q[ATOME_READING_WINDOW], out[ATOME_READING_FEATURES];
    for (int i = 0; i < ATOME_READING_WINDOW; ++i) q[i] = static_cast<int32_t>(v[i]);
    const atome_apps_status s =
        atome_reading_context(q, ATOME_READING_WINDOW, ATOME_READING_FRAC, nullptr, out);
    if (s != ATOME_APPS_OK) {
      std::printf("error %d\n", static_cast<int>(s));
      continue;
    }
    for (int i = 0; i < ATOME_READING_FEATURES; ++i)
      std::printf(i ? ",%d" : "%d", static_cast<int>(out[i]));
    std::printf("\n");
  }
}
