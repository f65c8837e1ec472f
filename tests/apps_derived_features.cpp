// Host driver of the derived channels (apps/telemetry_readout.cpp, wearable_readout.cpp,
// room_balance.cpp) for scripts/derived-agreement.py.
//
//   apps_derived_features os_telem    lines "t_ref rssi_ref lat_ref_us temp rssi lat_us"
//   apps_derived_features wearable    lines "hr_rest age pi_ref hr rms pi"
//   apps_derived_features occupancy   lines "night ach volume capacity floor step_s prev co2 sound"
//   apps_derived_features air         lines "co2_base n" then n steps of "mq2 co2 voc temp hum"
//   apps_derived_features agri        lines "fc_read n" then n steps of the 5 raw readings
//   apps_derived_features forecast    lines "baseline alarm W n" then n hourly readings
//   apps_derived_features tokens FILE lines of C*T decimal features -> the model's tokens
//
// Values are integers in the units of include/atome/apps.h (Q16.16 unless named otherwise); one
// output line per input: the three Q16.16 channels "a,b,c" (air: 3 n, agri: 2 n, forecast: 3 W) (",
// flagged" appended for ATOME_APPS_INPUT_FLAGGED) or "error N". The tokens mode is the device
// tokeniser (apps/tokenize.cpp) of a trained head, fed each value rounded to its channel's Q(frac),
// so the script compares the generator's features and the device's through the same quantisation.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "atome/atome.h"

namespace {

bool read_ints(long long* v, int n) {
  for (int i = 0; i < n; ++i)
    if (std::scanf("%lld", &v[i]) != 1) return false;
  return true;
}

int32_t narrow(long long v) {
  return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : static_cast<int32_t>(v));
}

void print(atome_apps_status s, const int32_t* out) {
  if (s != ATOME_APPS_OK && s != ATOME_APPS_INPUT_FLAGGED) {
    std::printf("error %d\n", static_cast<int>(s));
    return;
  }
  std::printf("%d,%d,%d%s\n", static_cast<int>(out[0]), static_cast<int>(out[1]),
              static_cast<int>(out[2]), s == ATOME_APPS_INPUT_FLAGGED ? ", flagged" : "");
}

int derive(const std::string& head) {
  long long v[9];
  int32_t out[3] = {0, 0, 0};
  const int n = head == "occupancy" ? 9 : 6;
  while (read_ints(v, n)) {
    if (head == "os_telem") {
      const atome_telem_refs r{narrow(v[0]), narrow(v[1]), static_cast<uint32_t>(v[2])};
      print(atome_telem_readout(&r, narrow(v[3]), narrow(v[4]), static_cast<uint32_t>(v[5]), out),
            out);
    } else if (head == "wearable") {
      const atome_wearable_refs r{narrow(v[0]), narrow(v[1]), narrow(v[2])};
      print(atome_wearable_readout(&r, narrow(v[3]), narrow(v[4]), narrow(v[5]), out), out);
    } else {
      const atome_room_refs r{narrow(v[0]), narrow(v[1]), narrow(v[2]),
                              narrow(v[3]), narrow(v[4]), narrow(v[5])};
      atome_room_model room;
      atome_apps_status s = atome_room_prepare(&r, &room);
      if (s == ATOME_APPS_OK)
        s = atome_room_step(&room, narrow(v[6]), narrow(v[7]), narrow(v[8]), out);
      print(s, out);
    }
  }
  return 0;
}

static_assert(int(ATOME_AGRI_RAW) == int(ATOME_AIR_RAW) &&
                  int(ATOME_AGRI_MAX_STEPS) == int(ATOME_AIR_MAX_STEPS) &&
                  int(ATOME_AGRI_DERIVED) <= int(ATOME_AIR_DERIVED),
              "air's buffers hold agri's window");

// air and agri: one window per line, "reference n" then n steps of 5 raw readings.
int derive_window(bool air) {
  long long head[2];
  while (read_ints(head, 2)) {
    const int n = static_cast<int>(head[1]);
    if (n < 1 || n > ATOME_AIR_MAX_STEPS) {
      std::fprintf(stderr, "error: %lld steps\n", head[1]);
      return 1;
    }
    long long v[ATOME_AIR_MAX_STEPS * ATOME_AIR_RAW];
    if (!read_ints(v, n * ATOME_AIR_RAW)) return 1;
    int32_t raw[ATOME_AIR_MAX_STEPS * ATOME_AIR_RAW], out[ATOME_AIR_MAX_STEPS * ATOME_AIR_DERIVED];
    for (int i = 0; i < n * ATOME_AIR_RAW; ++i) raw[i] = narrow(v[i]);
    const size_t steps = static_cast<size_t>(n);
    const atome_apps_status s = air ? atome_air_readout(narrow(head[0]), raw, steps, out)
                                    : atome_agri_readout(narrow(head[0]), raw, steps, out);
    const int m = n * (air ? int(ATOME_AIR_DERIVED) : int(ATOME_AGRI_DERIVED));
    if (s != ATOME_APPS_OK) {
      std::printf("error %d\n", static_cast<int>(s));
      continue;
    }
    for (int i = 0; i < m; ++i)
      std::printf("%d%c", static_cast<int>(out[i]), i + 1 == m ? '\n' : ',');
  }
  return 0;
}

// forecast: "baseline alarm W n" then the n hourly readings from commissioning; the outputs of
// the last W hours.
int derive_forecast() {
  long long head[4];
  while (read_ints(head, 4)) {
    const long long w = head[2], n = head[3];
    if (n < 1 || n > ATOME_TREND_MAX_HOURS || w < 1 || w > n) {
      std::fprintf(stderr, "error: %lld hours, %lld shown\n", n, w);
      return 1;
    }
    atome_trend_state st;
    atome_apps_status s = atome_trend_init(&st, narrow(head[0]), narrow(head[1]));
    std::string line;
    for (long long h = 0; h < n; ++h) {
      long long u = 0;
      if (!read_ints(&u, 1)) return 1;
      int32_t out[ATOME_TREND_DERIVED];
      if (s == ATOME_APPS_OK) s = atome_trend_push(&st, narrow(u), out);
      if (s == ATOME_APPS_OK && h >= n - w)
        for (int32_t o : out) line += (line.empty() ? "" : ",") + std::to_string(o);
    }
    if (s != ATOME_APPS_OK)
      std::printf("error %d\n", static_cast<int>(s));
    else
      std::printf("%s\n", line.c_str());
  }
  return 0;
}

int tokens(const char* path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // the engine reads the image in place: 8-byte alignment as the CLI's loader gives it
  std::vector<uint64_t> buf((image.size() + 7) / 8);
  std::memcpy(buf.data(), image.data(), image.size());
  atome_model model;
  static atome_tokenizer tok;
  if (image.empty() || atome_model_load(&model, buf.data(), image.size()) != ATOME_OK ||
      atome_tok_prepare(&tok, &model) != ATOME_APPS_OK) {
    std::fprintf(stderr, "error: %s is not a classifier with an input spec\n", path);
    return 1;
  }
  std::vector<int32_t> x(tok.n_features);
  std::vector<uint8_t> t(tok.n_features);
  for (;;) {
    for (uint32_t i = 0; i < tok.n_features; ++i) {
      double d = 0;
      if (std::scanf("%lf", &d) != 1) return i == 0 ? 0 : 1;
      const double q = std::nearbyint(std::ldexp(d, tok.frac[i % tok.n_channels]));
      x[i] = q > INT32_MAX ? INT32_MAX : (q < INT32_MIN ? INT32_MIN : static_cast<int32_t>(q));
    }
    atome_tok_run(&tok, x.data(), x.size(), t.data(), nullptr);
    for (uint32_t i = 0; i < tok.n_features; ++i)
      std::printf("%u%c", t[i], i + 1 == tok.n_features ? '\n' : ',');
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "tokens" && argc == 3) return tokens(argv[2]);
  if (argc == 2 && mode == "forecast") return derive_forecast();
  if (argc == 2 && (mode == "air" || mode == "agri")) return derive_window(mode == "air");
  if (argc == 2 && (mode == "os_telem" || mode == "wearable" || mode == "occupancy"))
    return derive(mode);
  std::fprintf(stderr, "usage: %s os_telem|wearable|occupancy|air|agri|forecast|tokens MODEL\n",
               argv[0]);
  return 2;
}
