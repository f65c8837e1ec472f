// atome sign --key NAME.key IN OUT [--version N]
//
// Signs a native model (FORMAT.md §8) with the secret key at model version N (the anti-rollback
// counter a device compares with the last version it accepted). IN must load; an existing
// signature is replaced. OUT is written atomically, so OUT may be IN. Prints the key id, the
// version and the size; never the key or the signature.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "crypto/key_files.h"
#include "crypto/model_signing.h"
#include "host/errors.h"
#include "host/file_io.h"

namespace atome::cli {
namespace {

struct SignOptions {
  std::string key_path;
  std::string in;
  std::string out;
  uint32_t version = 1;
};

void run_sign(const SignOptions& o) {
  SecretKey key;
  read_secret_key_file(o.key_path, key);
  std::vector<uint8_t> signed_image;
  try {
    signed_image = sign_model_image(read_file(o.in), key.data(), o.version);
  } catch (const FormatError& e) {
    throw FormatError(o.in + ": " + e.what());
  }
  write_file_atomic(o.out, signed_image);
  const PublicKey pk = key.public_key();
  const KeyId id = key_id_of(pk.data());
  std::printf("signed %s: key id %s, model version %u, %zu bytes\n", o.out.c_str(),
              to_hex(id.data(), id.size()).c_str(), o.version, signed_image.size());
}

}  // namespace

void add_sign_command(CLI::App& app) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand("sign", "Sign a native model with a secret key");
  cmd->add_option("--key", o->key_path, "Secret key file from `atome keygen` (NAME.key)")
      ->required();
  cmd->add_option("IN", o->in, "Native model file to sign")->required();
  cmd->add_option("OUT", o->out, "Signed model file to write (may be IN)")->required();
  cmd->add_option("--version", o->version,
                  "Model version (anti-rollback counter, 0..4294967295; default 1)")
      ->capture_default_str();
  cmd->callback([o] { run_sign(*o); });
}

}  // namespace atome::cli
