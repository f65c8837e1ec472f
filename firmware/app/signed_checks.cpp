// See signed_checks.h. Freestanding: no printf, no heap; the only writable buffers are the
// caller's (flip copy, arena) and the small copies below.
#include "signed_checks.h"

#include "../../tests/rfc8032_vectors.h"
#include "atome/atome.h"
#include "line.h"
#include "test_keys.h"

extern "C" __attribute__((noinline)) void atome_verify_mark(void) {
  __asm volatile("" ::: "memory");  // keeps the call and the symbol: the plugin counts from here
}

namespace {

// "<code> <text>", e.g. "27 signature does not verify: ...".
Line status_text(atome_status st) {
  Line line;
  line.put_u32(static_cast<uint32_t>(st));
  line.put(" ");
  line.put(atome_status_str(st));
  return line;
}

struct Checker {
  atome_line_sink sink;
  bool all_ok = true;

  void result(const char* what, const char* detail, bool as_expected) {
    Line line;
    line.put(what);
    line.put(": ");
    line.put(detail);
    if (!as_expected) {
      line.put(" UNEXPECTED");
      all_ok = false;
    }
    sink(line.text);
  }
  // A verifier result line: "rfc8032 <name> <case>: verified|rejected".
  void rfc(const rfc8032_vector& v, const char* which, bool verified, bool expect_verified) {
    Line what;
    what.put("rfc8032 ");
    what.put(v.name);
    what.put(" ");
    what.put(which);
    result(what.text, verified ? "verified" : "rejected", verified == expect_verified);
  }
  // A verified-load line: "model <case>: <status>".
  void load(const char* which, atome_status got, atome_status expected) {
    Line what;
    what.put("model ");
    what.put(which);
    result(what.text, status_text(got).text, got == expected);
  }
};

bool verifies(const uint8_t* sig, const uint8_t* msg, size_t n, const uint8_t* key) {
  return atome_port_ed25519_verify(sig, msg, n, key) == 0;
}

// Each vector verifies; one flipped bit of the message, of the signature's R and S halves, or of
// the public key makes it fail.
// `scratch` holds a copy of a message to flip one of its bits (the session arena, unused until the
// tokens at the end: the micro:bit has no RAM to spare for the 1,023-byte message of TEST 1024).
void rfc8032_checks(Checker& c, uint8_t* scratch, size_t scratch_bytes) {
  for (size_t i = 0; i < rfc8032_vector_count; ++i) {
    const rfc8032_vector& v = rfc8032_vectors[i];
    if (i == 2) atome_verify_mark();  // TEST 3: the short message the report measures
    c.rfc(v, "valid", verifies(v.signature, v.message, v.message_bytes, v.public_key), true);
    if (i == 2) atome_verify_mark();
    if (v.message_bytes > 0 && v.message_bytes <= scratch_bytes) {
      __builtin_memcpy(scratch, v.message, v.message_bytes);
      scratch[v.message_bytes / 2] ^= 0x01u;
      c.rfc(v, "message bit flipped", verifies(v.signature, scratch, v.message_bytes, v.public_key),
            false);
    }
    uint8_t sig[64];
    __builtin_memcpy(sig, v.signature, sizeof sig);
    sig[0] ^= 0x01u;  // R
    c.rfc(v, "signature R bit flipped", verifies(sig, v.message, v.message_bytes, v.public_key),
          false);
    __builtin_memcpy(sig, v.signature, sizeof sig);
    sig[32] ^= 0x01u;  // S
    c.rfc(v, "signature S bit flipped", verifies(sig, v.message, v.message_bytes, v.public_key),
          false);
    uint8_t key[32];
    __builtin_memcpy(key, v.public_key, sizeof key);
    key[0] ^= 0x01u;
    c.rfc(v, "key bit flipped", verifies(v.signature, v.message, v.message_bytes, key), false);
  }
}

// 64 deterministic single-bit flips spread over the file: 16 in the first 256 bytes (header and
// tensor table), 32 evenly over the payloads, 16 in the 96-byte signature block (every field).
void flip_position(size_t n, uint32_t i, size_t* offset, uint32_t* bit) {
  if (i < 16) {
    *offset = 16u * i + (i & 7u);
    *bit = i % 8u;
  } else if (i < 48) {
    *offset = 256u + static_cast<size_t>(i - 16u) * (n - 352u) / 32u;
    *bit = (i * 3u) % 8u;
  } else {
    *offset = n - 96u + 6u * (i - 48u);
    *bit = (i * 5u) % 8u;
  }
}

void flip_checks(Checker& c, const atome_signed_checks_input& in, const atome_pinned_key& key) {
  if (in.flip_copy == nullptr) {
    c.sink("flips: skipped (no RAM for a copy of the model on this core)");
    return;
  }
  __builtin_memcpy(in.flip_copy, in.signed_image, in.signed_bytes);
  for (uint32_t i = 0; i < 64; ++i) {
    size_t offset;
    uint32_t bit;
    flip_position(in.signed_bytes, i, &offset, &bit);
    const uint8_t mask = static_cast<uint8_t>(1u << bit);
    in.flip_copy[offset] ^= mask;
    atome_model model;
    const atome_status st =
        atome_model_load_verified(&model, in.flip_copy, in.signed_bytes, &key, 1, 0, nullptr);
    in.flip_copy[offset] ^= mask;
    Line what;
    what.put("flip byte ");
    what.put_u32(static_cast<uint32_t>(offset));
    what.put(" bit ");
    what.put_u32(bit);
    c.result(what.text, status_text(st).text, st != ATOME_OK);
  }
  atome_model model;
  c.load("flip copy restored",
         atome_model_load_verified(&model, in.flip_copy, in.signed_bytes, &key, 1, 0, nullptr),
         ATOME_OK);
}

}  // namespace

int atome_run_signed_checks(const atome_signed_checks_input* in, atome_line_sink sink) {
  Checker c{sink};
  rfc8032_checks(c, static_cast<uint8_t*>(in->arena), in->arena_bytes);

  atome_pinned_key test_key;
  __builtin_memcpy(test_key.public_key, atome_test_public_key, 32);
  atome_pinned_key other_key;  // a valid key that did not sign the model
  __builtin_memcpy(other_key.public_key, rfc8032_vectors[0].public_key, 32);
  atome_pinned_key both[2] = {other_key, test_key};
  const uint32_t version = atome_test_model_version;
  atome_model model;
  uint32_t accepted = 0;

  atome_verify_mark();
  const atome_status ok = atome_model_load_verified(&model, in->signed_image, in->signed_bytes,
                                                    &test_key, 1, version, &accepted);
  atome_verify_mark();
  atome_verify_mark();
  const atome_status plain = atome_model_load(&model, in->signed_image, in->signed_bytes);
  atome_verify_mark();
  c.load("pinned test key, min_version 7", ok, ATOME_OK);
  c.result("model accepted version", accepted == version ? "7" : "other", accepted == version);
  c.load("unverified load", plain, ATOME_OK);
  c.load("pinned other key and test key",
         atome_model_load_verified(&model, in->signed_image, in->signed_bytes, both, 2, 0, nullptr),
         ATOME_OK);
  c.load("pinned other key",
         atome_model_load_verified(&model, in->signed_image, in->signed_bytes, &other_key, 1, 0,
                                   nullptr),
         ATOME_ERR_UNTRUSTED_KEY);
  c.load(
      "no pinned key",
      atome_model_load_verified(&model, in->signed_image, in->signed_bytes, nullptr, 0, 0, nullptr),
      ATOME_ERR_UNTRUSTED_KEY);
  c.load("min_version 8",
         atome_model_load_verified(&model, in->signed_image, in->signed_bytes, &test_key, 1,
                                   version + 1, nullptr),
         ATOME_ERR_ROLLBACK);
  c.load("unsigned",
         atome_model_load_verified(&model, in->unsigned_image, in->unsigned_bytes, &test_key, 1, 0,
                                   nullptr),
         ATOME_ERR_UNSIGNED);
  flip_checks(c, *in, test_key);

  // The verified model runs: a few greedy tokens (the lines of app/generation.cpp).
  if (ok == ATOME_OK &&
      atome_run_generation(in->signed_image, in->signed_bytes, in->arena, in->arena_bytes,
                           in->window, in->prompt, in->n_tokens, sink) != 0)
    c.all_ok = false;
  sink(c.all_ok ? "signed checks: all as expected" : "signed checks: FAILED");
  return c.all_ok ? 0 : 1;
}
