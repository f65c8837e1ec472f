// The firmware's job, shared word for word with its host twin (firmware/host_twin.cpp): load the
// embedded model, feed a prompt, generate greedy tokens, and report every step as one line
//   "step <i> token <t> logits_digest <8 hex digits>"
// where the digest (logits_digest.h, 32 bits) covers all vocab_size logits of that step — float
// logits of an f32 / a8 model (atome_step, atome_argmax), int32 Q16 logits of a q15 model
// (atome_step_q16, atome_argmax_i32) — so two runs agree on a line only if their logits are
// bit-identical (up to a 2^-32 chance of a collision; one changed logit always shows). The
// last line is "done <n>". Built with ATOME_FLOAT_PATH=0 (integer-only engine) it runs q15 models
// only and uses no floating point.
#ifndef ATOME_FIRMWARE_GENERATION_H
#define ATOME_FIRMWARE_GENERATION_H

#include <stddef.h>
#include <stdint.h>

// Writes one NUL-terminated line (without newline; the sink adds it).
typedef void (*atome_line_sink)(const char* line);

// Returns 0 when every step ran; a nonzero atome_status otherwise (also reported as a line).
int atome_run_generation(const uint8_t* model_image, size_t model_bytes, void* arena,
                         size_t arena_bytes, uint32_t window, const char* prompt, uint32_t n_tokens,
                         atome_line_sink sink);

#endif  // ATOME_FIRMWARE_GENERATION_H
