// When is a run a CI run? Under CI a missing fixture fails instead of skipping, so the rule must
// not depend on the exact spelling a CI service uses for $CI: the C++ tests (in_ci) and the shell
// scripts (scripts/in-ci.sh) agree on every value, and .ci/run sets it.
#include "fixtures.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// Sets $CI (or unsets it for nullptr) for the lifetime of the object.
class ScopedCi {
 public:
  explicit ScopedCi(const char* value) {
    const char* old = std::getenv("CI");
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value != nullptr)
      ::setenv("CI", value, 1);
    else
      ::unsetenv("CI");
  }
  ~ScopedCi() {
    if (had_)
      ::setenv("CI", old_.c_str(), 1);
    else
      ::unsetenv("CI");
  }

 private:
  bool had_ = false;
  std::string old_;
};

bool script_says_ci() {
  const std::string cmd = std::string(ATOME_SOURCE_DIR) + "/scripts/in-ci.sh";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status));
  return WEXITSTATUS(status) == 0;
}

}  // namespace

TEST(Fixtures, CiModeFollowsTheCiVariable) {
  for (const char* yes : {"true", "True", "TRUE", "1", "yes", "on"}) {
    ScopedCi ci(yes);
    EXPECT_TRUE(atome::test::in_ci()) << "CI=" << yes;
    EXPECT_TRUE(script_says_ci()) << "CI=" << yes;
  }
  for (const char* no : {"", "false", "0", "no", "off", "truex"}) {
    ScopedCi ci(no);
    EXPECT_FALSE(atome::test::in_ci()) << "CI=" << no;
    EXPECT_FALSE(script_says_ci()) << "CI=" << no;
  }
  ScopedCi unset(nullptr);
  EXPECT_FALSE(atome::test::in_ci());
  EXPECT_FALSE(script_says_ci());
}

TEST(Fixtures, CiRunSetsCi) {
  std::ifstream in(std::string(ATOME_SOURCE_DIR) + "/.ci/run");
  ASSERT_TRUE(in) << ".ci/run not found";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\nexport CI=true\n"), std::string::npos)
      << ".ci/run must export CI=true, so that missing fixtures fail the run";
}
