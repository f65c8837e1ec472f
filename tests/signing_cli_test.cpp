// `atome keygen / sign / verify` run as a user would: the key file's mode, no overwriting, the
// verdict lines and exit codes, one clear error line for each refusal, keys and signatures never
// in any output, and the original SuperESP's receipts checked against the pinned suite key.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "cli_run.h"
#include "fixtures.h"
#include "signing_helpers.h"

namespace atome::test {
namespace {

class SigningCli : public CliTest {
 protected:
  std::string q(const std::string& name) const { return shell_quote(path(name)); }

  // keygen --out NAME; returns the key id it printed.
  std::string keygen(const std::string& name) {
    const CliResult r = run("keygen --out " + q(name));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    remember(r);
    const size_t at = r.out.find("key id ");
    return at == std::string::npos ? "" : r.out.substr(at + 7, 16);
  }

  CliResult sign(const std::string& key, const std::string& in, const std::string& out,
                 const std::string& extra = "") {
    const CliResult r =
        run("sign --key " + q(key + ".key") + " " + shell_quote(in) + " " + q(out) + extra);
    remember(r);
    return r;
  }

  CliResult verify(const std::string& flags, const std::string& file) {
    const CliResult r = run("verify " + flags + " " + q(file));
    remember(r);
    return r;
  }

  std::string pub(const std::string& key) const { return "--pubkey-file " + q(key + ".pub"); }

  // Every output of every command, to search for secrets afterwards.
  void remember(const CliResult& r) { outputs_ += r.out + r.err; }

  // No hex of the secret key (either half), the public keys, or any signature made, in upper or
  // lower case, in anything printed.
  void expect_no_key_material(const std::vector<std::string>& keys,
                              const std::vector<std::string>& signed_files) {
    std::vector<std::string> secrets;
    for (const std::string& k : keys) {
      const std::string sk = trimmed(read_text(path(k + ".key")));
      ASSERT_EQ(sk.size(), 128u);
      secrets.push_back(sk.substr(0, 64));  // the seed
      secrets.push_back(sk.substr(64));     // the public half
      secrets.push_back(trimmed(read_text(path(k + ".pub"))));
    }
    for (const std::string& f : signed_files) {
      const std::vector<uint8_t> img = read_bytes(path(f));
      ASSERT_GE(img.size(), 64u);
      secrets.push_back(to_hex(img.data() + img.size() - 64, 64));
    }
    std::string lower = outputs_;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ASSERT_FALSE(outputs_.empty());
    for (const std::string& s : secrets) {
      // Even a 16-digit piece of one would be a leak (a key id is 16 digits of a hash, not of a
      // key).
      for (size_t at = 0; at + 16 <= s.size(); at += 16)
        EXPECT_EQ(lower.find(s.substr(at, 16)), std::string::npos) << "key material printed";
    }
  }

  static std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  }

  static std::string to_hex(const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += {digits[p[i] >> 4], digits[p[i] & 15]};
    return s;
  }

  std::string outputs_;
};

TEST_F(SigningCli, KeygenWritesAPrivateKeyAndRefusesToOverwrite) {
  const mode_t old = ::umask(0);  // the child inherits it: the mode must still be 0600
  const std::string id = keygen("k");
  ::umask(old);
  EXPECT_EQ(id.size(), 16u);
  struct stat st;
  ASSERT_EQ(::stat(path("k.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(read_text(path("k.pub")).size(), 65u);
  const std::string before = read_text(path("k.key"));
  const CliResult again = run("keygen --out " + q("k"));
  remember(again);
  expect_one_line_error(again, 1, "already exists");
  EXPECT_EQ(read_text(path("k.key")), before);
  expect_no_key_material({"k"}, {});
}

TEST_F(SigningCli, SignThenVerifyAndEachRefusal) {
  const std::string id_a = keygen("a");
  const std::string id_b = keygen("b");
  const std::string model = model_60k_path();

  CliResult r = sign("a", model, "m.atome", " --version 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("key id " + id_a + ", model version 4, 22304 bytes"), std::string::npos)
      << r.out;

  r = verify(pub("a"), "m.atome");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, path("m.atome") + ": valid, signed by key id " + id_a + ", model version 4\n");
  EXPECT_EQ(verify(pub("b") + " " + pub("a") + " --min-version 4", "m.atome").exit_code, 0);

  expect_one_line_error(verify(pub("b"), "m.atome"), 1,
                        "not pinned (status 26): signed by key id " + id_a);
  expect_one_line_error(verify(pub("a") + " --min-version 5", "m.atome"), 1,
                        "(status 28): model version 4 < minimum 5");

  std::vector<uint8_t> altered = read_bytes(path("m.atome"));
  altered[5000] ^= 0x10;
  write_bytes(path("altered.atome"), altered);
  expect_one_line_error(verify(pub("a"), "altered.atome"), 1, "(status 27)");

  write_bytes(path("plain.atome"), read_bytes(model));
  expect_one_line_error(verify(pub("a"), "plain.atome"), 1, "not signed (status 25)");

  // Re-signing in place with a higher version; the old file is then a rollback.
  r = sign("b", path("m.atome"), "m.atome", " --version 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(verify(pub("b") + " --min-version 5", "m.atome").exit_code, 0);
  EXPECT_EQ(verify(pub("a"), "m.atome").exit_code, 1);  // b's signature replaced a's

  expect_no_key_material({"a", "b"}, {"m.atome", "altered.atome"});
}

TEST_F(SigningCli, BadKeysAndInputsAreOneLineErrors) {
  keygen("k");
  const std::string model = model_60k_path();
  ::chmod(path("k.key").c_str(), 0644);
  expect_one_line_error(sign("k", model, "o.atome"), 1, "chmod 600");
  ::chmod(path("k.key").c_str(), 0600);

  write_bytes(path("bad.key"), std::vector<uint8_t>(128, 'x'));
  ::chmod(path("bad.key").c_str(), 0600);
  expect_one_line_error(sign("bad", model, "o.atome"), 1, "128 hex digits");

  write_bytes(path("junk.atome"), std::vector<uint8_t>(300, 7));
  expect_one_line_error(sign("k", path("junk.atome"), "o.atome"), 1, "junk.atome");
  expect_one_line_error(sign("k", path("missing.atome"), "o.atome"), 1, "missing.atome");
  expect_one_line_error(sign("k", model, "o.atome", " --version -1"), 2, "--version");

  write_bytes(path("bad.pub"), std::vector<uint8_t>(10, 'a'));
  ASSERT_EQ(sign("k", model, "m.atome").exit_code, 0);
  expect_one_line_error(verify("--pubkey-file " + q("bad.pub"), "m.atome"), 1, "bad.pub");
  expect_one_line_error(verify("", "m.atome"), 2, "--pubkey-file");
  EXPECT_FALSE(file_exists(path("o.atome")));
}

TEST_F(SigningCli, OriginalReceiptsVerifyAgainstThePinnedSuiteKey) {
  const std::string dir = reference_path("original-superesp/");
  ATOME_REQUIRE_FIXTURE(dir + "suite_pubkey.txt");
  const std::string pinned = "--pubkey-file " + shell_quote(dir + "suite_pubkey.txt");
  for (const char* head : kOriginalSuperespHeads) {
    const std::string h = dir + head;
    const CliResult r = run("verify --receipt " + shell_quote(h + ".att.json") + " " + pinned +
                            " " + shell_quote(h + ".atomecl"));
    EXPECT_EQ(r.exit_code, 0) << head << ": " << r.err;
    EXPECT_NE(r.out.find(": valid receipt"), std::string::npos) << r.out;
  }
  // A receipt with another head's blob; a key that is not the suite's; not JSON.
  expect_one_line_error(run("verify --receipt " + shell_quote(dir + "air.att.json") + " " + pinned +
                            " " + shell_quote(dir + "motion.atomecl")),
                        1, "motion.atomecl: blob");
  keygen("other");
  expect_one_line_error(run("verify --receipt " + shell_quote(dir + "air.att.json") + " " +
                            pub("other") + " " + shell_quote(dir + "air.atomecl")),
                        1, "does not verify with the pinned key");
  expect_one_line_error(
      run("verify --min-version 2 --receipt " + shell_quote(dir + "air.att.json") + " " + pinned +
          " " + shell_quote(dir + "air.atomecl")),
      2, "excludes");
  expect_one_line_error(run("verify --receipt " + shell_quote(dir + "air.tok.json") + " " + pinned +
                            " " + shell_quote(dir + "air.atomecl")),
                        1, "air.tok.json: receipt has no");
}

}  // namespace
}  // namespace atome::test
