// The sampler's settings as flags (`atome generate`, `atome chat`) and as REPL commands (chat's
// /temp, /top-p, /top-k, /seed): one place for their help text and their valid ranges.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "atome/atome.h"
#include "host/generation.h"

namespace atome::cli {

// As typed (validate.h parses them); the command sets its own defaults.
struct SamplerFlags {
  std::string temperature = "0";
  std::string top_p = "1";
  std::string top_k = "0";
  std::string seed = "0";
};

void add_sampler_flags(CLI::App* cmd, SamplerFlags* flags);

// Each throws UsageError naming `name` ("--top-p", "/top-p") when the text is out of range.
float parse_temperature(const std::string& text, const char* name);
float parse_top_p(const std::string& text, const char* name);
uint32_t parse_top_k(const std::string& text, const char* name);
uint64_t parse_seed(const std::string& text, const char* name);

SamplerSettings parse_sampler_flags(const SamplerFlags& flags);

// The sampler draws from at most 256 tokens: Error naming `path` for a larger vocabulary.
void check_sampler_vocab(const atome_model& model, const std::string& path);

}  // namespace atome::cli
