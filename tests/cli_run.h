// Running the `atome` command as a user would (a child process via popen) from a test: a fresh
// directory per test, the command's exit code, stdout and stderr, and the CLI's failure contract.
// Shared by the CLI test files; each derives its own fixture from CliTest.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace atome::test {

struct CliResult {
  int exit_code = -1;     // -1 when the process did not exit normally
  bool signaled = false;  // killed by a signal: a crash
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  const std::string s = read_text(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// A fresh directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atome_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const {
    return (std::filesystem::path(dir_) / name).string();
  }

  // Runs `atome <args>` (args already shell-quoted where needed).
  CliResult run(const std::string& args) const {
    const std::string err_file = path("stderr.txt");
    const std::string cmd = shell_quote(ATOME_CLI) + " " + args + " 2>" + shell_quote(err_file);
    CliResult r;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
    const int status = ::pclose(pipe);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    r.signaled = WIFSIGNALED(status);
    r.err = read_text(err_file);
    return r;
  }

  std::string dir_;
};

// The failure contract: nonzero exit, no crash, nothing on stdout, exactly one stderr line.
inline void expect_one_line_error(const CliResult& r, int expected_code,
                                  const std::string& needle) {
  EXPECT_FALSE(r.signaled) << "crashed; stderr: " << r.err;
  EXPECT_EQ(r.exit_code, expected_code) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.rfind("atome: error: ", 0), 0u) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

}  // namespace atome::test
