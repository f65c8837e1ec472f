/* Atome engine — C API.
 *
 * Freestanding: this header needs only <stdint.h> and <stddef.h>. The engine never allocates:
 *   1. atome_model_load() validates a model image (file in RAM or array in flash) once and keeps
 *      pointers into it — weights are used in place, never copied;
 *   2. atome_state_bytes() says how much memory a decoding session needs for a given window;
 *   3. atome_session_init() lays the session out inside a buffer the caller owns;
 *   4. atome_step() feeds one token and returns the logits for the next one (O(1) for conv and
 *      SSM, O(window) for attention).
 * Every call returns an atome_status; atome_status_str() names it.
 */
#ifndef ATOME_ATOME_H
#define ATOME_ATOME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum atome_status {
  ATOME_OK = 0,
  ATOME_ERR_NULL_ARGUMENT = 1, /* a required pointer was NULL */
  ATOME_ERR_MISALIGNED = 2,    /* model image or state buffer not aligned as required */
  ATOME_ERR_TRUNCATED = 3,     /* image shorter than its header or its declared size */
  ATOME_ERR_BAD_MAGIC = 4,     /* not an Atome native model */
  ATOME_ERR_VERSION = 5,       /* unsupported format major version */
  ATOME_ERR_SIZE_MISMATCH = 6, /* image longer than declared (trailing bytes) */
  ATOME_ERR_CHECKSUM = 7,      /* CRC-32 mismatch: the image was altered or damaged */
  ATOME_ERR_BAD_HEADER = 8,    /* header offsets/flags/reserved fields invalid */
  ATOME_ERR_BAD_CONFIG = 9,    /* architecture config out of range or inconsistent */
  ATOME_ERR_BAD_TENSOR = 10,   /* tensor table entry wrong (kind, order, shape, dtype, bounds) */
  ATOME_ERR_BAD_WEIGHTS =
      11, /* a packed trit uses the invalid code 0b10, or a float is not finite */
  ATOME_ERR_BAD_SIGNATURE_BLOCK = 12, /* signature block present but malformed */
  ATOME_ERR_BUFFER_TOO_SMALL = 13,    /* caller buffer smaller than atome_state_bytes() */
  ATOME_ERR_BAD_WINDOW = 14,          /* window is 0 or too large */
  ATOME_ERR_BAD_TOKEN = 15,           /* token id >= vocab size */
  ATOME_ERR_NOT_CLASSIFIER = 16,      /* classifier call on a model without a class head */
  ATOME_ERR_NO_TOKENS = 17,           /* operation needs at least one token fed */
  ATOME_ERR_BAD_ARGUMENT = 18,        /* other argument out of range */
  ATOME_ERR_STATE_TOO_LARGE = 19,     /* valid window, but the session state does not fit in
                                         size_t (32-bit cores: more than 4 GiB) */
  ATOME_ERR_UNSUPPORTED = 20,         /* the model needs what this build leaves out (an integer-only
                                         build given an f32/a8 model; a classifier file given to a
                                         build without ATOME_CLASSIFIER_METADATA; a compact file
                                         given to a build without ATOME_WITH_COMPACT) */
  ATOME_ERR_WRONG_NUMERICS = 21,      /* call not available for this model's numerics mode (the
                                         fixed-point calls need a q15 model) */
  ATOME_ERR_BAD_METADATA = 22,        /* classifier metadata section malformed (FORMAT.md §17) */
  ATOME_ERR_NO_METADATA = 23, /* call needs the classifier metadata section the model lacks */
  ATOME_ERR_NO_UNEMBED = 24,  /* next-token logits asked of a classifier file, which has no
                                 unembedding: use atome_step_no_logits */
  /* atome_model_load_verified only (FORMAT.md §8): */
  ATOME_ERR_UNSIGNED = 25,      /* the file carries no signature block */
  ATOME_ERR_UNTRUSTED_KEY = 26, /* signed by a key that is not among the pinned keys */
  ATOME_ERR_BAD_SIGNATURE = 27, /* the signature does not verify: the file was altered */
  ATOME_ERR_ROLLBACK = 28       /* validly signed, but its model_version is below the minimum */
} atome_status;

const char* atome_status_str(atome_status status);

/* Which pathways a block has (the file says; ablations drop some). */
enum { ATOME_PATH_CONV = 1u, ATOME_PATH_SSM = 2u, ATOME_PATH_ATTN = 4u, ATOME_PATH_ALL = 7u };

enum { ATOME_ARCH_LM = 1u, ATOME_ARCH_CLASSIFIER = 2u };

/* How a model computes (docs/FORMAT.md §16), recorded in its file:
 *   F32: float32 activations (the original's numerics; its files run bit-exact);
 *   A8:  as F32, but every input of a ternary linear is quantised per token to int8 (absmax) and
 *        the matvec is an int32 sum of +-int8 — adds only;
 *   Q15: A8 plus every other activation in fixed point (LayerNorm, softmax, SSM, conv, int8 K/V):
 *        no floating-point instruction at all. */
enum { ATOME_NUMERICS_F32 = 0u, ATOME_NUMERICS_A8 = 1u, ATOME_NUMERICS_Q15 = 2u };

/* The whole architecture, read from the model file: nothing is compiled in. */
typedef struct atome_config {
  uint32_t arch;        /* ATOME_ARCH_LM or ATOME_ARCH_CLASSIFIER */
  uint32_t vocab_size;  /* 256 (bytes) */
  uint32_t d_model;     /* residual width d */
  uint32_t n_layers;    /* L */
  uint32_t d_head;      /* width of q and k */
  uint32_t conv_kernel; /* K taps of the depthwise causal conv */
  uint32_t top_k;       /* attention keeps this many best-scoring positions */
  uint32_t pathways;    /* ATOME_PATH_* bit mask */
  uint32_t n_paths;     /* popcount(pathways) = router outputs */
  uint32_t n_classes;   /* classifier head rows (0 for a pure LM) */
  uint32_t act_bits; /* 32 = float32 activations (f32); 8 = int8 into ternary linears (a8, q15) */
  uint32_t context_len;  /* training sequence length, a hint (0 = unknown) */
  float norm_eps;        /* LayerNorm epsilon */
  uint32_t numerics;     /* ATOME_NUMERICS_* */
  uint32_t norm_eps_q24; /* q15: LayerNorm epsilon in Q24 (>= 1); 0 otherwise */
  uint32_t no_unembed;   /* 1: a classifier file (1.3) with a metadata section and no unembedding */
} atome_config;

/* How a file packs its trits (one packing per file, FORMAT.md §5): 2 bits a trit (dtype trit2),
 * or 5 trits a byte in base 3 (dtype trit3). */
enum { ATOME_PACKING_TRIT2 = 0u, ATOME_PACKING_TRIT3 = 1u };

/* A ternary matrix in place: rows x cols trits, every row starting on a byte. */
typedef struct atome_trits {
  const uint8_t* data;
  uint32_t rows;
  uint32_t cols;
  uint32_t row_bytes; /* (cols + 3) / 4 (trit2), (cols + 4) / 5 (trit3) */
  float scale;        /* alpha: W = scale * trit (f32, a8) */
  int32_t scale_q24;  /* alpha in Q24 (q15 models) */
  uint32_t packing;   /* ATOME_PACKING_* */
} atome_trits;

/* A validated model: the config plus views into the caller's image. Fixed size; per-layer
 * views are built inside the session buffer. Treat fields as read-only. */
typedef struct atome_model {
  atome_config config;
  const uint8_t* image; /* the whole file, used in place */
  size_t image_bytes;
  const uint8_t* tensor_table; /* NULL in a compact (2.0) file, which has no table */
  uint32_t tensor_count;
  uint32_t format_minor;
  uint32_t format_major;        /* 1, or 2: the compact q15 layout (FORMAT.md §18; vectors int16 <<
                                   shift, read through the session, so final_gamma_q / final_beta_q are
                                   NULL) */
  uint32_t has_signature;       /* a signature block follows the CRC-covered bytes */
  uint32_t signed_bytes;        /* bytes covered by the CRC (and by the signature) */
  atome_trits embed;            /* (vocab, d) */
  const float* final_gamma;     /* (d) f32 / a8 */
  const float* final_beta;      /* (d) f32 / a8 */
  const int32_t* final_gamma_q; /* (d) q15: Q16 */
  const int32_t* final_beta_q;  /* (d) q15: Q16 */
  atome_trits unembed;          /* (vocab, d); data NULL when config.no_unembed */
  atome_trits head;             /* (n_classes, d); data NULL for a pure LM */
  const uint8_t* class_meta;    /* classifier metadata section (FORMAT.md §17), NULL if none */
  uint32_t class_meta_bytes;
} atome_model;

/* Validates every byte of a native model image (header, config, tensor table, bounds, trit
 * codes, finiteness, CRC-32) and fills *model. The image must be 4-byte aligned (float tensors
 * are read in place; `atome export --c-header` aligns to 16, as the format's offsets are)
 * and must outlive the model. Never reads outside [image, image + image_bytes). */
atome_status atome_model_load(atome_model* model, const void* image, size_t image_bytes);

/* ---------------------------------------------------------------------------------------------
 * Signed models (FORMAT.md §8). atome_model_load_verified accepts only an image whose Ed25519
 * signature verifies against one of the caller's pinned public keys and whose model_version is at
 * least min_version; then it loads it exactly as atome_model_load. The public key written in the
 * file is never trusted (the file stores only a key id to pick among the pinned keys). Order:
 * signature block structure (BAD_SIGNATURE_BLOCK, UNSIGNED), key id among the pinned keys
 * (UNTRUSTED_KEY), signature (BAD_SIGNATURE), version (ROLLBACK), then every check of
 * atome_model_load. The bytes are verified in place (flash is fine) before any is interpreted
 * beyond the sizes that locate the block. On OK, *accepted_version (if not NULL) is the file's
 * model_version: persist it (flash, OTP) and pass it as min_version next boot — anti-rollback
 * needs that state, which the engine does not own. */
typedef struct atome_pinned_key {
  uint8_t public_key[32]; /* Ed25519 public key, RFC 8032 encoding */
} atome_pinned_key;

atome_status atome_model_load_verified(atome_model* model, const void* image, size_t image_bytes,
                                       const atome_pinned_key* pinned_keys, size_t n_pinned_keys,
                                       uint32_t min_version, uint32_t* accepted_version);

/* The signature block's fields, read from a structurally valid signed image (no verification:
 * for tools that report who signed what). BAD_SIGNATURE_BLOCK / UNSIGNED as above. */
typedef struct atome_signature_info {
  uint32_t model_version;
  uint8_t key_id[8];        /* first 8 bytes of SHA-512(signer's public key) */
  size_t signed_bytes;      /* the message: image bytes [0, signed_bytes) */
  const uint8_t* signature; /* 64 bytes inside the image */
} atome_signature_info;

atome_status atome_signature_read(const void* image, size_t image_bytes,
                                  atome_signature_info* info);

/* The crypto the verified load needs, supplied by the build, not the engine (which has no
 * dependency): src/crypto/ed25519_port.c implements both with libsodium's API — Debian's
 * libsodium on the host, libsodium's own sources built freestanding in firmware.
 * atome_port_ed25519_verify returns 0 iff the signature is valid (RFC 8032, pure Ed25519). */
int atome_port_ed25519_verify(const uint8_t signature[64], const uint8_t* message,
                              size_t message_bytes, const uint8_t public_key[32]);
void atome_port_sha512(const uint8_t* data, size_t bytes, uint8_t digest[64]);

/* Parameter count (every trit and every float weight), for reports. */
uint64_t atome_model_param_count(const atome_model* model);

/* Upper bound on the attention window; a session's window must be in [1, ATOME_MAX_WINDOW]. */
#define ATOME_MAX_WINDOW 65536u

/* Bytes a session needs for `window` tokens of attention context (0 if the window is invalid or
 * the state's size does not fit in size_t: see ATOME_ERR_STATE_TOO_LARGE). */
size_t atome_state_bytes(const atome_model* model, uint32_t window);

/* Alignment the session buffer must have. */
#define ATOME_STATE_ALIGN 16u

typedef struct atome_session atome_session; /* lives inside the caller's buffer */

/* Lays a session out in `buffer` (aligned to ATOME_STATE_ALIGN, at least
 * atome_state_bytes(model, window) bytes) and resets it. *session points into buffer. */
atome_status atome_session_init(atome_session** session, const atome_model* model, uint32_t window,
                                void* buffer, size_t buffer_bytes);

/* Forgets every token fed (position 0 again, conv/SSM/attention state cleared). */
void atome_session_reset(atome_session* session);

/* Feeds one token at the next position. On success *logits (if not NULL) points to the
 * vocab_size next-token logits, valid until the next call on this session. When more than
 * `window` tokens have been fed, attention sees only the last `window` (the oldest key/value is
 * dropped); conv and SSM state carry on. */
atome_status atome_step(atome_session* session, uint32_t token, const float** logits);

/* Fixed-point step for q15 models (ATOME_ERR_WRONG_NUMERICS otherwise): *logits (if not NULL)
 * points to vocab_size int32 logits in Q16 (logit = value / 65536). Uses no floating point: this
 * is the call for integer-only firmware. atome_step on a q15 model returns these divided by 65536.
 */
atome_status atome_step_q16(atome_session* session, uint32_t token, const int32_t** logits);

/* As atome_step, but skips the unembedding (prefill of a prompt whose logits are not needed). */
atome_status atome_step_no_logits(atome_session* session, uint32_t token);

/* Number of tokens fed since the last reset. */
uint64_t atome_session_position(const atome_session* session);

/* Router mixture r = softmax(router) of `layer` at the last step: n_paths floats in the order
 * conv, ssm, attn (only pathways present). NULL before the first step or for a bad layer. */
const float* atome_session_router(const atome_session* session, uint32_t layer);

/* Router mixture of a q15 model in Q15 (sum ~ 32768); NULL as above or for other numerics. */
const int32_t* atome_session_router_q15(const atome_session* session, uint32_t layer);

/* Classifier head applied to the final-normed hidden state of the last token fed:
 * n_classes logits into out. */
atome_status atome_session_class_logits(const atome_session* session, float* out, uint32_t out_len);

/* The same for a q15 model, as Q16 int32 logits (ATOME_ERR_WRONG_NUMERICS otherwise). */
atome_status atome_session_class_logits_q16(const atome_session* session, int32_t* out,
                                            uint32_t out_len);

/* ---------------------------------------------------------------------------------------------
 * Classifier metadata (FORMAT.md §17): what a 1.3 classifier file says about its input and its
 * output, read in place from the validated image. Every call returns ATOME_ERR_NO_METADATA for a
 * model without the section, ATOME_ERR_BAD_ARGUMENT for an index out of range. Strings are
 * NUL-terminated inside the image (valid as long as the image). */
enum { ATOME_QUANT_GLOBAL = 1u, ATOME_QUANT_BANDED = 2u, ATOME_QUANT_CHANNEL = 3u };
enum { ATOME_ABSTAIN_NONE = 0u, ATOME_ABSTAIN_MAX_PROB = 1u, ATOME_ABSTAIN_MARGIN = 2u };

typedef struct atome_class_info {
  uint32_t n_classes;
  uint32_t n_channels;   /* C */
  uint32_t window_len;   /* T timesteps; the token sequence is time-major: feature t * C + c */
  uint32_t n_features;   /* C * T = tokens per input */
  uint32_t quant_mode;   /* ATOME_QUANT_* */
  uint32_t abstain_rule; /* ATOME_ABSTAIN_*: abstain when (max prob | top1 - top2) < threshold */
  uint32_t n_params;     /* feature pipeline parameters */
  float sample_rate_hz;  /* 0 = not defined */
  float temperature;     /* calibrated probabilities are softmax(logits / temperature) */
  float abstain_threshold;
  const char* pipeline; /* feature pipeline name */
} atome_class_info;

atome_status atome_model_class_info(const atome_model* model, atome_class_info* info);
/* Quantisation range of feature i (0 .. n_features-1), binary64 as fitted: vmin < vmax. */
atome_status atome_model_feature_range(const atome_model* model, uint32_t feature, double* vmin,
                                       double* vmax);
/* Channel c: name, unit ("" if none) and physical range (both 0 when not recorded). */
atome_status atome_model_channel(const atome_model* model, uint32_t channel, const char** name,
                                 const char** unit, float* phys_min, float* phys_max);
/* Feature pipeline parameter i: name and value. */
atome_status atome_model_pipeline_param(const atome_model* model, uint32_t index, const char** name,
                                        float* value);
atome_status atome_model_class_name(const atome_model* model, uint32_t cls, const char** name);

/* ---------------------------------------------------------------------------------------------
 * Sampler: temperature 0 = argmax (ties: the lowest token id). Otherwise softmax(logits / T),
 * restricted to the top_k most likely (0 = all), then to the smallest set whose probability
 * reaches top_p (1 = all), then one draw from a seeded xorshift generator. Same seed, same tokens,
 * on every target. */
typedef struct atome_sampler {
  float temperature;
  float top_p;
  uint32_t top_k;
  uint64_t rng_state;
} atome_sampler;

void atome_sampler_init(atome_sampler* sampler, float temperature, float top_p, uint32_t top_k,
                        uint64_t seed);

/* Scratch must hold n floats and n uint16 ids (the sampler sorts candidates there). */
typedef struct atome_sampler_scratch {
  float prob[256];
  uint16_t id[256];
} atome_sampler_scratch;

/* Picks a token from n (<= 256) logits. */
uint32_t atome_sample(atome_sampler* sampler, const float* logits, uint32_t n,
                      atome_sampler_scratch* scratch);

uint32_t atome_argmax(const float* values, uint32_t n);

/* Argmax of integer logits (ties: the lowest index), for q15 models. */
uint32_t atome_argmax_i32(const int32_t* values, uint32_t n);

/* The ternary matvec kernel compiled in: "portable", "avx2" or "avx512" (all give identical bits).
 */
const char* atome_kernel_name(void);

/* Nonzero when this CPU can run the compiled kernel (always, except an x86 build with a SIMD
 * kernel run on an older CPU). Hosts check it at start-up to fail with a message, not SIGILL. */
int atome_kernel_supported(void);

/* CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF), as used by the model format. */
uint32_t atome_crc32(uint32_t crc, const void* data, size_t bytes);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATOME_ATOME_H */
