// The feature extractors on fixed synthetic inputs (frontends_run.h). The inputs are built at
// compile time (constexpr, integer only, so the host twin's arrays are the same bits) and live
// in flash; they are shaped like the heads' signals so that every branch a real window takes is
// taken: a voiced vowel for MFCC, a shaft and a bearing tone for the band energies, a walking
// wrist for the IMU, a rectifier-like load on the mains for power quality, a bouncing reed switch
// for the pulse counter, a pulse wave with drift for the PPG, a machine's vibration for the
// velocity RMS, and windows of readings and references for the derived channels.
#include "frontends_run.h"

#include <stddef.h>
#include <stdint.h>

#include "atome/apps.h"
#include "line.h"

namespace {

// ---- integer signal synthesis (constexpr) ----------------------------------------------------

// amp * sin(2 pi phase / 2^16), Bhaskara I's rational approximation (|error| < 0.2 % of amp):
// all that matters here is a periodic, smooth, deterministic integer signal.
constexpr int32_t isin(uint32_t phase, int32_t amp) {
  const int64_t half = 32768;
  const int64_t p = phase & 0x7FFF;
  const int64_t q = p * (half - p);
  const int64_t s = int64_t(amp) * 16 * q / (5 * half * half - 4 * q);
  return static_cast<int32_t>((phase & 0x8000) ? -s : s);
}

// The phase of frequency f_mhz (milli-hertz) at sample n of a rate fs (Hz), plus an offset.
constexpr uint32_t phase_at(uint32_t n, uint32_t f_mhz, uint32_t fs, uint32_t offset = 0) {
  return static_cast<uint32_t>((uint64_t(n) * f_mhz * 65536u / (uint64_t(fs) * 1000u)) + offset) &
         0xFFFFu;
}

// Deterministic noise in [-amp, amp] (xorshift32).
struct Noise {
  uint32_t s;
  constexpr int32_t next(int32_t amp) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return static_cast<int32_t>(s % (2u * uint32_t(amp) + 1u)) - amp;
  }
};

constexpr int16_t clamp16(int32_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

// 0.5 s of a voiced vowel at 16 kHz (150 Hz, ten harmonics shaped by two formants), a 50 ms
// fade in and out, and noise: 50 MFCC frames.
constexpr uint32_t kAudioN = 8000;
struct Audio {
  int16_t x[kAudioN];
  constexpr Audio() : x() {
    constexpr int32_t amps[10] = {2400, 3600, 5200, 2600, 1200, 900, 1500, 1800, 700, 300};
    Noise noise{0x1234567u};
    for (uint32_t n = 0; n < kAudioN; ++n) {
      int32_t v = 0;
      for (uint32_t h = 0; h < 10; ++h) v += isin(phase_at(n, 150000u * (h + 1), 16000), amps[h]);
      const uint32_t edge = n < 800 ? n : kAudioN - n < 800 ? kAudioN - n : 800;
      x[n] = clamp16(v * int32_t(edge) / 800 + noise.next(300));
    }
  }
};
constexpr Audio kAudio;

// One 256-sample anomaly sub-window at 4 kHz, int16 at 2048 LSB/g: 1 x shaft (29.6 Hz), its
// harmonic, a 162 Hz outer-race defect tone, and broadband noise.
struct Vibration {
  int16_t x[256];
  constexpr Vibration() : x() {
    Noise noise{0xBADC0DEu};
    for (uint32_t n = 0; n < 256; ++n)
      x[n] = clamp16(isin(phase_at(n, 29600, 4000), 900) + isin(phase_at(n, 59200, 4000), 300) +
                     isin(phase_at(n, 162000, 4000), 450) + noise.next(120));
  }
};
constexpr Vibration kVibration;

// A wrist accelerometer while walking: 128 samples at 50 Hz, x y z interleaved, 2048 LSB/g,
// gravity mostly on z, a 1.8 Hz step rhythm and its harmonic.
struct Wrist {
  int16_t xyz[3 * ATOME_IMU_SUB];
  constexpr Wrist() : xyz() {
    Noise noise{0xC0FFEEu};
    for (uint32_t n = 0; n < ATOME_IMU_SUB; ++n) {
      const int32_t step = isin(phase_at(n, 1800, 50), 700) + isin(phase_at(n, 3600, 50), 250);
      xyz[3 * n + 0] = clamp16(300 + step / 2 + noise.next(60));
      xyz[3 * n + 1] = clamp16(-200 + isin(phase_at(n, 900, 50), 400) + noise.next(60));
      xyz[3 * n + 2] = clamp16(1950 + step + noise.next(60));
    }
  }
};
constexpr Wrist kWrist;

// Ten mains cycles at 128 samples each: 230 V rms (v in 10 mV), a current of 6 A peak (0.1 mA)
// lagging 20 degrees with 3rd, 5th and 7th harmonics, as a rectifier front end draws.
struct Mains {
  int32_t i[ATOME_POWER_N];
  int32_t v[ATOME_POWER_N];
  constexpr Mains() : i(), v() {
    Noise noise{0x600DF00Du};
    for (uint32_t n = 0; n < ATOME_POWER_N; ++n) {
      const uint32_t ph = (n % ATOME_POWER_CYCLE) * 65536u / ATOME_POWER_CYCLE;
      v[n] = isin(ph, 32527) + noise.next(20);
      i[n] = isin((ph - 3641u) & 0xFFFFu, 60000) + isin((3 * ph + 9000u) & 0xFFFFu, 18000) +
             isin((5 * ph + 2000u) & 0xFFFFu, 9000) + isin((7 * ph) & 0xFFFFu, 4000) +
             noise.next(150);
    }
  }
};
constexpr Mains kMains;

// A flow meter's reed switch sampled at 1 kHz: a pulse every 37 samples, each rising edge
// bouncing for 2 samples; the counter's debounce (3) must count each pulse once.
constexpr uint32_t kPulseN = 2000;
struct Reed {
  uint8_t x[kPulseN];
  constexpr Reed() : x() {
    for (uint32_t n = 0; n < kPulseN; ++n) {
      const uint32_t k = n % 37;
      x[n] = static_cast<uint8_t>(k >= 10 && k < 24 && k != 11 ? 1 : 0);
    }
  }
};
constexpr Reed kReed;

// 30 s of a PPG at 50 Hz: 72 bpm with a dicrotic harmonic, a slow respiratory drift, noise.
struct Ppg {
  int16_t x[ATOME_PPG_N];
  constexpr Ppg() : x() {
    Noise noise{0x5EEDu};
    for (uint32_t n = 0; n < ATOME_PPG_N; ++n)
      x[n] = clamp16(2000 + isin(phase_at(n, 1200, 50), 800) +
                     isin(phase_at(n, 2400, 50, 16000), 260) + isin(phase_at(n, 250, 50), 300) +
                     noise.next(25));
  }
};
constexpr Ppg kPpg;

// 1 s of a machine's vibration at 2048 Hz, 0.01 m/s^2 per LSB: 1x at 24.5 Hz (3 m/s^2),
// 2x, a 157 Hz gear mesh, noise.
struct Machine {
  int16_t x[ATOME_VEL_N];
  constexpr Machine() : x() {
    Noise noise{0xFACADEu};
    for (uint32_t n = 0; n < ATOME_VEL_N; ++n)
      x[n] = clamp16(isin(phase_at(n, 24500, 2048), 300) + isin(phase_at(n, 49000, 2048), 120) +
                     isin(phase_at(n, 157000, 2048), 80) + noise.next(40));
  }
};
constexpr Machine kMachine;

// A slowly rising sensor reading with noise (window statistics), and 16 readings of a channel
// whose last one spikes (the bad-reading check's context, Q16 in 0..1).
struct Readings {
  int32_t window[256];
  int32_t context[ATOME_READING_WINDOW];
  constexpr Readings() : window(), context() {
    Noise noise{0xABCDEFu};
    for (uint32_t n = 0; n < 256; ++n) window[n] = 20000 + int32_t(n) * 12 + noise.next(400);
    for (uint32_t n = 0; n < ATOME_READING_WINDOW; ++n)
      context[n] = 30000 + int32_t(n) * 200 + noise.next(500);
    context[ATOME_READING_WINDOW - 1] = 61000;
  }
};
constexpr Readings kReadings;

// ---- the run ---------------------------------------------------------------------------------

TextLine<512> g_line;  // static: the micro:bit's stack is small

// The extractors' scratch: one at a time, so one union (the PPG's 6.5 KB is the largest).
// The one-pass speech span's kept cepstra (c0..c3 of 48 frames, 768 B) share the union with
// the MFCC work: still below the PPG's size, so no core's RAM grows.
struct MfccKept {
  atome_mfcc_work work;
  int32_t ceps[ATOME_MFCC_KEPT(kAudioN, 4)];
};
union Work {
  atome_mfcc_work mfcc;
  MfccKept kept;
  atome_imu_work imu;
  atome_power_work power;
  atome_ppg_work ppg;
  atome_velocity_work velocity;
  int16_t band[2 * 256];
};
Work g_work;

void put_values(const char* name, atome_apps_status st, const int32_t* v, uint32_t n) {
  g_line.used = 0;
  g_line.put("fe ");
  g_line.put(name);
  g_line.put(" st ");
  g_line.put_u32(st);
  for (uint32_t k = 0; k < n; ++k) {
    g_line.put(" ");
    g_line.put_i32(v[k]);
  }
}

// The derived channels' windows (docs/APPS.md §6, "Derived channels"), Q16.16: an air window
// whose MQ-2 falls as a leak starts, at 24 degC / 50 %RH; an agri day with a soil-moisture
// dropout; a machine's hourly load-normalised vibration rising exponentially after a flat start.
constexpr int32_t kQ16 = 65536;
constexpr int32_t kAirRaw[6 * ATOME_AIR_RAW] = {
    64961,      700 * kQ16, 6554,       24 * kQ16,  50 * kQ16, 60000,      710 * kQ16, 7000,
    24 * kQ16,  50 * kQ16,  40000,      720 * kQ16, 9000,      24 * kQ16,  51 * kQ16,  10000,
    735 * kQ16, 12000,      25 * kQ16,  51 * kQ16,  -20000,    750 * kQ16, 16000,      25 * kQ16,
    52 * kQ16,  -60000,     770 * kQ16, 20000,      25 * kQ16, 52 * kQ16};
constexpr int32_t kAgriRaw[6 * ATOME_AGRI_RAW] = {
    20 * kQ16, 10 * kQ16, 60 * kQ16, 12 * kQ16, 0,         20 * kQ16, 13 * kQ16, 55 * kQ16,
    12 * kQ16, 0,         19 * kQ16, 17 * kQ16, 45 * kQ16, 13 * kQ16, 0,         -5 * kQ16,
    18 * kQ16, 40 * kQ16, 13 * kQ16, 20 * kQ16, 0,         17 * kQ16, 45 * kQ16, 14 * kQ16,
    80 * kQ16, 0,         15 * kQ16, 50 * kQ16, 14 * kQ16, 90 * kQ16};
constexpr uint32_t kTrendHours = 600;
struct Vibration600 {
  int32_t u[kTrendHours];
  constexpr Vibration600() : u() {
    // 1.5 mm/s, then + 0.05 (1 + h / 1000)^8 mm/s (an integer stand-in for exp: 43x by h 600)
    for (uint32_t h = 0; h < kTrendHours; ++h) {
      int64_t g = kQ16;
      for (int k = 0; k < 8; ++k) g = g * (1000 + int64_t(h)) / 1000;
      u[h] = int32_t(3 * kQ16 / 2 + g / 20);
    }
  }
};
constexpr Vibration600 kTrend{};

}  // namespace

const char* const kFrontends[] = {
    "empty",        "mfcc",        "mfcc_cmvn",       "mfcc_span",     "mfcc_scene",
    "band_energy",  "imu",         "power",           "pulse_count",   "ppg_beats",
    "velocity_rms", "stats",       "reading_context", "telem_readout", "wearable_readout",
    "room_balance", "air_readout", "agri_readout",    "trend_alarm"};
const unsigned kNFrontends = sizeof kFrontends / sizeof kFrontends[0];

int atome_frontends_run(void (*emit)(const char* line), void (*mark)()) {
  static int32_t out[ATOME_MFCC_MAX_SEGMENTS * ATOME_MFCC_NCEP];
  int failed = 0;
  auto done = [&](const char* name, atome_apps_status st, uint32_t n) {
    put_values(name, st, out, st == ATOME_APPS_OK ? n : 0);
    emit(g_line.text);
    failed |= st != ATOME_APPS_OK;
  };
  atome_apps_status st = ATOME_APPS_OK;

  mark();  // the bracketing alone
  mark();
  done("empty", st, 0);

  mark();
  st = atome_mfcc(kAudio.x, kAudioN, 4, &g_work.mfcc, out);
  mark();
  done("mfcc", st, 4 * ATOME_MFCC_NCEP);

  mark();
  st = atome_mfcc_cmvn(kAudio.x, kAudioN, 8, 4, &g_work.mfcc, out);
  mark();
  done("mfcc_cmvn", st, 8 * 4);

  mark();
  st = atome_mfcc_cmvn_span(kAudio.x, kAudioN, 8, 4, 4, &g_work.mfcc, out);
  mark();
  done("mfcc_span", st, 8 * 4);

  mark();
  st = atome_mfcc_cmvn_span_kept(kAudio.x, kAudioN, 8, 4, 4, &g_work.kept.work, g_work.kept.ceps,
                                 ATOME_MFCC_KEPT(kAudioN, 4), out);
  mark();
  done("mfcc_span_kept", st, 8 * 4);

  mark();
  st = atome_mfcc_scene(kAudio.x, kAudioN, 4, &g_work.mfcc, out);
  mark();
  done("mfcc_scene", st, 4 * ATOME_MFCC_NCEP);

  atome_band_config band;
  atome_band_config_anomaly(&band, 11);
  mark();
  st = atome_band_energy(&band, kVibration.x, 256, g_work.band, out);
  mark();
  done("band_energy", st, band.n_bands);

  mark();
  st = atome_imu_features(kWrist.xyz, ATOME_IMU_SUB, &g_work.imu, out);
  mark();
  done("imu", st, ATOME_IMU_FEATURES);

  mark();
  st = atome_power_quality(kMains.i, kMains.v, ATOME_POWER_N, &g_work.power, out);
  mark();
  done("power", st, ATOME_POWER_FEATURES);

  atome_pulse_counter pulses;
  mark();
  st = atome_pulse_init(&pulses, 3, 0);
  if (st == ATOME_APPS_OK) st = atome_pulse_feed(&pulses, kReed.x, kPulseN);
  if (st == ATOME_APPS_OK) st = atome_pulse_take(&pulses, 60, 2, out);  // per minute over 2 s
  mark();
  done("pulse_count", st, 1);

  mark();
  st = atome_ppg_features(kPpg.x, ATOME_PPG_N, &g_work.ppg, out);
  mark();
  out[ATOME_PPG_FEATURES] = static_cast<int32_t>(g_work.ppg.n_beats);
  done("ppg_beats", st, ATOME_PPG_FEATURES + 1);

  mark();
  st = atome_velocity_rms(kMachine.x, ATOME_VEL_N, &g_work.velocity, out);
  mark();
  done("velocity_rms", st, 1);

  atome_window_stats stats;
  mark();
  st = atome_stats_window(kReadings.window, 256, &stats);
  mark();
  const int32_t s[7] = {stats.mean, stats.std, stats.rms, stats.slope,
                        stats.min,  stats.max, stats.last};
  for (uint32_t k = 0; k < 7; ++k) out[k] = s[k];
  done("stats", st, 7);

  mark();
  st = atome_reading_context(kReadings.context, ATOME_READING_WINDOW, 16, nullptr, out);
  mark();
  done("reading_context", st, ATOME_READING_FEATURES);

  const atome_telem_refs telem{45 * kQ16, -52 * kQ16, 12000};
  mark();
  st = atome_telem_readout(&telem, 51 * kQ16 + 1234, -70 * kQ16 - 4321, 47000, out);
  mark();
  done("telem_readout", st, ATOME_TELEM_DERIVED);

  const atome_wearable_refs wearer{62 * kQ16, 47 * kQ16 + kQ16 / 2, 2 * kQ16};
  mark();
  st = atome_wearable_readout(&wearer, 131 * kQ16 + 777, 45000, 3 * kQ16 + 999, out);
  mark();
  done("wearable_readout", st, ATOME_WEARABLE_DERIVED);

  const atome_room_refs refs{431 * kQ16, 1 * kQ16 + 20000, 85 * kQ16, 14, 36 * kQ16, 300};
  atome_room_model room;
  mark();
  st = atome_room_prepare(&refs, &room);
  if (st == ATOME_APPS_OK) st = atome_room_step(&room, 690 * kQ16, 742 * kQ16 + 5, 58 * kQ16, out);
  mark();
  done("room_balance", st, ATOME_ROOM_DERIVED);

  mark();
  st = atome_air_readout(441 * kQ16, kAirRaw, 6, out);
  mark();
  done("air_readout", st, 6 * ATOME_AIR_DERIVED);

  mark();
  st = atome_agri_readout(27 * kQ16, kAgriRaw, 6, out);
  mark();
  done("agri_readout", st, 6 * ATOME_AGRI_DERIVED);

  atome_trend_state trend;
  mark();
  st = atome_trend_init(&trend, 3 * kQ16 / 2, 9 * kQ16);
  for (uint32_t h = 0; h < kTrendHours && st == ATOME_APPS_OK; ++h)
    st = atome_trend_push(&trend, kTrend.u[h], out);  // the last hour's outputs are printed
  mark();
  done("trend_alarm", st, ATOME_TREND_DERIVED);

  g_line.used = 0;
  g_line.put(failed ? "done FAIL" : "done OK");
  emit(g_line.text);
  return failed;
}
