// Token sampling: argmax at temperature 0, else temperature / top-k / top-p and one seeded draw.
// Integer RNG and the engine's own exp, so a seed gives the same tokens on every target.
#include "atome/atome.h"
#include "engine/numerics.h"

namespace {

// xorshift64* (Vigna): 64-bit state, never zero.
uint64_t next_u64(uint64_t* state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1Dull;
}

// Uniform float in [0, 1) from the top 24 bits.
float next_unit(uint64_t* state) {
  return static_cast<float>(next_u64(state) >> 40) * (1.0f / 16777216.0f);
}

// Sorts candidates by probability, highest first (ties: lower id first). Insertion sort: n is at
// most 256 and this runs once per token.
void sort_desc(float* prob, uint16_t* id, uint32_t n) {
  for (uint32_t i = 1; i < n; ++i) {
    const float p = prob[i];
    const uint16_t t = id[i];
    uint32_t j = i;
    while (j > 0 && (prob[j - 1] < p || (prob[j - 1] == p && id[j - 1] > t))) {
      prob[j] = prob[j - 1];
      id[j] = id[j - 1];
      --j;
    }
    prob[j] = p;
    id[j] = t;
  }
}

}  // namespace

extern "C" {

uint32_t atome_argmax(const float* values, uint32_t n) {
  uint32_t best = 0;
  for (uint32_t i = 1; i < n; ++i) {
    if (values[i] > values[best]) best = i;
  }
  return best;
}

// The running maximum held in a register, and a branch taken only to a new maximum (rare after
// the first few logits): a post-incremented load, a compare and a not-taken branch per logit,
// besides the loop's compare; `values[i] > values[best]` reloaded the maximum and updated it in
// an IT block each time (~9 instructions a logit on M4: 2.3 K a token of a 256-entry
// vocabulary). -O2 without if-conversion: at -Os, or with it, GCC turns the branch back into that
// IT block. `after` is one past the maximum, so the loop keeps no copy of the pointer. Strict >:
// the first index of a tie, as before.
__attribute__((optimize("O2", "no-if-conversion", "no-if-conversion2"))) uint32_t atome_argmax_i32(
    const int32_t* values, uint32_t n) {
  if (n == 0) return 0;
  const int32_t* after = values + 1;
  int32_t best_value = *values;
  for (const int32_t *p = values + 1, *end = values + n; p != end;) {
    const int32_t v = *p++;
    if (__builtin_expect(v > best_value, 0)) {
      best_value = v;
      after = p;
    }
  }
  return static_cast<uint32_t>(after - values - 1);
}

void atome_sampler_init(atome_sampler* s, float temperature, float top_p, uint32_t top_k,
                        uint64_t seed) {
  if (s == nullptr) return;
  s->temperature = temperature;
  s->top_p = top_p;
  s->top_k = top_k;
  // SplitMix64 of the seed, so that nearby seeds start far apart and the state is never zero.
  uint64_t state = seed;
  const uint64_t z = atome::splitmix64(&state);
  s->rng_state = z == 0 ? 0x9E3779B97F4A7C15ull : z;
}

uint32_t atome_sample(atome_sampler* s, const float* logits, uint32_t n,
                      atome_sampler_scratch* scratch) {
  if (n == 0 || logits == nullptr) return 0;
  if (n > 256) n = 256;
  if (s == nullptr || scratch == nullptr || !(s->temperature > 0.0f))
    return atome_argmax(logits, n);
  const uint32_t best = atome_argmax(logits, n);
  const float max = logits[best];
  float sum = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    scratch->prob[i] = atome::exp_f((logits[i] - max) / s->temperature);
    scratch->id[i] = static_cast<uint16_t>(i);
    sum += scratch->prob[i];
  }
  for (uint32_t i = 0; i < n; ++i) scratch->prob[i] = scratch->prob[i] / sum;
  sort_desc(scratch->prob, scratch->id, n);
  uint32_t keep = n;
  if (s->top_k > 0 && s->top_k < keep) keep = s->top_k;
  if (s->top_p > 0.0f && s->top_p < 1.0f) {
    float mass = 0.0f;
    for (uint32_t i = 0; i < keep; ++i) {
      mass += scratch->prob[i];
      if (mass >= s->top_p) {
        keep = i + 1;
        break;
      }
    }
  }
  float kept_mass = 0.0f;
  for (uint32_t i = 0; i < keep; ++i) kept_mass += scratch->prob[i];
  const float target = next_unit(&s->rng_state) * kept_mass;
  float cumulative = 0.0f;
  for (uint32_t i = 0; i < keep; ++i) {
    cumulative += scratch->prob[i];
    if (target < cumulative) return scratch->id[i];
  }
  return scratch->id[keep - 1];  // rounding left target at the very top
}

const char* atome_status_str(atome_status status) {
  switch (status) {
    case ATOME_OK:
      return "ok";
    case ATOME_ERR_NULL_ARGUMENT:
      return "a required pointer is NULL";
    case ATOME_ERR_MISALIGNED:
      return "buffer is not aligned as required";
    case ATOME_ERR_TRUNCATED:
      return "model image is truncated";
    case ATOME_ERR_BAD_MAGIC:
      return "not an Atome native model (bad magic)";
    case ATOME_ERR_VERSION:
      return "unsupported model format version";
    case ATOME_ERR_SIZE_MISMATCH:
      return "model image has trailing bytes beyond its declared size";
    case ATOME_ERR_CHECKSUM:
      return "model checksum (CRC-32) mismatch: file damaged or altered";
    case ATOME_ERR_BAD_HEADER:
      return "invalid model header";
    case ATOME_ERR_BAD_CONFIG:
      return "invalid model architecture config";
    case ATOME_ERR_BAD_TENSOR:
      return "invalid tensor table entry";
    case ATOME_ERR_BAD_WEIGHTS:
      return "invalid weight data (bad trit code, non-finite float or out-of-range integer)";
    case ATOME_ERR_BAD_SIGNATURE_BLOCK:
      return "malformed signature block";
    case ATOME_ERR_BUFFER_TOO_SMALL:
      return "buffer too small";
    case ATOME_ERR_BAD_WINDOW:
      return "invalid attention window";
    case ATOME_ERR_BAD_TOKEN:
      return "token id out of range";
    case ATOME_ERR_NOT_CLASSIFIER:
      return "model has no classifier head";
    case ATOME_ERR_NO_TOKENS:
      return "no token has been fed";
    case ATOME_ERR_BAD_ARGUMENT:
      return "invalid argument";
    case ATOME_ERR_STATE_TOO_LARGE:
      return "session state too large for this machine's address space";
    case ATOME_ERR_UNSUPPORTED:
      return "model not supported by this build (numerics mode, compact layout or classifier "
             "metadata "
             "left out)";
    case ATOME_ERR_WRONG_NUMERICS:
      return "call not available for this model's numerics mode";
    case ATOME_ERR_BAD_METADATA:
      return "invalid classifier metadata section";
    case ATOME_ERR_NO_METADATA:
      return "model has no classifier metadata section";
    case ATOME_ERR_NO_UNEMBED:
      return "classifier file has no unembedding: no next-token logits";
    case ATOME_ERR_UNSIGNED:
      return "model is not signed";
    case ATOME_ERR_UNTRUSTED_KEY:
      return "model is signed by a key that is not pinned";
    case ATOME_ERR_BAD_SIGNATURE:
      return "signature does not verify: model altered or signed by another key";
    case ATOME_ERR_ROLLBACK:
      return "model version is below the minimum accepted (rollback)";
  }
  return "unknown status";
}

}  // extern "C"
