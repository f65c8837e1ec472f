// Key files (src/crypto/key_files.h): the secret key file is created exclusively with mode 0600
// whatever the umask, never overwritten, and read back only when private and well formed.
#include "crypto/key_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <string>
#include <vector>

#include "cli_run.h"
#include "fixtures.h"
#include "host/errors.h"

namespace atome::test {
namespace {

class KeyFiles : public CliTest {
 protected:
  static mode_t mode_of(const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
  }
  static void write_text(const std::string& p, const std::string& text, mode_t mode) {
    std::vector<uint8_t> bytes(text.begin(), text.end());
    write_bytes(p, bytes);
    ::chmod(p.c_str(), mode);
  }
  // Reading must throw an atome::Error whose one line contains `needle` and no key material.
  static void expect_refused(const std::string& p, const std::string& needle) {
    SecretKey k;
    try {
      read_secret_key_file(p, k);
      ADD_FAILURE() << p << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
};

TEST_F(KeyFiles, PairRoundTripsWithMode0600WhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}, mode_t{0277}}) {
    const mode_t old = ::umask(mask);
    const std::string name = path("k" + std::to_string(mask));
    SecretKey key;
    generate_key(key);
    write_key_pair(name, key);
    ::umask(old);
    EXPECT_EQ(mode_of(name + ".key"), 0600u) << "umask " << mask;
    SecretKey back;
    read_secret_key_file(name + ".key", back);
    EXPECT_EQ(std::memcmp(back.data(), key.data(), kSecretKeyBytes), 0);
    EXPECT_EQ(read_public_key_file(name + ".pub"), key.public_key());
    EXPECT_EQ(read_text(name + ".pub").size(), 65u);  // 64 hex digits and a newline
  }
}

TEST_F(KeyFiles, RefusesToOverwriteEitherFile) {
  SecretKey key;
  generate_key(key);
  write_text(path("old.key"), "keep me\n", 0600);
  EXPECT_THROW(write_key_pair(path("old"), key), IoError);
  EXPECT_EQ(read_text(path("old.key")), "keep me\n");
  EXPECT_FALSE(file_exists(path("old.pub")));
  write_text(path("pub.pub"), "keep me too\n", 0644);
  EXPECT_THROW(write_key_pair(path("pub"), key), IoError);
  EXPECT_EQ(read_text(path("pub.pub")), "keep me too\n");
  EXPECT_FALSE(file_exists(path("pub.key")));
}

TEST_F(KeyFiles, RefusesAKeyOthersCanRead) {
  SecretKey key;
  generate_key(key);
  write_key_pair(path("k"), key);
  ::chmod(path("k.key").c_str(), 0640);
  expect_refused(path("k.key"), "chmod 600");
  ::chmod(path("k.key").c_str(), 0604);
  expect_refused(path("k.key"), "chmod 600");
}

TEST_F(KeyFiles, RefusesMalformedSecretKeys) {
  SecretKey key;
  generate_key(key);
  write_key_pair(path("k"), key);
  const std::string good = read_text(path("k.key"));
  ASSERT_EQ(good.size(), 129u);
  write_text(path("short.key"), good.substr(0, 126) + "\n", 0600);
  expect_refused(path("short.key"), "128 hex digits");
  write_text(path("nothex.key"), "zz" + good.substr(2), 0600);
  expect_refused(path("nothex.key"), "128 hex digits");
  write_text(path("two.key"), good + good, 0600);
  expect_refused(path("two.key"), "128 hex digits");
  write_text(path("empty.key"), "", 0600);
  expect_refused(path("empty.key"), "128 hex digits");
  // The public half edited: one hex digit of the last byte changed.
  std::string edited = good;
  edited[127] = edited[127] == '0' ? '1' : '0';
  write_text(path("edited.key"), edited, 0600);
  expect_refused(path("edited.key"), "does not match its seed");
  // Whitespace around the digits is fine (a file edited by hand, CRLF).
  write_text(path("crlf.key"), "  " + good.substr(0, 128) + "\r\n", 0600);
  SecretKey back;
  EXPECT_NO_THROW(read_secret_key_file(path("crlf.key"), back));
  expect_refused(path("missing.key"), "cannot open");
}

TEST_F(KeyFiles, RefusesMalformedPublicKeys) {
  write_text(path("a.pub"), std::string(63, 'a') + "\n", 0644);
  EXPECT_THROW(read_public_key_file(path("a.pub")), FormatError);
  write_text(path("b.pub"), std::string(64, 'g') + "\n", 0644);
  EXPECT_THROW(read_public_key_file(path("b.pub")), FormatError);
  write_text(path("c.pub"), std::string(128, 'a') + "\n", 0644);
  EXPECT_THROW(read_public_key_file(path("c.pub")), FormatError);
  write_text(path("d.pub"), std::string(64, 'A') + "\n", 0644);  // upper case is hex too
  EXPECT_NO_THROW(read_public_key_file(path("d.pub")));
}

}  // namespace
}  // namespace atome::test
