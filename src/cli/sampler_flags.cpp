#include "cli/sampler_flags.h"

#include "cli/validate.h"
#include "host/errors.h"

namespace atome::cli {

void add_sampler_flags(CLI::App* cmd, SamplerFlags* f) {
  cmd->add_option("--temperature", f->temperature, "Sampling temperature; 0 = greedy argmax")
      ->type_name("FLOAT")
      ->capture_default_str();
  cmd->add_option("--top-p", f->top_p, "Nucleus sampling mass, in (0, 1]")
      ->type_name("FLOAT")
      ->capture_default_str();
  cmd->add_option("--top-k", f->top_k, "Sample among the k most likely tokens; 0 = all")
      ->type_name("UINT")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Sampler seed (same seed, same output)")
      ->type_name("UINT")
      ->capture_default_str();
}

float parse_temperature(const std::string& text, const char* name) {
  return parse_float(text, name, 0.0, false, 1e6);
}
float parse_top_p(const std::string& text, const char* name) {
  return parse_float(text, name, 0.0, true, 1.0);
}
uint32_t parse_top_k(const std::string& text, const char* name) {
  return parse_u32(text, name, 0, 256);
}
uint64_t parse_seed(const std::string& text, const char* name) {
  return parse_uint(text, name, 0, UINT64_MAX);
}

SamplerSettings parse_sampler_flags(const SamplerFlags& f) {
  SamplerSettings s;
  s.temperature = parse_temperature(f.temperature, "--temperature");
  s.top_p = parse_top_p(f.top_p, "--top-p");
  s.top_k = parse_top_k(f.top_k, "--top-k");
  s.seed = parse_seed(f.seed, "--seed");
  return s;
}

void check_sampler_vocab(const atome_model& model, const std::string& path) {
  const uint32_t vocab = model.config.vocab_size;
  if (vocab > 256)
    throw Error(path + ": vocabulary of " + std::to_string(vocab) +
                " tokens; the sampler handles at most 256");
}

}  // namespace atome::cli
