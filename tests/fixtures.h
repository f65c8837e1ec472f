// Locating the reference fixtures in ../shared (or $ATOME_SHARED_DIR). Under CI=true a missing
// fixture fails the test; elsewhere the test is skipped with a message saying so.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace atome::test {

// The original's 12 sensor heads, as its published files and receipts name them
// (../shared/reference/original-superesp/).
inline const char* const kOriginalSuperespHeads[] = {
    "agri",     "air",   "anomaly",     "forecast", "motion", "occupancy",
    "os_telem", "power", "sound_scene", "voice",    "water",  "wearable"};

inline std::string shared_dir() {
  if (const char* env = std::getenv("ATOME_SHARED_DIR")) return env;
  return ATOME_DEFAULT_SHARED_DIR;  // set by tests/CMakeLists.txt to <repo>/../shared
}

inline std::string reference_path(const std::string& relative) {
  return shared_dir() + "/reference/" + relative;
}

inline bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// A CI run: $CI is true, 1, yes or on, in any case (scripts/in-ci.sh is the shell twin).
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  std::string v(ci);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1" || v == "yes" || v == "on";
}

}  // namespace atome::test

// Use at the top of a test: fails under CI=true, skips elsewhere, when the fixture is absent.
#define ATOME_REQUIRE_FIXTURE(path)                                            \
  do {                                                                         \
    const std::string atome_fixture_path_ = (path);                            \
    if (!::atome::test::file_exists(atome_fixture_path_)) {                    \
      if (::atome::test::in_ci()) {                                            \
        FAIL() << "fixture missing (CI=true): " << atome_fixture_path_;        \
      } else {                                                                 \
        GTEST_SKIP() << "fixture not found, skipping (set ATOME_SHARED_DIR): " \
                     << atome_fixture_path_;                                   \
      }                                                                        \
    }                                                                          \
  } while (0)
