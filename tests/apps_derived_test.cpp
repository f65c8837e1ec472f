// The derived channels of os_telem, wearable and occupancy (apps/telemetry_readout.cpp,
// wearable_readout.cpp, room_balance.cpp) on inputs whose results are exact or known in double,
// and their bad-argument statuses. The generators' own data: scripts/derived-agreement.py.
#include <gtest/gtest.h>

#include <cmath>

#include "apps/fixed_math.h"
#include "atome/apps.h"

namespace atome::test {
namespace {

constexpr int32_t kDerivedOne = 65536;  // 1.0 in Q16.16

TEST(AppsDerived, TelemetryReadsAgainstDayOne) {
  const atome_telem_refs ref{40 * kDerivedOne, -50 * kDerivedOne, 10000};
  int32_t out[ATOME_TELEM_DERIVED];
  // 45.5 degC, -62.25 dBm, 40 ms: +5.5 K, -12.25 dB, log2(4) = 2 (the same mantissa: exact)
  ASSERT_EQ(atome_telem_readout(&ref, 45 * kDerivedOne + kDerivedOne / 2,
                                -62 * kDerivedOne - kDerivedOne / 4, 40000, out),
            ATOME_APPS_OK);
  EXPECT_EQ(out[0], 5 * kDerivedOne + kDerivedOne / 2);
  EXPECT_EQ(out[1], -12 * kDerivedOne - kDerivedOne / 4);
  EXPECT_EQ(out[2], 2 * kDerivedOne);
  // 5 ms: log2(1/2); 30 s is capped at 1 s as the generator caps it: log2(100)
  ASSERT_EQ(atome_telem_readout(&ref, 0, 0, 5000, out), ATOME_APPS_OK);
  EXPECT_EQ(out[2], -kDerivedOne);
  ASSERT_EQ(atome_telem_readout(&ref, 0, 0, 30000000, out), ATOME_APPS_OK);
  EXPECT_NEAR(out[2], std::log2(100.0) * kDerivedOne, 2.0);
  // a 0 us loop is read as 1 us and flagged; a 0 reference is refused
  EXPECT_EQ(atome_telem_readout(&ref, 0, 0, 0, out), ATOME_APPS_INPUT_FLAGGED);
  EXPECT_NEAR(out[2], -std::log2(10000.0) * kDerivedOne, 2.0);
  const atome_telem_refs zero{0, 0, 0};
  EXPECT_EQ(atome_telem_readout(&zero, 0, 0, 1000, out), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_telem_readout(nullptr, 0, 0, 1000, out), ATOME_APPS_ERR_NULL_ARGUMENT);
  EXPECT_EQ(atome_telem_readout(&ref, 0, 0, 1000, nullptr), ATOME_APPS_ERR_NULL_ARGUMENT);
  // int32 extremes saturate instead of wrapping
  const atome_telem_refs low{INT32_MIN, 0, 1};
  ASSERT_EQ(atome_telem_readout(&low, INT32_MAX, 0, 1, out), ATOME_APPS_OK);
  EXPECT_EQ(out[0], INT32_MAX);
}

TEST(AppsDerived, Log10MatchesDouble) {
  double worst = 0;
  for (uint64_t v = 1; v < (uint64_t(1) << 62); v = v * 3 + 1)
    worst = std::fmax(worst, std::fabs(atome_log10_q16(v) / 65536.0 - std::log10(double(v))));
  EXPECT_LT(worst, 2e-5);  // the log2 table's 2^-14 x log10(2) and the final rounding
  EXPECT_EQ(atome_log10_q16(1), 0);
  EXPECT_EQ(atome_log10_q16(0), INT32_MIN);
}

TEST(AppsDerived, WearableReadOut) {
  // 40 years: HR_max 180 exactly; rest 60: a reserve of 120 bpm
  const atome_wearable_refs ref{60 * kDerivedOne, 40 * kDerivedOne, kDerivedOne};
  int32_t out[ATOME_WEARABLE_DERIVED];
  ASSERT_EQ(atome_wearable_readout(&ref, 120 * kDerivedOne, kDerivedOne, kDerivedOne, out),
            ATOME_APPS_OK);
  EXPECT_EQ(out[0], 0);                // log10 of 1 g
  EXPECT_EQ(out[1], 0);                // PI equal to its reference
  EXPECT_EQ(out[2], kDerivedOne / 2);  // (120 - 60) / (180 - 60)
  ASSERT_EQ(atome_wearable_readout(&ref, 30 * kDerivedOne, 10 * kDerivedOne, 4 * kDerivedOne, out),
            ATOME_APPS_OK);
  EXPECT_NEAR(out[0], kDerivedOne, 2.0);                    // log10 of 10 g
  EXPECT_NEAR(out[1], std::log10(4.0) * kDerivedOne, 2.0);  // log10(4 % / 1 %)
  EXPECT_EQ(out[2], -kDerivedOne / 4);                      // 30 bpm: below rest
  // below 1e-3 (65.5 LSB): exactly log10(1e-3), as the generator's floor
  ASSERT_EQ(atome_wearable_readout(&ref, 0, 65, 0, out), ATOME_APPS_OK);
  EXPECT_EQ(out[0], -3 * kDerivedOne);
  EXPECT_EQ(out[1], -3 * kDerivedOne);
  // HR_max = 208 - 0.7 x 33.3: a reference in double
  const atome_wearable_refs odd{55 * kDerivedOne, int32_t(33.3 * kDerivedOne), 3 * kDerivedOne};
  ASSERT_EQ(atome_wearable_readout(&odd, 100 * kDerivedOne, 0, 0, out), ATOME_APPS_OK);
  const double age = int32_t(33.3 * kDerivedOne) / 65536.0;
  EXPECT_NEAR(out[2], (100.0 - 55) / (208 - 0.7 * age - 55) * kDerivedOne, 0.6);
  // references that cannot be read against
  const atome_wearable_refs no_pi{60 * kDerivedOne, 40 * kDerivedOne, 0};
  EXPECT_EQ(atome_wearable_readout(&no_pi, 0, 0, 0, out), ATOME_APPS_ERR_RANGE);
  const atome_wearable_refs old{70 * kDerivedOne, 200 * kDerivedOne, kDerivedOne};  // HR_max 68
  EXPECT_EQ(atome_wearable_readout(&old, 0, 0, 0, out), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_wearable_readout(nullptr, 0, 0, 0, out), ATOME_APPS_ERR_NULL_ARGUMENT);
}

// occupancy.py's _mass_balance in double, for one step.
double derived_room_people(double night, double ach, double vol, int cap, double prev, double co2) {
  const double a = std::exp(-300 * ach / 3600);
  const double css = (co2 - prev * a) / (1 - a);
  return (css - night) * (ach * vol * 1000 / 3600) / (0.0052 * 1e6) / cap;
}

TEST(AppsDerived, RoomMassBalance) {
  const atome_room_refs refs{420 * kDerivedOne, kDerivedOne, 100 * kDerivedOne, 10,
                             35 * kDerivedOne,  300};
  atome_room_model room;
  ASSERT_EQ(atome_room_prepare(&refs, &room), ATOME_APPS_OK);
  EXPECT_NEAR(room.decay_q30, std::exp(-1.0 / 12) * 1073741824.0, 64.0);
  int32_t out[ATOME_ROOM_DERIVED];
  // steady state at 1000 ppm over night: C_ss = C exactly, N = 1000 x 100 / 18720 / 10
  ASSERT_EQ(atome_room_step(&room, 1420 * kDerivedOne, 1420 * kDerivedOne, 50 * kDerivedOne, out),
            ATOME_APPS_OK);
  EXPECT_EQ(out[0], 1000 * kDerivedOne);
  EXPECT_NEAR(out[1], 1000.0 * 100 / 18720 / 10 * kDerivedOne, 1.0);
  EXPECT_EQ(out[2], 15 * kDerivedOne);
  // rising and falling CO2 (people arriving, leaving) against the double formula
  const double cases[][2] = {{500, 560}, {900, 700}, {420, 420}, {380, 450}, {3000, 1000}};
  for (const auto& c : cases) {
    ASSERT_EQ(
        atome_room_step(&room, int32_t(c[0] * kDerivedOne), int32_t(c[1] * kDerivedOne), 0, out),
        ATOME_APPS_OK);
    EXPECT_NEAR(out[1] / 65536.0, derived_room_people(420, 1, 100, 10, c[0], c[1]), 2e-5) << c[0];
  }
  // the decay factor over the whole allowed range (x = ach * 300 / 3600 up to 2)
  for (double ach = 0.05; ach <= 24.0; ach *= 1.7) {
    atome_room_refs r = refs;
    r.ach_q16 = int32_t(ach * kDerivedOne);
    ASSERT_EQ(atome_room_prepare(&r, &room), ATOME_APPS_OK) << ach;
    EXPECT_NEAR(room.decay_q30, std::exp(-300.0 * r.ach_q16 / 65536 / 3600) * 1073741824.0, 64.0)
        << ach;
  }
}

TEST(AppsDerived, RoomRefusesBadReferences) {
  const atome_room_refs good{420 * kDerivedOne, kDerivedOne, 100 * kDerivedOne, 10,
                             35 * kDerivedOne,  300};
  atome_room_model room;
  atome_room_refs r = good;
  r.capacity = 0;
  EXPECT_EQ(atome_room_prepare(&r, &room), ATOME_APPS_ERR_RANGE);
  r = good;
  r.ach_q16 = 0;
  EXPECT_EQ(atome_room_prepare(&r, &room), ATOME_APPS_ERR_RANGE);
  r = good;
  r.ach_q16 = 25 * kDerivedOne;  // 25 air changes an hour over 300 s: beyond x = 2
  EXPECT_EQ(atome_room_prepare(&r, &room), ATOME_APPS_ERR_RANGE);
  r = good;
  r.volume_q16 = -1;
  EXPECT_EQ(atome_room_prepare(&r, &room), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_room_prepare(nullptr, &room), ATOME_APPS_ERR_NULL_ARGUMENT);
  const atome_room_model zeroed{};
  int32_t out[ATOME_ROOM_DERIVED];
  EXPECT_EQ(atome_room_step(&zeroed, 0, 0, 0, out), ATOME_APPS_ERR_NOT_INITIALISED);
  // extreme readings saturate, never overflow
  ASSERT_EQ(atome_room_prepare(&good, &room), ATOME_APPS_OK);
  ASSERT_EQ(atome_room_step(&room, INT32_MIN, INT32_MAX, INT32_MIN, out), ATOME_APPS_OK);
  EXPECT_GT(out[0], 0);
  EXPECT_GT(out[1], 0);
  EXPECT_LT(out[2], 0);
}

// air.py's derive() for one step against the window's first, in double.
double derived_air_ppm(double mq2, double t, double rh) {
  const double rs_r0 = std::pow(10.0, mq2) / ((1 - 0.006 * (rh - 33)) * (1 - 0.01 * (t - 20)));
  return 300.0 * std::pow(std::fmax(rs_r0, 1e-3) / 9.8, -1 / 0.47);
}

TEST(AppsDerived, AirGasRiseOnTheMq2Curve) {
  const auto q = [](double v) { return int32_t(std::lround(v * kDerivedOne)); };
  // step 0: clean air at 20 degC, 33 %RH (both factors 1): 300 ppm; then a leak at other T/RH,
  // a drop, and Rs/R0 below the 1e-3 floor
  const double steps[][5] = {{std::log10(9.8), 700, 0.1, 20, 33},
                             {std::log10(9.8 * std::pow(1300.0 / 300, -0.47)), 800, 0.4, 24, 50},
                             {0.5, 650, -0.2, 18, 25},
                             {-3.5, 700, 0.1, 30, 70}};
  int32_t raw[4 * ATOME_AIR_RAW], out[4 * ATOME_AIR_DERIVED];
  for (int t = 0; t < 4; ++t)
    for (int k = 0; k < ATOME_AIR_RAW; ++k) raw[t * ATOME_AIR_RAW + k] = q(steps[t][k]);
  ASSERT_EQ(atome_air_readout(q(450), raw, 4, out), ATOME_APPS_OK);
  const double p0 = derived_air_ppm(raw[0] / 65536.0, raw[3] / 65536.0, raw[4] / 65536.0);
  EXPECT_NEAR(p0, 300.0, 1e-3);
  for (int t = 0; t < 4; ++t) {
    const int32_t* r = raw + t * ATOME_AIR_RAW;
    const double d = derived_air_ppm(r[0] / 65536.0, r[3] / 65536.0, r[4] / 65536.0) - p0;
    const double want = (d < 0 ? -1 : 1) * std::log10(1 + std::fabs(d) / 10);
    EXPECT_EQ(out[t * 3 + 0], r[1] - q(450)) << t;
    EXPECT_NEAR(out[t * 3 + 1] / 65536.0, want, 1e-3) << t;
    EXPECT_EQ(out[t * 3 + 2], r[2] - raw[2]) << t;
  }
  EXPECT_EQ(out[1], 0);  // the first step's rise is exactly 0
  // outside the model: RH 250 % makes the humidity factor negative; nothing written
  out[0] = 12345;
  raw[2 * ATOME_AIR_RAW + 4] = q(250);
  EXPECT_EQ(atome_air_readout(0, raw, 4, out), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(out[0], 12345);
  EXPECT_EQ(atome_air_readout(0, raw, 0, out), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_air_readout(0, raw, ATOME_AIR_MAX_STEPS + 1, out), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_air_readout(0, nullptr, 4, out), ATOME_APPS_ERR_NULL_ARGUMENT);
}

TEST(AppsDerived, AgriFieldCapacityAndStepScore) {
  const int32_t steps[][5] = {{20, 10, 50, 12, 0},  // first hour: no step
                              {20, 18, 50, 12, 0},  // +8 K in an hour: 2 rates
                              {20, 18, 50, 12, 0},  // unchanged: exactly 0
                              {-5, 18, 50, 12, 0},  // a dropout below the rail: 20 %VWC, 10 rates
                              {0, 18, 50, 12, 0}};  // saturated at 0 as before: no step
  int32_t raw[5 * ATOME_AGRI_RAW], out[5 * ATOME_AGRI_DERIVED];
  for (int t = 0; t < 5; ++t)
    for (int k = 0; k < ATOME_AGRI_RAW; ++k)
      raw[t * ATOME_AGRI_RAW + k] = steps[t][k] * kDerivedOne;
  ASSERT_EQ(atome_agri_readout(25 * kDerivedOne, raw, 5, out), ATOME_APPS_OK);
  EXPECT_EQ(out[0], 80 * kDerivedOne);  // 20 / 25
  EXPECT_EQ(out[1], 0);
  EXPECT_NEAR(out[3], std::log2(3.0) * kDerivedOne, 2.0);
  EXPECT_EQ(out[5], 0);
  EXPECT_EQ(out[6], 0);  // the dropout reads 0 %FC
  EXPECT_NEAR(out[7], std::log2(11.0) * kDerivedOne, 2.0);
  EXPECT_EQ(out[9], 0);
  EXPECT_EQ(atome_agri_readout(0, raw, 5, out), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_agri_readout(kDerivedOne, raw, 0, out), ATOME_APPS_ERR_BAD_LENGTH);
  EXPECT_EQ(atome_agri_readout(kDerivedOne, nullptr, 5, out), ATOME_APPS_ERR_NULL_ARGUMENT);
}

TEST(AppsDerived, TrendToAlarmOnAnExponentialPath) {
  // baseline 1.5 mm/s, alarm 9: u - b0 = 0.05 exp(0.006 h), a straight line in z = ln(u - b0)
  // once above the floor (2 % of 7.5 = 0.15: from hour 184)
  atome_trend_state st;
  ASSERT_EQ(atome_trend_init(&st, int32_t(1.5 * kDerivedOne), 9 * kDerivedOne), ATOME_APPS_OK);
  int32_t out[ATOME_TREND_DERIVED] = {0, 0, 0};
  double sz = 0, shz = 0, sh = 0, shh = 0;
  for (int h = 0; h < 700; ++h) {
    const int32_t u = int32_t(std::lround((1.5 + 0.05 * std::exp(0.006 * h)) * kDerivedOne));
    ASSERT_EQ(atome_trend_push(&st, u, out), ATOME_APPS_OK);
    const double ex = u / 65536.0 - 1.5, z = std::log(std::fmax(ex, 0.15));
    sz += z, shz += h * z, sh += h, shh += double(h) * h;
    const double n = h + 1;
    if (h < 10) continue;
    const double slope = (n * shz - sh * sz) / (n * shh - sh * sh);
    const double now = sz / n + slope * h / 2;
    const double tta = slope > 1e-4 ? (std::log(7.5) - now) / slope : 1e4;
    EXPECT_NEAR(out[0] / 65536.0, ex / 7.5, 1e-5) << h;
    EXPECT_NEAR(out[1] / 16777216.0, slope, 1e-6) << h;  // Q24
    EXPECT_NEAR(out[2] / 65536.0, std::log10(std::fmin(std::fmax(tta, 1.0), 1e4)), 2e-3) << h;
  }
  EXPECT_GT(out[1], 0);
  // a flat history projects no alarm; a zeroed state and a margin below 50 LSB are refused
  ASSERT_EQ(atome_trend_init(&st, kDerivedOne, 9 * kDerivedOne), ATOME_APPS_OK);
  for (int h = 0; h < 30; ++h) ASSERT_EQ(atome_trend_push(&st, kDerivedOne, out), ATOME_APPS_OK);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0);
  EXPECT_EQ(out[2], 4 * kDerivedOne);
  atome_trend_state zeroed{};
  EXPECT_EQ(atome_trend_push(&zeroed, 0, out), ATOME_APPS_ERR_NOT_INITIALISED);
  EXPECT_EQ(atome_trend_init(&st, kDerivedOne, kDerivedOne + 49), ATOME_APPS_ERR_RANGE);
  EXPECT_EQ(atome_trend_init(nullptr, 0, kDerivedOne), ATOME_APPS_ERR_NULL_ARGUMENT);
  // the history's limit: the exact sums stop at ATOME_TREND_MAX_HOURS
  ASSERT_EQ(atome_trend_init(&st, 0, 9 * kDerivedOne), ATOME_APPS_OK);
  for (int h = 0; h < ATOME_TREND_MAX_HOURS; ++h)
    ASSERT_EQ(atome_trend_push(&st, 9 * kDerivedOne, out), ATOME_APPS_OK);
  EXPECT_EQ(atome_trend_push(&st, 0, out), ATOME_APPS_ERR_BAD_LENGTH);
}

TEST(AppsDerived, ExpQ30MatchesDouble) {
  for (double x = -2.0; x <= 2.0; x += 0.0137) {
    const int64_t xq = std::llround(x * 1073741824.0);
    EXPECT_NEAR(double(atome::apps::exp_q30(xq)), std::exp(xq / 1073741824.0) * 1073741824.0,
                std::exp(x) * 64.0)
        << x;
  }
}

}  // namespace
}  // namespace atome::test
