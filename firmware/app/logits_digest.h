// The per-step digest of the logits on the parity lines ("logits_digest <8 hex digits>"): one
// 32-bit value over every logit of the step, computed by this one header on the device and in
// its host twin, so two runs print the same digest only if (up to a 2^-32 chance) every logit is
// bit-identical. It replaced the CRC-32 of the logits bytes (half-byte table), which cost ~11.8 K
// instructions per token on M4 (~0.2 per weight of the 60K model): a word at a time,
// h = (rotl(h, 5) ^ w) * 0x9E3779B1, is three instructions a logit on Arm (ldr, eor with a rotated
// operand, mul). Why not the multiply-add h = h K + w (two): changes confined to the top bit of
// an even number of logits cancel there (2^31 (K^a + K^b) = 0 mod 2^32); the rotation carries
// each bit down into the low bits of later products. One changed logit always changes the
// digest: each step is a bijection of h for a fixed word and of the word for a fixed h.
#ifndef ATOME_FIRMWARE_LOGITS_DIGEST_H
#define ATOME_FIRMWARE_LOGITS_DIGEST_H

#include <stdint.h>

namespace logits_digest_detail {
inline uint32_t mix(uint32_t h, uint32_t w) {
  return (((h << 5) | (h >> 27)) ^ w) * 0x9E3779B1u;
}
// The logit's bits by value: an aligned load on every core (a 4-byte memcpy from the pointer was a
// call to memcpy on M0, ~30 instructions a logit).
template <typename Logit>
inline uint32_t word(const Logit* p) {
  return __builtin_bit_cast(uint32_t, *p);
}
}  // namespace logits_digest_detail

// Logit: float (f32 / a8 models) or int32_t (q15 models' Q16 logits); its raw 32-bit pattern.
// Four logits a loop step, at -O2 (the app is built -Os, which reloaded the constant from the
// literal pool for every logit): ~3.5 instructions a logit on M4 instead of 7.
template <typename Logit>
__attribute__((optimize("O2"))) uint32_t logits_digest(const Logit* logits, uint32_t n) {
  static_assert(sizeof(Logit) == 4, "the digest reads 32-bit logits");
  using logits_digest_detail::mix;
  using logits_digest_detail::word;
  uint32_t h = 0x811C9DC5u;
  uint32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    h = mix(h, word(logits + i));
    h = mix(h, word(logits + i + 1));
    h = mix(h, word(logits + i + 2));
    h = mix(h, word(logits + i + 3));
  }
  for (; i < n; ++i) h = mix(h, word(logits + i));
  return h;
}

#endif  // ATOME_FIRMWARE_LOGITS_DIGEST_H
