// The signature firmware's job (issue 16), shared word for word with its host twin
// (firmware/verify_twin.cpp): the RFC 8032 vectors through atome_port_ed25519_verify, then the
// signed test model through atome_model_load_verified — pinned test key, another key, a higher
// min_version, the unsigned model, sampled single-bit flips of a RAM copy — and a few tokens of
// the verified model. One line per result; CTest compares the device's lines with the twin's.
#ifndef ATOME_FIRMWARE_SIGNED_CHECKS_H
#define ATOME_FIRMWARE_SIGNED_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "generation.h"

struct atome_signed_checks_input {
  const uint8_t* signed_image;  // the test model signed with the test key (app/test_keys.h)
  size_t signed_bytes;
  const uint8_t* unsigned_image;  // the same model before signing
  size_t unsigned_bytes;
  uint8_t* flip_copy;  // signed_bytes of RAM for the bit flips, or NULL to skip them (M0)
  void* arena;         // a session arena for `window`, for the tokens after verification
  size_t arena_bytes;
  uint32_t window;
  const char* prompt;
  uint32_t n_tokens;
};

// Returns 0 when every result is as expected, 1 otherwise (each result is also a line).
int atome_run_signed_checks(const atome_signed_checks_input* in, atome_line_sink sink);

// Called between the measured steps (empty, never inlined): the instruction-count plugin marks
// its entry (scripts/verify_report.py). Calls, in order: before/after verifying RFC TEST 3, before/
// after the verified load of the signed model, before/after the plain load of the same image.
extern "C" void atome_verify_mark(void);

#endif  // ATOME_FIRMWARE_SIGNED_CHECKS_H
