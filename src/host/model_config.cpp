// See model_config.h.
#include "host/model_config.h"

namespace atome {
namespace {

const char* const kPathwayNames[] = {"conv", "ssm", "attn"};  // bit i of the mask

}  // namespace

const std::vector<Preset>& atome_presets() {
  static const std::vector<Preset> presets = {
      {"60k", {64, 4, 16, 5, 4}}, {"944k", {256, 8, 64, 5, 4}}, {"superesp", {32, 2, 8, 5, 4}}};
  return presets;
}

const Preset* find_preset(const std::string& name) {
  for (const Preset& p : atome_presets()) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

atome_config make_config(const ModelDims& dims, uint32_t pathways, uint32_t n_classes) {
  atome_config c{};
  c.arch = n_classes > 0 ? ATOME_ARCH_CLASSIFIER : ATOME_ARCH_LM;
  c.vocab_size = 256;
  c.d_model = dims.d_model;
  c.n_layers = dims.n_layers;
  c.pathways = pathways;
  c.n_paths = static_cast<uint32_t>(__builtin_popcount(pathways));
  c.conv_kernel = (pathways & ATOME_PATH_CONV) ? dims.conv_kernel : 0;
  c.d_head = (pathways & ATOME_PATH_ATTN) ? dims.d_head : 0;
  c.top_k = (pathways & ATOME_PATH_ATTN) ? dims.top_k : 0;
  c.n_classes = n_classes;
  c.act_bits = 32;
  c.norm_eps = 1e-5f;
  c.context_len = 0;
  return c;
}

uint32_t pathway_bit(const std::string& name) {
  for (uint32_t i = 0; i < 3; ++i) {
    if (name == kPathwayNames[i]) return 1u << i;
  }
  return 0;
}

std::vector<std::string> pathway_names(uint32_t pathways) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < 3; ++i) {
    if (pathways & (1u << i)) names.emplace_back(kPathwayNames[i]);
  }
  return names;
}

}  // namespace atome
