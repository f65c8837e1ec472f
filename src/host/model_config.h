// Architecture configs in one place: the dimensions of the block, the published presets, a
// config assembled from them, and the names of the three pathways.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"

namespace atome {

// The dimensions of an Atome model (the legacy formats store none of them).
struct ModelDims {
  uint32_t d_model = 0;
  uint32_t n_layers = 0;
  uint32_t d_head = 0;
  uint32_t conv_kernel = 5;
  uint32_t top_k = 4;
};

// The published sizes (DESIGN §2): "60k" (the seed's A/B model), "944k", "superesp" (classifier
// base). Null for another name.
struct Preset {
  const char* name;
  ModelDims dims;
};
const std::vector<Preset>& atome_presets();
const Preset* find_preset(const std::string& name);

// The config of an Atome model with these dimensions: a language model (n_classes 0) or a
// classifier, float32 activations, LayerNorm eps 1e-5. A pathway absent from `pathways` has no
// dimensions in the config (docs/FORMAT.md §3 rules 7 and 8).
atome_config make_config(const ModelDims& dims, uint32_t pathways = ATOME_PATH_ALL,
                         uint32_t n_classes = 0);

// The bit of a pathway name; 0 for another name.
uint32_t pathway_bit(const std::string& name);
// The names of the pathways in a mask, in bit order.
std::vector<std::string> pathway_names(uint32_t pathways);

}  // namespace atome
