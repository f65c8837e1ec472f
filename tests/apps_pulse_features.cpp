// Host driver of the pulse counter (apps/pulse_count.cpp) for scripts/pulse-count-agreement.py:
// each input line is "DEBOUNCE BLOCK NUM DEN SAMPLES" with SAMPLES a run of '0'/'1' characters
// (other characters are passed on as values 2.., the counter's range error); the counter starts
// at the first sample's level, is fed BLOCK samples at a time and taken (NUM / DEN) after each
// block. Writes the Q16.16 values per line, comma-separated, or "error N" at the first bad status.
#include <cstdio>
#include <string>
#include <vector>

#include "atome/apps.h"

int main() {
  unsigned debounce = 0, block = 0, num = 0, den = 0;
  static char buf[1 << 20];
  while (std::scanf("%u %u %u %u %1048575s", &debounce, &block, &num, &den, buf) == 5) {
    std::vector<uint8_t> s;
    for (const char* p = buf; *p != 0; ++p) s.push_back(static_cast<uint8_t>(*p - '0'));
    atome_pulse_counter pc;
    atome_apps_status st = atome_pulse_init(&pc, debounce, s.empty() ? 0 : s[0]);
    std::string line;
    for (size_t at = 0; st == ATOME_APPS_OK && block != 0 && at < s.size(); at += block) {
      const size_t n = s.size() - at < block ? s.size() - at : block;
      int32_t v = 0;
      st = atome_pulse_feed(&pc, s.data() + at, n);
      if (st == ATOME_APPS_OK) st = atome_pulse_take(&pc, num, den, &v);
      if (st == ATOME_APPS_OK) line += (line.empty() ? "" : ",") + std::to_string(v);
    }
    if (st != ATOME_APPS_OK)
      std::printf("error %d\n", static_cast<int>(st));
    else
      std::printf("%s\n", line.c_str());
  }
  return 0;
}
