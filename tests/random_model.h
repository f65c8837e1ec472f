// Random models of any shape, for tests that must not depend on fixtures (odd widths, ablations).
#pragma once

#include <cmath>
#include <random>

#include "engine/format.h"
#include "host/model_data.h"

namespace atome::test {

inline atome_config small_config(uint32_t d, uint32_t layers, uint32_t d_head, uint32_t kernel,
                                 uint32_t top_k, uint32_t pathways = ATOME_PATH_ALL,
                                 uint32_t n_classes = 0) {
  return make_config({d, layers, d_head, kernel, top_k}, pathways, n_classes);
}

// Trits uniform in {-1, 0, 1}, scales ~ 1/sqrt(cols), norms near (1, 0), SSM a around 1.5.
inline HostModel random_model(const atome_config& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> trit(-1, 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  HostModel m;
  m.config = c;
  const uint32_t n = format::tensor_count(c);
  for (uint32_t i = 0; i < n; ++i) {
    const format::TensorSpec s = format::canonical_tensor(c, i);
    HostTensor t = host_tensor(s);
    const size_t count = static_cast<size_t>(s.rows) * s.cols;
    if (s.dtype == format::kDtypeTrit2) {
      t.trits.resize(count);
      for (auto& v : t.trits) v = static_cast<int8_t>(trit(rng));
      t.scale =
          1.0f / std::sqrt(static_cast<float>(s.cols)) * (0.5f + 0.5f * std::fabs(normal(rng)));
    } else {
      t.values.resize(count);
      for (auto& v : t.values) {
        switch (s.kind) {
          case format::kNormGamma:
          case format::kFinalGamma:
            v = 1.0f + 0.1f * normal(rng);
            break;
          case format::kSsmA:
            v = 1.5f + 0.5f * normal(rng);
            break;
          default:
            v = 0.3f * normal(rng);
            break;
        }
      }
    }
    m.tensors.push_back(std::move(t));
  }
  return m;
}

}  // namespace atome::test
