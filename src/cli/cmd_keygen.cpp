// atome keygen --out NAME
//
// A fresh Ed25519 key pair: NAME.key (the secret, mode 0600, created exclusively: an existing
// file is never overwritten) and NAME.pub (the public key to pin on devices and give to
// `atome verify --pubkey-file`). Prints the two paths and the key id; never a key.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "crypto/key_files.h"
#include "crypto/model_signing.h"

namespace atome::cli {

void add_keygen_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("keygen", "Make an Ed25519 key pair for signing models");
  cmd->add_option("--out", *name, "Writes NAME.key (secret, mode 0600) and NAME.pub")->required();
  cmd->callback([name] {
    SecretKey key;
    generate_key(key);
    write_key_pair(*name, key);
    const PublicKey pk = key.public_key();
    const KeyId id = key_id_of(pk.data());
    std::printf("wrote %s.key (secret key, mode 0600: keep it private)\n", name->c_str());
    std::printf("wrote %s.pub (public key: pin it where models are verified)\n", name->c_str());
    std::printf("key id %s\n", to_hex(id.data(), id.size()).c_str());
  });
}

}  // namespace atome::cli
