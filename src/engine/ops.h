// The float ops of the Atome block, each with its summation order fixed (part of the numerics
// contract: the same order on every target, in the engine and in the trainer's reference).
// Functions here are `static inline`, as in every engine header (see engine/ternary.h).
#ifndef ATOME_ENGINE_OPS_H
#define ATOME_ENGINE_OPS_H

#include <stdint.h>

#include "engine/numerics.h"

namespace atome {

// Sum of n floats in the contract's lane order: term i to lane i % 8, lanes reduced as
// ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)). Written in blocks of eight so that compilers
// can keep the eight lanes in one vector register without reordering anything.
static inline float reduce8(const float lane[8]) {
  return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

static inline float sum_lanes8(const float* x, uint32_t n) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (uint32_t j = 0; j < 8; ++j) lane[j] += x[i + j];
  for (; i < n; ++i) lane[i & 7u] += x[i];
  return reduce8(lane);
}

// Float dot product in the same lane order.
static inline float dot(const float* a, const float* b, uint32_t n) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (uint32_t j = 0; j < 8; ++j) lane[j] += a[i + j] * b[i + j];
  for (; i < n; ++i) lane[i & 7u] += a[i] * b[i];
  return reduce8(lane);
}

// out = (x - mean) * (1 / sqrt(var + eps)) * gamma + beta, with mean = sum(x) / d and
// var = sum((x - mean)^2) / d, both sums in the lane order above.
// The trainer's backward needs mean and rstd: pass stats (2 floats) to receive them.
static inline void layer_norm(float* out, const float* x, const float* gamma, const float* beta,
                              uint32_t d, float eps, float* stats = nullptr) {
  const float mean = sum_lanes8(x, d) / static_cast<float>(d);
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint32_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (uint32_t j = 0; j < 8; ++j) {
      const float c = x[i + j] - mean;
      lane[j] += c * c;
    }
  }
  for (; i < d; ++i) {
    const float c = x[i] - mean;
    lane[i & 7u] += c * c;
  }
  const float var = reduce8(lane) / static_cast<float>(d);
  const float rstd = 1.0f / sqrt_f(var + eps);
  for (uint32_t k = 0; k < d; ++k) out[k] = (x[k] - mean) * rstd * gamma[k] + beta[k];
  if (stats != nullptr) {
    stats[0] = mean;
    stats[1] = rstd;
  }
}

// In-place softmax over n values: max-subtracted, sum left to right, then a divide each.
// Returns that sum of exp(v - max) and, if max_out is given, stores the max there (the trainer's
// cross-entropy is log(sum) - (v_target - max)).
static inline float softmax(float* v, uint32_t n, float* max_out = nullptr) {
  float max = v[0];
  for (uint32_t i = 1; i < n; ++i) max = v[i] > max ? v[i] : max;
  float sum = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    v[i] = exp_f(v[i] - max);
    sum += v[i];
  }
  for (uint32_t i = 0; i < n; ++i) v[i] = v[i] / sum;
  if (max_out != nullptr) *max_out = max;
  return sum;
}

// One step of the diagonal SSM over d channels: state = decay * state_in + b * h, y = c * state.
// state_in may be state (the engine, one position at a time) or null for a zero state (the
// trainer's first position); the trainer passes the previous position's saved state.
static inline void ssm_step(float* y, float* state, const float* state_in, const float* h,
                            const float* decay, const float* b, const float* c, uint32_t d) {
  for (uint32_t ch = 0; ch < d; ++ch) {
    const float prev = state_in != nullptr ? state_in[ch] : 0.0f;
    state[ch] = decay[ch] * prev + b[ch] * h[ch];
    y[ch] = c[ch] * state[ch];
  }
}

// Top-k selection by score, best first; ties keep the earlier index first. Writes up to k
// indices (count returned) into best[]; best_score[] gets their scores. Score is float (f32 and
// a8 models) or int64 (q15).
template <typename Score>
static inline uint32_t top_k_select(const Score* score, uint32_t n, uint32_t k, uint32_t* best,
                                    Score* best_score) {
  uint32_t count = 0;
  for (uint32_t j = 0; j < n; ++j) {
    const Score s = score[j];
    if (count == k && !(s > best_score[k - 1])) continue;  // not better than the worst kept
    uint32_t pos = count < k ? count++ : k - 1;
    // Shift worse entries down; an equal score stays ahead (it came earlier).
    while (pos > 0 && s > best_score[pos - 1]) {
      best_score[pos] = best_score[pos - 1];
      best[pos] = best[pos - 1];
      --pos;
    }
    best_score[pos] = s;
    best[pos] = j;
  }
  return count;
}

}  // namespace atome

#endif  // ATOME_ENGINE_OPS_H
