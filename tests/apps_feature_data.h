// Generated sensor data for the applied layer's front-end tests: data/generators/generate.py run
// once per test process (small scale, seed 1) into a temporary folder. Skips without python3 +
// numpy (fails under CI=true).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "fixtures.h"

namespace atome::test {

// The folder holding one subfolder per head, or "" when the generators cannot run.
// Removed when the test process ends.
struct GeneratedHeads {
  std::string dir;
  GeneratedHeads() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atome_apps_data_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) return;
    const std::string cmd = std::string("/usr/bin/python3 ") + ATOME_SOURCE_DIR +
                            "/data/generators/generate.py --scale small --seed 1 --out " + tmpl +
                            " >/dev/null 2>&1";
    const bool ok = std::system(cmd.c_str()) == 0;
    if (ok) dir = tmpl;
    if (!ok) std::filesystem::remove_all(tmpl);
  }
  ~GeneratedHeads() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

inline const std::string& generated_heads_dir() {
  static const GeneratedHeads heads;
  return heads.dir;
}

#define ATOME_REQUIRE_GENERATED_DATA()                                                      \
  do {                                                                                      \
    if (::atome::test::generated_heads_dir().empty()) {                                     \
      if (::atome::test::in_ci()) FAIL() << "data/generators/generate.py failed (CI=true)"; \
      GTEST_SKIP() << "data/generators/generate.py cannot run (python3-numpy missing?)";    \
    }                                                                                       \
  } while (0)

}  // namespace atome::test
