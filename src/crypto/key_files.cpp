#include "crypto/key_files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "host/errors.h"

namespace atome {

namespace {

constexpr size_t kMaxKeyFileBytes = 4096;  // a key file is one short line; anything longer is not

void require_sodium() {
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
}

std::string os_error(const std::string& path, const char* what) {
  return path + ": " + what + ": " + std::strerror(errno);
}

// Closes the descriptor on every path out of a function.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The file's text, wiped afterwards by the caller's buffer (it may hold a secret key).
struct Text {
  std::vector<char> bytes;
  ~Text() {
    if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  }
};

// Reads a small regular file; `mode` receives its permission bits.
void read_small_file(const std::string& path, Text& text, mode_t& mode) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) throw IoError(os_error(path, "cannot open"));
  struct stat st;
  if (::fstat(f.fd, &st) != 0) throw IoError(os_error(path, "cannot stat"));
  if (!S_ISREG(st.st_mode)) throw IoError(path + ": not a regular file");
  if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes))
    throw FormatError(path + ": not a key file (longer than " + std::to_string(kMaxKeyFileBytes) +
                      " bytes)");
  mode = st.st_mode & 07777;
  text.bytes.resize(kMaxKeyFileBytes);
  size_t used = 0;
  for (;;) {
    const ssize_t n = ::read(f.fd, text.bytes.data() + used, text.bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError(os_error(path, "cannot read"));
    if (n == 0) break;
    used += static_cast<size_t>(n);
    if (used == text.bytes.size()) throw FormatError(path + ": not a key file (too long)");
  }
  text.bytes.resize(used);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Decodes the file's one hex token of exactly n bytes into out.
void decode_key_text(const std::string& path, const Text& text, uint8_t* out, size_t n,
                     const char* what) {
  size_t begin = 0, end = text.bytes.size();
  while (begin < end && is_space(text.bytes[begin])) ++begin;
  while (end > begin && is_space(text.bytes[end - 1])) --end;
  size_t bin_len = 0;
  const char* hex_end = nullptr;
  const bool ok = end - begin == 2 * n &&
                  sodium_hex2bin(out, n, text.bytes.data() + begin, end - begin, nullptr, &bin_len,
                                 &hex_end) == 0 &&
                  bin_len == n && hex_end == text.bytes.data() + end;
  if (!ok) {
    sodium_memzero(out, n);
    throw FormatError(path + ": not " + what + " (expected exactly " + std::to_string(2 * n) +
                      " hex digits on one line)");
  }
}

// Creates path exclusively with the given mode, forced with fchmod (the umask only removes bits,
// and a key file must be exactly 0600), writes text and fsyncs it.
void write_new_file(const std::string& path, const std::string& text, mode_t mode) {
  Fd f(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode));
  if (f.fd < 0) {
    if (errno == EEXIST) throw IoError(path + ": already exists; not overwriting a key file");
    throw IoError(os_error(path, "cannot create"));
  }
  if (::fchmod(f.fd, mode) != 0) throw IoError(os_error(path, "cannot set the file mode"));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(f.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw IoError(os_error(path, "cannot write"));
    done += static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) throw IoError(os_error(path, "cannot write"));
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) throw IoError(os_error(path, "cannot write"));
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

SecretKey::~SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

PublicKey SecretKey::public_key() const {
  PublicKey pk;
  std::memcpy(pk.data(), bytes_.data() + (kSecretKeyBytes - kPublicKeyBytes), kPublicKeyBytes);
  return pk;
}

void generate_key(SecretKey& out) {
  require_sodium();
  PublicKey pk;
  crypto_sign_keypair(pk.data(), out.data());
}

std::string to_hex(const uint8_t* bytes, size_t n) {
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.pop_back();
  return hex;
}

bool from_hex(const std::string& hex, uint8_t* out, size_t n) {
  size_t bin_len = 0;
  const char* hex_end = nullptr;
  return hex.size() == 2 * n &&
         sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &bin_len, &hex_end) == 0 &&
         bin_len == n && hex_end == hex.data() + hex.size();
}

void write_key_pair(const std::string& name, const SecretKey& key) {
  require_sodium();
  const std::string key_path = name + ".key", pub_path = name + ".pub";
  for (const std::string& p : {key_path, pub_path})
    if (exists(p)) throw IoError(p + ": already exists; not overwriting a key file");
  std::string secret_hex = to_hex(key.data(), kSecretKeyBytes) + "\n";
  try {
    write_new_file(key_path, secret_hex, 0600);
  } catch (...) {
    sodium_memzero(secret_hex.data(), secret_hex.size());
    throw;
  }
  sodium_memzero(secret_hex.data(), secret_hex.size());
  const PublicKey pk = key.public_key();
  try {
    write_new_file(pub_path, to_hex(pk.data(), pk.size()) + "\n", 0644);
  } catch (...) {
    ::unlink(key_path.c_str());  // no secret without its public half
    throw;
  }
}

void read_secret_key_file(const std::string& path, SecretKey& out) {
  require_sodium();
  Text text;
  mode_t mode = 0;
  read_small_file(path, text, mode);
  if ((mode & 077) != 0) {
    char octal[16];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    throw IoError(path + ": mode " + octal +
                  " lets group or others read the secret key; run chmod 600 on it");
  }
  decode_key_text(path, text, out.data(), kSecretKeyBytes, "a secret key file");
  // The stored public half must be the seed's: a mismatch would sign with one key and name
  // another in the key id.
  PublicKey derived;
  SecretKey rebuilt;
  crypto_sign_seed_keypair(derived.data(), rebuilt.data(), out.data());
  const PublicKey stored = out.public_key();
  if (sodium_memcmp(derived.data(), stored.data(), kPublicKeyBytes) != 0)
    throw FormatError(path + ": not a valid secret key (its public half does not match its seed)");
}

PublicKey read_public_key_file(const std::string& path) {
  Text text;
  mode_t mode = 0;
  read_small_file(path, text, mode);
  PublicKey pk;
  decode_key_text(path, text, pk.data(), pk.size(), "a public key file");
  return pk;
}

}  // namespace atome
