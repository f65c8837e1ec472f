/* Atome applied layer — C API (docs/APPS.md).
 *
 * Freestanding like the engine (atome.h): this header needs only <stdint.h> and <stddef.h>, and
 * nothing here allocates. Every object is a struct the caller owns (static, on the stack, in a
 * firmware's .bss); its fields are the implementation's and are not to be written by the caller
 * after init. Every call returns an atome_apps_status; atome_apps_status_str() names it.
 *
 *   - Change-gated streaming (atome_gate_*): decides, per window, whether a classifier head must
 *     run on the window's token vector or whether the last result can be reused.
 *   - The dispatcher (atome_dispatch_*): a state machine driven by the device-telemetry head that
 *     decides, per period, the system state and which heads run, within a compute budget.
 */
#ifndef ATOME_APPS_H
#define ATOME_APPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum atome_apps_status {
  ATOME_APPS_OK = 0,
  ATOME_APPS_ERR_NULL_ARGUMENT = 1,   /* a required pointer was NULL */
  ATOME_APPS_ERR_NOT_INITIALISED = 2, /* the object was not (successfully) initialised */
  ATOME_APPS_ERR_BAD_CONFIG = 3,      /* gate config out of range (mode, length, tol, max_skips) */
  ATOME_APPS_ERR_BAD_LENGTH = 4,      /* token vector length differs from the configured one */
  ATOME_APPS_ERR_NO_HEADS = 5,        /* dispatch policy with zero heads */
  ATOME_APPS_ERR_TOO_MANY_HEADS = 6,  /* dispatch policy with more than ATOME_DISPATCH_MAX_HEADS */
  ATOME_APPS_ERR_BAD_DEBOUNCE = 7,    /* k_enter, k_return, k_safe_exit or m_abstain is 0, or
                                         k_return <= k_enter (returning to normal must need more
                                         evidence than leaving it) */
  ATOME_APPS_ERR_BAD_CLASSES = 8,     /* n_classes outside 2..ATOME_DISPATCH_MAX_CLASSES, or
                                         normal_class >= n_classes */
  ATOME_APPS_ERR_BAD_HEAD_POLICY =
      9,                               /* a head's every is 0, offset >= every, state_mask names a
                                          class >= n_classes, or cost > budget (it could never run) */
  ATOME_APPS_ERR_BAD_BUDGET = 10,      /* budget 0 */
  ATOME_APPS_ERR_BAD_PROBABILITY = 11, /* min_prob_q15 > 32768 */
  ATOME_APPS_ERR_BAD_HEAD_ID = 12,     /* a head id (or a bit of a head mask) >= n_heads */
  ATOME_APPS_ERR_NO_METADATA = 13,     /* the model is not a classifier with an input spec */
  ATOME_APPS_ERR_TOO_BIG = 14,         /* more features or channels than the tokeniser holds, or
                                          a transform size not supported */
  ATOME_APPS_ERR_RANGE = 15,           /* a range of the model does not fit the fixed-point format
                                          (|value| >= 2^31 / 2^frac) */
  ATOME_APPS_INPUT_FLAGGED = 16,       /* tokens were produced, but from a bad frame: a value was
                                          outside its channel's physical range (saturated to it)
                                          or the whole window was frozen; the caller sets the
                                          head's bit of the dispatcher's bad_input_mask */
  ATOME_APPS_ERR_ENGINE = 17,          /* the engine refused a head (not a q15 classifier, arena
                                          too small, session or classify call failed) */
  ATOME_APPS_ERR_BAD_ROLE = 18,        /* runner: not exactly one telemetry head, an unknown role,
                                          a check head whose checks_mask names no scheduled head
                                          or whose ok_class is out of range, or a policy whose
                                          n_heads / n_classes differ from the heads given */
  ATOME_APPS_ERR_NO_FRONT_END = 19,    /* runner input: a raw window for a head configured
                                          without a front end (a head's input status) */
  ATOME_APPS_ERR_BAD_INPUT_KIND = 20,  /* runner input: a kind other than ATOME_INPUT_* (a
                                          head's input status) */
  /* Text commands (30..): numbered apart so that statuses added elsewhere do not collide. */
  ATOME_APPS_ERR_BAD_TEXT = 30,     /* a text with a 0 byte (0 is the padding byte: a request
                                       containing it cannot be told from a shorter one) */
  ATOME_APPS_ERR_NOT_TEXT_HEAD = 31 /* not a text head of the expected task: 1 channel, 32
                                       features, global quant with token = byte, and the class
                                       names of intent_bucket / command_intent in their order */
} atome_apps_status;

const char* atome_apps_status_str(atome_apps_status status);

/* ---- Change-gated streaming (apps/stream_gate.cpp) --------------------------------------------
 */

/* A classifier head takes at most 32 tokens (FORMAT.md); 64 leaves room without costing much RAM.
 */
enum { ATOME_GATE_MAX_TOKENS = 64 };

typedef enum atome_gate_mode {
  /* Skip only when the token vector is byte-identical to the last one that ran: the head would
     compute the same logits from the same state, so decisions equal always-run, by construction. */
  ATOME_GATE_EXACT = 0,
  /* Skip when every token is within tol levels of the last run's tokens, at most max_skips times in
     a row: cheaper, and NOT identical to always-run — its agreement has to be measured. */
  ATOME_GATE_TOLERANCE = 1
} atome_gate_mode;

typedef struct atome_gate_config {
  uint32_t mode;      /* atome_gate_mode */
  uint32_t n_tokens;  /* length of every token vector, 1..ATOME_GATE_MAX_TOKENS */
  uint32_t tol;       /* tolerance mode: largest per-token difference that still skips, 0..255
                         (0 = exact comparison, bounded by max_skips); must be 0 in exact mode */
  uint32_t max_skips; /* consecutive skips allowed before a run is forced: tolerance mode needs
                         1 or more (a bound on how stale a reused result gets); exact mode: 0 means
                         unbounded, N > 0 forces a run after N skips (a liveness heartbeat) */
} atome_gate_config;

typedef struct atome_stream_gate {
  atome_gate_config config;
  uint8_t last[ATOME_GATE_MAX_TOKENS]; /* tokens of the last window that ran */
  uint32_t has_last;                   /* 0 until the first run */
  uint32_t consecutive_skips;
  uint32_t runs; /* counters since init/reset (wrap at 2^32) */
  uint32_t skips;
  uint32_t magic; /* set by init: catches use of an uninitialised gate */
} atome_stream_gate;

atome_apps_status atome_gate_init(atome_stream_gate* gate, const atome_gate_config* config);

/* Forget the last run (e.g. after the head's model changed): the next window runs. Counters are
   kept. */
atome_apps_status atome_gate_reset(atome_stream_gate* gate);

/* Decide for one window. *run = 1: run the head on these tokens (the gate records them as the last
   run's); *run = 0: reuse the last result. n must equal config.n_tokens. On an error *run is 1 when
   run is not NULL (fail towards running the head) and the gate is unchanged. */
atome_apps_status atome_gate_decide(atome_stream_gate* gate, const uint8_t* tokens, size_t n,
                                    int* run);

/* ---- Dispatcher (apps/dispatcher.cpp) ---------------------------------------------------------
 */

enum {
  ATOME_DISPATCH_MAX_HEADS = 16,   /* heads the dispatcher schedules (the telemetry head apart) */
  ATOME_DISPATCH_MAX_CLASSES = 16, /* telemetry head classes (a classifier has at most 16) */
  ATOME_DISPATCH_SAFE_BIT = 16     /* bit of atome_head_policy.state_mask for the SAFE state */
};

/* The Q15 probability scale: 32768 = 1.0. */
enum { ATOME_PROB_ONE_Q15 = 32768 };

/* atome_dispatch_output.state_class in SAFE (and on an error): no class is in force. */
#define ATOME_DISPATCH_NO_CLASS 0xFFFFFFFFu

typedef enum atome_dispatch_state {
  ATOME_DSTATE_NORMAL = 0, /* the telemetry head's normal class is in force */
  ATOME_DSTATE_ALERT = 1,  /* one of its other classes is in force (state_class says which) */
  ATOME_DSTATE_SAFE = 2 /* no trustworthy telemetry: at boot, and after m_abstain periods of it */
} atome_dispatch_state;

/* The rule that fired this period: one row of docs/APPS.md's transition table each. */
typedef enum atome_dispatch_rule {
  ATOME_RULE_CONFIRM = 1,           /* confident reading of the class in force */
  ATOME_RULE_DEBOUNCE = 2,          /* confident other class, streak below the K it needs */
  ATOME_RULE_ENTER_ALERT = 3,       /* NORMAL -> ALERT(c) after k_enter readings of c */
  ATOME_RULE_SWITCH_ALERT = 4,      /* ALERT(a) -> ALERT(b) after k_enter readings of b */
  ATOME_RULE_RETURN_NORMAL = 5,     /* ALERT(a) -> NORMAL after k_return readings of normal */
  ATOME_RULE_NO_EVIDENCE = 6,       /* not confident, fewer than m_abstain in a row: state kept */
  ATOME_RULE_ENTER_SAFE = 7,        /* not confident m_abstain periods in a row -> SAFE */
  ATOME_RULE_SAFE_COUNT = 8,        /* SAFE, confident normal, streak below k_safe_exit */
  ATOME_RULE_LEAVE_SAFE = 9,        /* SAFE -> NORMAL after k_safe_exit confident normal readings */
  ATOME_RULE_SAFE_NOT_NORMAL = 10,  /* SAFE, confident non-normal class: stays, streak reset */
  ATOME_RULE_SAFE_NO_EVIDENCE = 11, /* SAFE, not confident: stays, streak reset */
  ATOME_RULE_OPERATOR_STOP = 12,    /* atome_dispatch_operator(STOP): any state -> SAFE, latched */
  ATOME_RULE_OPERATOR_HOLD = 13,    /* a period while the stop is latched: SAFE, reading ignored */
  ATOME_RULE_OPERATOR_RESUME = 14   /* atome_dispatch_operator(RESUME): latch cleared, still SAFE;
                                       rules 8/9 leave it on confident normal readings */
} atome_dispatch_rule;

/* How the telemetry reading was taken (anything but CONFIDENT counts as no evidence). */
typedef enum atome_reading_kind {
  ATOME_READING_CONFIDENT = 0,
  ATOME_READING_MISSING = 1,       /* reading pointer NULL, or head_status != 0 */
  ATOME_READING_ABSTAINED = 2,     /* the head abstained */
  ATOME_READING_INVALID = 3,       /* class_id >= n_classes or prob_q15 > 32768 */
  ATOME_READING_LOW_CONFIDENCE = 4 /* prob_q15 < the policy's min_prob_q15 */
} atome_reading_kind;

/* Why a head did not run this period (ATOME_SKIP_NONE: it runs). */
typedef enum atome_skip_reason {
  ATOME_SKIP_NONE = 0,
  ATOME_SKIP_NOT_IN_STATE = 1, /* the policy does not run it in the current state */
  ATOME_SKIP_NOT_DUE = 2,      /* it runs every Nth period and this is not one (and none is owed) */
  ATOME_SKIP_BAD_INPUT = 3,    /* the bad-reading hook flagged its input: stays due */
  ATOME_SKIP_OVER_BUDGET = 4   /* it did not fit in the period's budget: deferred, stays due */
} atome_skip_reason;

/* The telemetry head's output for one period. */
typedef struct atome_telemetry_reading {
  int32_t head_status; /* 0 when the head ran (ATOME_OK); anything else = no reading */
  uint32_t class_id;   /* argmax class */
  uint32_t prob_q15;   /* its calibrated probability, 0..32768 */
  uint32_t abstain;    /* nonzero: the head abstained (its own calibrated rule) */
} atome_telemetry_reading;

typedef struct atome_head_policy {
  uint32_t state_mask; /* bit c (< n_classes): runs while class c is in force (NORMAL or ALERT);
                          bit ATOME_DISPATCH_SAFE_BIT: runs in SAFE */
  uint32_t every;      /* runs every Nth period, N >= 1 */
  uint32_t offset;     /* ... in the periods p with p mod N == offset (spreads load), < every */
  uint32_t cost;       /* compute cost of one run in the caller's unit (e.g. instructions) */
} atome_head_policy;

/* Heads are listed in priority order: head 0 gets the budget first. */
typedef struct atome_dispatch_policy {
  uint32_t n_heads; /* 1..ATOME_DISPATCH_MAX_HEADS */
  atome_head_policy heads[ATOME_DISPATCH_MAX_HEADS];
  uint32_t n_classes;    /* telemetry classes, 2..ATOME_DISPATCH_MAX_CLASSES */
  uint32_t normal_class; /* the class that means "normal" */
  uint32_t k_enter;      /* consecutive confident readings of a new non-normal class to switch */
  uint32_t k_return;     /* ... of the normal class to return to NORMAL from ALERT (> k_enter) */
  uint32_t m_abstain;    /* consecutive readings without evidence that send the state to SAFE */
  uint32_t k_safe_exit;  /* consecutive confident normal readings that leave SAFE */
  uint32_t min_prob_q15; /* readings below this probability count as no evidence (0: none) */
  uint32_t budget;       /* compute budget per period, same unit as the heads' cost */
} atome_dispatch_policy;

typedef struct atome_dispatch_output {
  uint32_t state;       /* atome_dispatch_state after this period's reading */
  uint32_t state_class; /* the class in force (NORMAL/ALERT); ATOME_DISPATCH_NO_CLASS in SAFE */
  uint32_t rule;        /* atome_dispatch_rule that fired */
  uint32_t reading;     /* atome_reading_kind */
  uint32_t run_mask;    /* bit h: run head h this period */
  uint32_t skip_mask;   /* bit h: head h was owed a run but did not get one (bad input, budget) */
  uint8_t reason[ATOME_DISPATCH_MAX_HEADS]; /* atome_skip_reason per head (< n_heads) */
  uint32_t budget_used; /* sum of the cost of the heads in run_mask, <= budget */
} atome_dispatch_output;

typedef struct atome_dispatcher {
  atome_dispatch_policy policy; /* a validated copy */
  uint32_t state;
  uint32_t state_class;
  uint32_t candidate;       /* class being debounced (ATOME_DISPATCH_NO_CLASS: none) */
  uint32_t candidate_run;   /* its consecutive confident readings */
  uint32_t no_evidence_run; /* consecutive readings without evidence */
  uint32_t safe_exit_run;   /* consecutive confident normal readings while SAFE */
  uint32_t countdown[ATOME_DISPATCH_MAX_HEADS]; /* periods until the head is next due */
  uint32_t owed_mask; /* heads due that have not run yet (deferred or bad input) */
  uint32_t periods;   /* periods stepped (wraps at 2^32) */
  uint32_t magic;
  uint32_t operator_stop; /* 1: an operator stop is latched (SAFE until atome_dispatch_operator
                             RESUME); last, so the fields above keep their offsets */
} atome_dispatcher;

/* Validate the policy and start in SAFE (at boot there is no evidence that the system is normal).
 */
atome_apps_status atome_dispatch_init(atome_dispatcher* d, const atome_dispatch_policy* policy);

/* One period. reading may be NULL (the telemetry head produced nothing: counts as no evidence).
   bad_input_mask is the bad-reading hook: bit h set = head h's input is invalid this period (stuck,
   spike, out of range), so it is skipped and reported. On an error the dispatcher is unchanged and
   *out (when not NULL) says SAFE, ATOME_DISPATCH_NO_CLASS, no head to run (all else 0). */
atome_apps_status atome_dispatch_step(atome_dispatcher* d, const atome_telemetry_reading* reading,
                                      uint32_t bad_input_mask, atome_dispatch_output* out);

/* Operator commands (docs/APPS.md §3.4): STOP enters SAFE at once from any state and latches it
   (the telemetry cannot leave it: rule OPERATOR_HOLD each period); RESUME clears the latch, and
   SAFE is then left by the ordinary rules 8/9 (k_safe_exit confident normal readings). *rule
   (may be NULL): OPERATOR_STOP, OPERATOR_RESUME, or 0 for a RESUME with no stop latched (no
   effect). An unknown command: ATOME_APPS_ERR_BAD_CONFIG, dispatcher unchanged. */
typedef enum atome_operator_command {
  ATOME_OPERATOR_STOP = 1,
  ATOME_OPERATOR_RESUME = 2
} atome_operator_command;
atome_apps_status atome_dispatch_operator(atome_dispatcher* d, uint32_t command, uint32_t* rule);

const char* atome_dispatch_state_str(uint32_t state);
const char* atome_dispatch_rule_str(uint32_t rule);
const char* atome_skip_reason_str(uint32_t reason);

/* ---- Tokeniser driven by the model file (apps/tokenize.cpp, docs/APPS.md §4) ------------------
 *
 * Prepared once from a loaded classifier's metadata (FORMAT.md §17): the binary64 quantisation
 * ranges are decoded from their bits by integer code into fixed point, so tokenising a window uses
 * no float instruction. Input: the window's F = C * T feature values, time-major (feature t * C +
 * c), each an int32 in the fixed-point format of its channel: value * 2^frac[c] (frac[c] is chosen
 * at prepare from the channel's physical range, as many fraction bits as fit; 16 when the file
 * records no range). Output: one token per feature, global / banded / channel as in FORMAT.md
 * §17.4, with the same round-to-nearest-even: the level is the exact rational round of (x - vmin) /
 * (vmax - vmin) * (levels - 1), so it equals the binary64 tokeniser's whenever the input is
 * representable (differences only at ties the binary64 division itself misrounds). */

struct atome_model;

enum { ATOME_TOK_MAX_FEATURES = 64, ATOME_TOK_MAX_CHANNELS = 32 };

typedef struct atome_tokenizer {
  uint32_t n_channels; /* C */
  uint32_t window_len; /* T */
  uint32_t n_features; /* F = C * T */
  uint32_t quant_mode; /* ATOME_QUANT_* of atome.h */
  uint32_t levels;     /* levels per feature: 256 (global), 256 / F (banded), 256 / C (channel) */
  uint32_t phys_mask;  /* bit c: channel c records a physical range (checked and saturated) */
  uint8_t frac[ATOME_TOK_MAX_CHANNELS];     /* input format of channel c: Q(frac) */
  int32_t phys_min[ATOME_TOK_MAX_CHANNELS]; /* physical range in Q(frac[c]) */
  int32_t phys_max[ATOME_TOK_MAX_CHANNELS];
  int64_t vmin[ATOME_TOK_MAX_FEATURES];  /* quantisation range start, Q(frac[c] + 16) */
  uint64_t span[ATOME_TOK_MAX_FEATURES]; /* vmax - vmin, Q(frac[c] + 16), > 0 */
  uint32_t magic;
} atome_tokenizer;

/* What was wrong with a window (ATOME_APPS_INPUT_FLAGGED). */
typedef struct atome_tok_report {
  uint32_t n_saturated;     /* features outside their channel's physical range, saturated to it */
  uint32_t first_saturated; /* the first such feature, ATOME_TOK_NONE when none */
  uint32_t frozen;          /* 1: T >= 2 and every channel kept one value over the whole window
                               (a sensor repeating its last reading) */
} atome_tok_report;

#define ATOME_TOK_NONE 0xFFFFFFFFu

/* From a model loaded by atome_model_load (ATOME_APPS_ERR_NO_METADATA without a §17 section,
   ATOME_APPS_ERR_TOO_BIG above ATOME_TOK_MAX_*, ATOME_APPS_ERR_RANGE when a range does not fit). */
atome_apps_status atome_tok_prepare(atome_tokenizer* tok, const struct atome_model* model);

/* One window: n must be n_features (ATOME_APPS_ERR_BAD_LENGTH otherwise, tokens untouched).
   Returns ATOME_APPS_OK, or ATOME_APPS_INPUT_FLAGGED with every token written (from the saturated
   values) and *report saying why; report may be NULL. */
atome_apps_status atome_tok_run(const atome_tokenizer* tok, const int32_t* x, size_t n,
                                uint8_t* tokens, atome_tok_report* report);

/* ---- Fixed-point FFT and log band energies (apps/fft.cpp, apps/band_energy.cpp) ---------------
 *
 * Complex radix-2 FFT of 2^log2n points (16..512) on int16 data with block floating point: the
 * input is normalised so that its largest component lies in [2^12, 2^13), and before each stage the
 * block is shifted right (rounding) until every component is below 2^13, so no butterfly can
 * overflow (|a| + sqrt(2) |b| < 2^15). The true transform is data * 2^exponent. Twiddles: Q15 table
 * for 512 points (apps/fft_tables.cpp, generated by scripts/gen_apps_tables.py). */

enum { ATOME_FFT_MAX_LOG2 = 9, ATOME_FFT_MAX = 512 };

/* re, im: n = 2^log2n values each, transformed in place; *exponent: the block exponent. */
atome_apps_status atome_fft_q15(int16_t* re, int16_t* im, uint32_t log2n, int32_t* exponent);

/* log2 of a positive 64-bit integer in Q16.16 (CLZ + a 33-entry table, linear interpolation;
   |error| < 2^-12). v = 0 gives INT32_MIN. */
int32_t atome_log2_q16(uint64_t v);

/* The log band energy front end of the anomaly head (data/generators/anomaly.py): 256-sample
   sub-windows at 4 kHz, Hann window, |FFT|^2 / 256 summed in the bands with edges 0, 31.25, 62.5,
   125, 250, 500, 1000, 1500, 2000 Hz (bins [0,2) [2,4) [4,8) [8,16) [16,32) [32,64) [64,96)
   [96,128]), log10(E + floor) with floor 1e-12 taken as max(log10 E, -12). */
enum { ATOME_BAND_MAX = 16 };

typedef struct atome_band_config {
  uint32_t log2n;                        /* sub-window 2^log2n samples (4..9) */
  uint32_t n_bands;                      /* 1..ATOME_BAND_MAX */
  uint16_t bin_edge[ATOME_BAND_MAX + 1]; /* band b = bins [bin_edge[b], bin_edge[b + 1]) */
  uint32_t input_frac;                   /* samples are value * 2^input_frac (e.g. 11 for a +-16 g
                                            accelerometer in int16: 2048 LSB/g) */
  int32_t floor_log10_q16;               /* output floor, Q16.16 (-12 << 16) */
  const int16_t* window_q15;             /* 2^log2n window coefficients, Q15 */
} atome_band_config;

/* The anomaly head's configuration (window: the generated Hann table), input_frac as given. */
void atome_band_config_anomaly(atome_band_config* cfg, uint32_t input_frac);

/* log10 band energies of one sub-window, Q16.16 of log10(unit^2). work: 2 * 2^log2n int16. */
atome_apps_status atome_band_energy(const atome_band_config* cfg, const int16_t* samples, size_t n,
                                    int16_t* work, int32_t* out_q16);

/* ---- Window statistics (apps/window_stats.cpp, apps/imu_features.cpp) -------------------------
 *
 * The statistics the heads' pipelines use (data/generators/: means, std, min/max, rms,
 * least-squares slope), integer only, on one window of int32 samples in the caller's unit u
 * (e.g. raw ADC codes): n = 2..ATOME_STATS_MAX_N samples, |x| < 2^20 (ATOME_APPS_ERR_RANGE
 * otherwise; the sums then stay exact in 64 bits). Results other than min, max and last are
 * value * 2^ATOME_STATS_FRAC in the unit u (slope: u per sample). */
enum { ATOME_STATS_MAX_N = 1024, ATOME_STATS_FRAC = 8, ATOME_STATS_MAX_ABS = 1 << 20 };

typedef struct atome_window_stats {
  int32_t mean;           /* sum / n */
  int32_t std;            /* population standard deviation (numpy's std, ddof 0) */
  int32_t rms;            /* sqrt(sum x^2 / n) */
  int32_t slope;          /* least-squares slope against the sample index */
  int32_t min, max, last; /* in u */
} atome_window_stats;

atome_apps_status atome_stats_window(const int32_t* x, size_t n, atome_window_stats* out);

/* The bad-reading check's input (apps/reading_check.cpp, pipeline reading_context, the same
 * integers as data/generators/reading_context.py): from the last 16 normalised readings of one
 * channel, (raw - min) / (max - min) in Q(in_frac) (in_frac <= 24; the tokeniser's format for the
 * -0.5..1.5 channel is Q24), saturated to -0.5..1.5, five features: excess_bits, tail_run,
 * context_run, step_log, step_vs_ctx (docs/APPS.md §6). out[i] = feature * 2^out_frac[i], the
 * check head's input format (pass its tokeniser's frac; NULL: plain integers), saturated to int32.
 * n other than 16: ATOME_APPS_ERR_BAD_LENGTH; in_frac or an out_frac above 24: ATOME_APPS_ERR_RANGE
 * (out untouched either way). */
enum { ATOME_READING_WINDOW = 16, ATOME_READING_FEATURES = 5, ATOME_READING_FRAC = 24 };

atome_apps_status atome_reading_context(const int32_t* readings, size_t n, uint32_t in_frac,
                                        const uint8_t* out_frac, int32_t* out);

/* The motion head's pipeline (data/generators/motion.py, "imu_window_stats"): one sub-window of
   128 samples of a 3-axis accelerometer at 50 Hz, int16 at 2048 LSB/g (+-16 g), interleaved
   x, y, z. Seven features, Q16.16 of their physical unit: mean_x, mean_y, mean_z (g), std of |a|
   (g), dominant frequency of |a| - mean (Hz, bins of 50/128 Hz, Hann window), fraction of that
   spectrum's power in 0.5..3 Hz, RMS jerk of |a| (g/s). work: 256 int16 + 128 int32 scratch. */
enum { ATOME_IMU_SUB = 128, ATOME_IMU_FEATURES = 7 };

typedef struct atome_imu_work {
  int16_t re[ATOME_IMU_SUB];
  int16_t im[ATOME_IMU_SUB];
  int32_t mag[ATOME_IMU_SUB]; /* |a| * 16 in LSB */
} atome_imu_work;

atome_apps_status atome_imu_features(const int16_t* xyz, size_t n_samples, atome_imu_work* work,
                                     int32_t* out_q16);

/* ---- MFCC (apps/mfcc.cpp) ---------------------------------------------------------------------
 *
 * data/generators/mfcc.py in fixed point, for the voice and sound_scene heads: 16 kHz int16 audio
 * (32768 = full scale 1.0); frames of 400 samples, hop 160, Hamming window, |FFT(512)|^2 / 512
 * through the block-floating-point FFT; 26 HTK mel filters 20..8000 Hz (peak 1, Q15 weights);
 * ln(max(E, 1e-10)) from the integer log2; orthonormal DCT-II (Q20 coefficients), c0..c7; the
 * frames averaged into `segments` parts as numpy.array_split does (the first n mod segments parts
 * one frame longer). Output: segments * 8 values, segment-major, Q16.16. */
enum {
  ATOME_MFCC_FRAME = 400,
  ATOME_MFCC_HOP = 160,
  ATOME_MFCC_NCEP = 8,
  ATOME_MFCC_MAX_SEGMENTS = 8,
  ATOME_MFCC_CMVN_MAX_FRAMES = 1024, /* 10.2 s: keeps the sums of squares inside int64 */
  ATOME_MFCC_MAX_FLOOR_DB = 120      /* atome_mfcc_cmvn_span: c0 spans 126 dB (mfcc.py limits) */
};

typedef struct atome_mfcc_work {
  int16_t re[512];
  int16_t im[512];
  int64_t acc[ATOME_MFCC_MAX_SEGMENTS * ATOME_MFCC_NCEP];
  int64_t sq[ATOME_MFCC_NCEP]; /* atome_mfcc_cmvn: sum over frames of c_k^2, Q32 */
  /* atome_mfcc_scene: per segment, the sum of c0^2 (Q32) and of the frames' spectral flux
     sum_m |L_t,m - L_t-1,m| (Q16); the previous frame's ln mel energies; the smallest frame c0
     (also atome_mfcc_cmvn's and atome_mfcc_cmvn_span's). */
  int64_t seg_sq[ATOME_MFCC_MAX_SEGMENTS];
  int64_t flux[ATOME_MFCC_MAX_SEGMENTS];
  int32_t prev_mel[26];
  int64_t c0_min;
} atome_mfcc_work;

/* n >= ATOME_MFCC_FRAME samples and at least `segments` frames (ATOME_APPS_ERR_BAD_LENGTH),
   segments 1..ATOME_MFCC_MAX_SEGMENTS (ATOME_APPS_ERR_BAD_CONFIG). */
atome_apps_status atome_mfcc(const int16_t* audio, size_t n, uint32_t segments,
                             atome_mfcc_work* work, int32_t* out_q16);

/* The voice head's front end (mfcc.py with cmvn=True): c0..c(n_ceps-1) with per-clip cepstral
   mean and variance normalisation — each coefficient's mean mu_k and population standard
   deviation sd_k over all frames of the clip (sd_k floored at 0.01), every segment's average
   reported as (avg - mu_k) / sd_k. A channel's fixed high-pass and gain add a constant to each c_k
   of every frame, which the mean removes; the variance takes out the speaker's and the noise's
   dynamic range. Output: segments * n_ceps values, segment-major, Q16.16, |v| <= sqrt(frames - 1).
   n_ceps 1..ATOME_MFCC_NCEP and segments as atome_mfcc (ATOME_APPS_ERR_BAD_CONFIG); at most
   ATOME_MFCC_CMVN_MAX_FRAMES frames (ATOME_APPS_ERR_BAD_LENGTH). */
atome_apps_status atome_mfcc_cmvn(const int16_t* audio, size_t n, uint32_t segments,
                                  uint32_t n_ceps, atome_mfcc_work* work, int32_t* out_q16);

/* The voice head's front end from data version 3 (mfcc.py with cmvn=True, endpoint_db): as
   atome_mfcc_cmvn (mu_k and sd_k over the whole clip), but the segments split only the speech
   span, from the first to the last frame whose c0 is more than floor_db dB above the clip's
   smallest frame c0 (an energy endpoint detector; the whole clip when no frame is; widened around
   its middle to `segments` frames when shorter), so that a segment holds the same part of the
   word whatever its onset and speaking rate. Two passes over the clip (statistics and floor, then
   the span), plus the frames outside the span once more: no per-frame storage (with a buffer for
   the frames' cepstra, atome_mfcc_cmvn_span_kept below does it in one pass). floor_db 0..
   ATOME_MFCC_MAX_FLOOR_DB (ATOME_APPS_ERR_BAD_CONFIG); the rest as atome_mfcc_cmvn. */
atome_apps_status atome_mfcc_cmvn_span(const int16_t* audio, size_t n, uint32_t segments,
                                       uint32_t n_ceps, uint32_t floor_db, atome_mfcc_work* work,
                                       int32_t* out_q16);

/* atome_mfcc_cmvn_span in one pass over the clip: pass 1 keeps each frame's c0..c(n_ceps-1)
   (Q16) in the caller's ceps, and the span's c0 and segment sums come from them instead of a
   second FFT of the span and of the silence around it (about half the instructions of a 1 s
   clip). The same output bits as atome_mfcc_cmvn_span. ceps: ceps_len >= ATOME_MFCC_KEPT(n,
   n_ceps) int32 (ATOME_APPS_ERR_BAD_LENGTH otherwise, before any frame is computed): frames x
   n_ceps, 1,568 B for 1 s at 16 kHz and c0..c3 (98 frames). NULL: the two passes of
   atome_mfcc_cmvn_span (no buffer; for a part without the RAM, e.g. the micro:bit). */
#define ATOME_MFCC_KEPT(n, n_ceps) \
  ((n) < ATOME_MFCC_FRAME ? 0 : (1 + ((n)-ATOME_MFCC_FRAME) / ATOME_MFCC_HOP) * (n_ceps))
atome_apps_status atome_mfcc_cmvn_span_kept(const int16_t* audio, size_t n, uint32_t segments,
                                            uint32_t n_ceps, uint32_t floor_db,
                                            atome_mfcc_work* work, int32_t* ceps, size_t ceps_len,
                                            int32_t* out_q16);

/* The speech span atome_mfcc_cmvn_span splits, frames [*first, *end) of the clip (frame f starts
   at sample f * ATOME_MFCC_HOP): for an app that wants to know where the word is, and for tests.
   Arguments and statuses as atome_mfcc_cmvn_span. */
atome_apps_status atome_mfcc_speech_span(const int16_t* audio, size_t n, uint32_t segments,
                                         uint32_t floor_db, atome_mfcc_work* work, uint32_t* first,
                                         uint32_t* end);

/* The sound_scene head's front end (mfcc.py scene(), data version 2): per segment 8 values,
   ATOME_MFCC_SCENE_NCH of them:
     level = the segment's mean c0 minus the smallest frame c0 of the clip (the event over the
             room's noise floor: a microphone gain or a louder room adds the same constant to both),
     c1..c5 (the segment's mean, as atome_mfcc),
     flux  = the segment's mean of (1/26) sum_m |L_t,m - L_t-1,m| over the 26 ln mel energies
             (0 for the clip's first frame),
     c0_sd = the population standard deviation of c0 over the segment's frames.
   Output: segments * 8 values, segment-major, Q16.16. segments as atome_mfcc; at most
   ATOME_MFCC_CMVN_MAX_FRAMES frames (ATOME_APPS_ERR_BAD_LENGTH). */
enum { ATOME_MFCC_SCENE_NCH = 8 };
atome_apps_status atome_mfcc_scene(const int16_t* audio, size_t n, uint32_t segments,
                                   atome_mfcc_work* work, int32_t* out_q16);

/* ---- App runner (apps/app_runner.cpp, apps/calibrate.cpp, docs/APPS.md §10) --------------------
 *
 * N loaded q15 classifier heads, one the device-telemetry head, the dispatcher and a stream gate
 * per head: one call per period turns one frame (per head, a window of F = C * T int32 values in
 * the tokeniser's input format, atome_tok_prepare) into the period's decision. Integer only: the
 * same bits on the host and every core. Sessions live in caller-owned arenas (no heap). */

/* Heads a runner holds, telemetry and check heads included. Each slot costs ~1.6 KB of RAM in
   atome_runner (mostly its tokeniser), so a small part builds apps/ and its app with a smaller
   value (the firmware app: its head count, 13, via ATOME_APPS_MAX_HEADS). Every
   file that includes this header must see the same value (the structs' layout depends on it). */
#ifndef ATOME_RUNNER_MAX_HEADS
#define ATOME_RUNNER_MAX_HEADS 16
#endif
enum { ATOME_RUNNER_MAX_CLASSES = 16 /* classes per head (a classifier has at most 16) */ };

typedef enum atome_runner_role {
  ATOME_ROLE_SCHEDULED =
      0, /* scheduled by the dispatcher (policy.heads[] in order of appearance) */
  ATOME_ROLE_TELEMETRY = 1, /* the device-telemetry head: runs every period, drives the state */
  ATOME_ROLE_CHECK = 2      /* an input check (e.g. bad-reading): runs every period before the
                               dispatcher; a result other than ok_class, an abstention or a bad
                               frame sets checks_mask's heads in the dispatcher's bad_input_mask */
} atome_runner_role;

/* A check head that abstains does not know whether the input is valid. FLAG (0, the default)
   treats that as invalid: fail-safe, but a check head with low coverage then skips its heads on
   many valid readings. PASS lets the checked heads run unless the check confidently says "not
   ok" (a bad frame for the check head still flags them). */
typedef enum atome_check_abstain {
  ATOME_CHECK_ABSTAIN_FLAG = 0,
  ATOME_CHECK_ABSTAIN_PASS = 1
} atome_check_abstain;

/* A head's front end (optional, docs/APPS.md §10 "Front end per head"): turns one raw window
   (raw, raw_len elements of the front end's own type, e.g. int16 samples) into the head's frame,
   frame[n_values] int32 in the tokeniser's input format (n_values = tok->n_features; tok is the
   head's tokeniser, for its channels' formats and ranges). Returns ATOME_APPS_OK with the frame
   filled, or a status that becomes the head's input status (the head then has no usable frame,
   like a bad frame). Must not keep raw or frame after it returns. */
typedef atome_apps_status (*atome_runner_front_fn)(void* ctx, const atome_tokenizer* tok,
                                                   const void* raw, size_t raw_len, int32_t* frame,
                                                   uint32_t n_values);

typedef struct atome_runner_head_config {
  const struct atome_model* model; /* loaded q15 classifier with a metadata section (FORMAT §17) */
  void* arena;                     /* caller-owned session buffer, ATOME_STATE_ALIGN aligned, at
                                      least atome_state_bytes(model, n_features) bytes; NULL: the
                                      head uses the config's shared_arena (below) */
  size_t arena_bytes;
  uint32_t role;      /* atome_runner_role */
  uint32_t gate_mode; /* atome_gate_mode, or ATOME_GATE_OFF; n_tokens is the model's n_features */
  uint32_t gate_tol;  /* as atome_gate_config */
  uint32_t gate_max_skips;
  uint32_t checks_mask; /* ATOME_ROLE_CHECK: bit s = scheduled head s (dispatch index) */
  uint32_t ok_class;    /* ATOME_ROLE_CHECK: the class that means "the input is valid" */
  uint32_t on_abstain;  /* ATOME_ROLE_CHECK: atome_check_abstain, what an abstention means */
  /* Optional front end: NULL (the default) = the head takes frames only. With one, the head also
     takes a raw window (ATOME_INPUT_RAW, atome_runner_step_inputs); front_ctx is passed to it
     unchanged (may be NULL; a front_ctx without a front is ATOME_APPS_ERR_BAD_CONFIG). */
  atome_runner_front_fn front;
  void* front_ctx;
} atome_runner_head_config;

typedef struct atome_runner_config {
  uint32_t n_heads; /* 1..ATOME_RUNNER_MAX_HEADS */
  atome_runner_head_config heads[ATOME_RUNNER_MAX_HEADS];
  /* heads[] of the policy are the SCHEDULED heads in the order they appear above (n_heads = their
     count); n_classes must be the telemetry head's class count. */
  atome_dispatch_policy policy;
  /* One session shared by every head whose arena is NULL (NULL here: none may be NULL). Each
     head resets its session before a window anyway, so one session, laid out again for the head
     about to run (atome_session_init), decides the same bits as one session per head; the RAM is
     the largest head's session instead of the sum (atome_runner_shared_arena_bytes). */
  void* shared_arena;
  size_t shared_arena_bytes;
} atome_runner_config;

/* Runner gate mode: no gate, the head runs whenever it is due (the always-run reference). */
enum { ATOME_GATE_OFF = 2 };

/* What happened to a head this period. */
typedef enum atome_head_action {
  ATOME_HEAD_RAN = 0,      /* the head ran on this period's tokens: the result is fresh */
  ATOME_HEAD_REUSED = 1,   /* due, but the stream gate hit: the last run's result is repeated */
  ATOME_HEAD_SKIPPED = 2,  /* not run (reason says why); class/logits are the last run's, if any */
  ATOME_HEAD_BAD_FRAME = 3 /* telemetry or check head: the frame was missing or flagged, so it
                              did not run and gives no evidence */
} atome_head_action;

/* Extra skip reason for a scheduled head whose own frame was missing (NULL). */
enum { ATOME_SKIP_NO_FRAME = 5 };

typedef struct atome_head_result {
  uint32_t action;       /* atome_head_action */
  uint32_t reason;       /* ATOME_HEAD_SKIPPED: atome_skip_reason (or ATOME_SKIP_NO_FRAME) */
  uint32_t input_status; /* the frame: ATOME_APPS_OK, ATOME_APPS_INPUT_FLAGGED (saturated or
                            frozen), ATOME_APPS_ERR_BAD_LENGTH, ATOME_APPS_ERR_NULL_ARGUMENT (no
                            frame); with atome_runner_step_inputs also the front end's error,
                            ATOME_APPS_ERR_NO_FRONT_END, ATOME_APPS_ERR_BAD_INPUT_KIND */
  uint32_t has_result;   /* 1 once the head has run at least once (class..abstain valid) */
  uint32_t class_id;     /* argmax of the Q16 logits, ties to the lowest index */
  uint32_t prob_q15;     /* calibrated probability of class_id, 0..32768 (docs/APPS.md §10.3) */
  uint32_t margin_q15;   /* prob of class_id minus the second largest, Q15 */
  uint32_t abstain;      /* the file's rule, in Q15 */
  int32_t logits_q16[ATOME_RUNNER_MAX_CLASSES];
} atome_head_result;

typedef struct atome_runner_output {
  atome_dispatch_output dispatch; /* state, rule, reading, run/skip masks (dispatch indices) */
  uint32_t bad_input_mask;        /* what was passed to the dispatcher (dispatch indices) */
  uint32_t ran_mask;              /* bit h (runner index): the head ran (engine work done) */
  uint32_t reused_mask;           /* bit h: gate hit, result repeated */
  atome_head_result heads[ATOME_RUNNER_MAX_HEADS];
} atome_runner_output;

/* The integer calibration of one head (apps/calibrate.cpp): the file's binary32 temperature and
   threshold decoded by integer code. */
typedef struct atome_calibration {
  int64_t temperature_q20; /* temperature * 2^20, rounded, >= 1 */
  uint32_t rule;           /* ATOME_ABSTAIN_* */
  uint32_t threshold_q15;  /* threshold * 2^15, rounded half to even */
} atome_calibration;

typedef struct atome_runner_head {
  const struct atome_model* model;
  struct atome_session* session;
  void* arena; /* shared: the runner's one session buffer, laid out for this head per run */
  size_t arena_bytes;
  uint32_t shared;
  atome_tokenizer tok;
  atome_stream_gate gate;
  atome_calibration cal;
  uint32_t role, dispatch_index, checks_mask, ok_class, n_classes, gate_off, on_abstain;
  atome_runner_front_fn front; /* NULL: frames only */
  void* front_ctx;
  atome_head_result last; /* the last run's result (has_result = 0 before) */
} atome_runner_head;

typedef struct atome_runner {
  uint32_t n_heads;
  uint32_t telemetry; /* runner index of the telemetry head */
  atome_runner_head heads[ATOME_RUNNER_MAX_HEADS];
  atome_dispatcher dispatcher;
  /* The frame a front end writes (one for all heads: each head's frame is tokenised right after
     its front end ran): 4 * ATOME_TOK_MAX_FEATURES = 256 B. */
  int32_t front_frame[ATOME_TOK_MAX_FEATURES];
  uint32_t magic;
} atome_runner;

/* Arena bytes for one session shared by these n heads: the largest atome_state_bytes(model,
   n_features) among them; 0 when a model is NULL or not a classifier with metadata. */
size_t atome_runner_shared_arena_bytes(const struct atome_model* const* models, uint32_t n);

/* Validate the config, prepare each head's tokeniser, calibration, gate and session (in its arena)
   and the dispatcher (starts in SAFE). */
atome_apps_status atome_runner_init(atome_runner* r, const atome_runner_config* config);

/* One period. frames[h] (runner index): the head's window, n_values[h] values (its n_features), or
   NULL when this period has no frame for it. On an error *out says SAFE and nothing ran. */
atome_apps_status atome_runner_step(atome_runner* r, const int32_t* const* frames,
                                    const uint32_t* n_values, atome_runner_output* out);

/* One head's input for a period (atome_runner_step_inputs). */
typedef enum atome_runner_input_kind {
  ATOME_INPUT_NONE = 0,  /* no input this period (as a NULL frame: ATOME_SKIP_NO_FRAME) */
  ATOME_INPUT_FRAME = 1, /* data: len int32 values in the tokeniser's input format */
  ATOME_INPUT_RAW = 2    /* data: a raw window of len elements for the head's front end */
} atome_runner_input_kind;

typedef struct atome_runner_input {
  uint32_t kind; /* atome_runner_input_kind */
  const void* data;
  size_t len;
} atome_runner_input;

/* One period, each head's input a frame or a raw window: inputs[h] (runner index). A raw window
   goes through the head's front end into the runner's front_frame, then the head follows the frame
   path exactly (tokeniser, bad-input mask, gates, dispatcher): the front end runs in every period
   its head gets a raw window, due or not (the bad-input mask needs its status before the
   dispatcher decides). Input statuses beside the frame's:
   the front end's own error status; ATOME_APPS_ERR_NO_FRONT_END (raw window, no front end);
   ATOME_APPS_ERR_BAD_INPUT_KIND; ATOME_APPS_ERR_NULL_ARGUMENT for NONE or NULL data (skip reason
   ATOME_SKIP_NO_FRAME); a frame's len must be its n_features (ATOME_APPS_ERR_BAD_LENGTH, also for
   a len that does not fit uint32_t). Every such head is a bad input; the others run. On an error
   *out says SAFE and nothing ran. atome_runner_step is this call with ATOME_INPUT_FRAME inputs. */
atome_apps_status atome_runner_step_inputs(atome_runner* r, const atome_runner_input* inputs,
                                           atome_runner_output* out);

/* Calibrated decision from Q16 logits (exposed for tests): fills class_id, prob_q15, margin_q15,
   abstain of *res. n = 1..ATOME_RUNNER_MAX_CLASSES. */
atome_apps_status atome_calibration_prepare(atome_calibration* cal,
                                            const struct atome_model* model);
void atome_calibrate_q16(const atome_calibration* cal, const int32_t* logits_q16, uint32_t n,
                         atome_head_result* res);

const char* atome_head_action_str(uint32_t action);

/* ---- Text commands (apps/text_commands.cpp, docs/APPS.md §12) ---------------------------------
 *
 * Two shipped text heads (models/task-intent-bucket-q15.atome,
 * models/task-command-intent-q15.atome) turn a typed request of 1..32 bytes into an action for the
 * application: intent_bucket routes it, a `control` request goes to command_intent, and a fixed
 * table (atome_text_decide) maps the two decisions and the dispatcher's state to one action.
 * Fail-safe: a head that abstains, a smalltalk or unknown request is NOT_UNDERSTOOD, never an
 * action. Token = byte, the text left-padded with byte 0 to the heads' window (docs/DATA.md: the
 * request ends at the last token). */

enum { ATOME_TEXT_MAX_BYTES = 32 };

/* The heads' classes, in the order the interpreter checks at init (by name). */
enum {
  ATOME_BUCKET_CONTROL = 0,
  ATOME_BUCKET_QUERY = 1,
  ATOME_BUCKET_CONFIG = 2,
  ATOME_BUCKET_ALERT = 3,
  ATOME_BUCKET_SMALLTALK = 4,
  ATOME_BUCKET_N = 5
};
enum {
  ATOME_INTENT_TURN_ON = 0,
  ATOME_INTENT_TURN_OFF = 1,
  ATOME_INTENT_SET_VALUE = 2,
  ATOME_INTENT_STATUS = 3,
  ATOME_INTENT_STOP_ALL = 4,
  ATOME_INTENT_UNKNOWN = 5,
  ATOME_INTENT_N = 6
};
#define ATOME_TEXT_NO_INTENT 0xFFFFFFFFu

typedef enum atome_text_action {
  ATOME_TEXT_NOT_UNDERSTOOD = 0, /* do nothing (why says which head or class) */
  ATOME_TEXT_ACTUATE = 1,        /* intent: turn_on, turn_off or set_value; the application
                                    parses the device and value */
  ATOME_TEXT_STOP_ALL = 2,       /* operator stop: call atome_dispatch_operator(STOP) */
  ATOME_TEXT_STATUS_REPORT = 3,  /* query bucket, or the command head's status */
  ATOME_TEXT_CONFIG = 4,         /* a settings request for the application */
  ATOME_TEXT_OPERATOR_ALERT = 5, /* the operator reports an alarm ("smoke in the kitchen") */
  ATOME_TEXT_REFUSED = 6         /* an actuation understood but refused in this state */
} atome_text_action;

typedef enum atome_text_why {
  ATOME_TEXT_WHY_OK = 0,
  ATOME_TEXT_WHY_BUCKET_ABSTAINED = 1,
  ATOME_TEXT_WHY_COMMAND_ABSTAINED = 2,
  ATOME_TEXT_WHY_SMALLTALK = 3,
  ATOME_TEXT_WHY_UNKNOWN_COMMAND = 4,
  ATOME_TEXT_WHY_REFUSED_IN_SAFE = 5,
  ATOME_TEXT_WHY_REFUSED_IN_ALERT = 6,
  ATOME_TEXT_WHY_BAD_TEXT = 7 /* the call failed (status says why): nothing to act on */
} atome_text_why;

typedef struct atome_text_decision {
  uint32_t action; /* atome_text_action */
  uint32_t why;    /* atome_text_why */
  uint32_t intent; /* the command head's class when it decided, else ATOME_TEXT_NO_INTENT */
  uint32_t state;  /* the dispatcher state the decision was taken in */
  atome_head_result bucket;  /* action RAN (has_result 1) once the text was valid */
  atome_head_result command; /* RAN when the request was routed to it, else SKIPPED */
} atome_text_decision;

typedef struct atome_text_interpreter {
  struct atome_session* bucket_session;
  struct atome_session* command_session; /* shared: NULL (the one session is laid out per head) */
  atome_calibration bucket_cal, command_cal;
  uint32_t window; /* tokens per request: the heads' n_features, ATOME_TEXT_MAX_BYTES */
  uint32_t magic;
  /* Shared mode (an arena of atome_text_shared_arena_bytes, smaller than both sessions): one
     session, re-laid out for the head about to run (the heads run one after the other and reset
     their session per request anyway, so the decisions are the same bit for bit). */
  uint32_t shared;
  const struct atome_model* bucket_model;
  const struct atome_model* command_model;
  void* arena;
  size_t arena_bytes;
} atome_text_interpreter;

/* Arena bytes for both heads' sessions (each at an ATOME_STATE_ALIGN boundary); 0 when a model
   is NULL or not a classifier. */
size_t atome_text_arena_bytes(const struct atome_model* bucket, const struct atome_model* command);

/* Arena bytes for one session shared by the two heads (the larger of the two); 0 as above.
   atome_text_init takes the shared mode when given less than atome_text_arena_bytes. */
size_t atome_text_shared_arena_bytes(const struct atome_model* bucket,
                                     const struct atome_model* command);

/* Checks both heads (q15 classifiers, ATOME_APPS_ERR_NOT_TEXT_HEAD unless each is a 1-channel
   global-quant head of exactly 32 features whose tokeniser maps every byte to itself, with its
   task's class names in order) and lays their sessions out in arena. Stack: one
   atome_tokenizer (~1.3 KB) during the check. */
atome_apps_status atome_text_init(atome_text_interpreter* ti, const struct atome_model* bucket,
                                  const struct atome_model* command, void* arena,
                                  size_t arena_bytes);

/* One request of n bytes (1..window: ATOME_APPS_ERR_BAD_LENGTH otherwise — a longer text is
   refused, not truncated: a cut request is another request; no 0 byte: ATOME_APPS_ERR_BAD_TEXT)
   in dispatcher state `state` (ATOME_DSTATE_*, else ATOME_APPS_ERR_BAD_CONFIG). On an error *out
   is NOT_UNDERSTOOD / BAD_TEXT with no head result. */
atome_apps_status atome_text_interpret(atome_text_interpreter* ti, const uint8_t* text, size_t n,
                                       uint32_t state, atome_text_decision* out);

/* The decision table alone (docs/APPS.md §12.2), for tests and for callers that run the heads
   themselves: out->action, why, intent from the bucket's result, the command head's (NULL or
   has_result 0 when it did not run) and the state. Copies neither head result into out. */
void atome_text_decide(uint32_t state, const atome_head_result* bucket,
                       const atome_head_result* command, atome_text_decision* out);

/* Whether the bucket's result routes the request to the command head (confident control). */
int atome_text_routes_to_command(const atome_head_result* bucket);

const char* atome_text_action_str(uint32_t action);
const char* atome_text_why_str(uint32_t why);

/* ---- Power quality (apps/power_quality.cpp) ----------------------------------------------------
 *
 * The power head's pipeline (data/generators/power.py, "power_quality"): one analysis window of
 * 10 mains cycles at 128 samples per cycle of a clamp-on CT's current i and the mains voltage v,
 * int32 in fixed units (i: 0.1 mA, |i| < 2^23, i.e. 838 A; v: 10 mV, |v| < 2^20, i.e. 10 kV;
 * ATOME_APPS_ERR_RANGE otherwise, n other than 1280: ATOME_APPS_ERR_BAD_LENGTH). Four features,
 * Q16.16 of the head's channels: i_rms (A), power factor P / (V_rms I_rms) (signed), THD of the
 * current over harmonics 2..20 (% of the fundamental; saturated when the fundamental is 0 and a
 * harmonic is not), crest factor |i|max / I_rms. A zero current gives 0 for pf, THD and crest,
 * as the generator's "+ 1e-12" does. work: 128 int32 + 256 int16 scratch. */
enum {
  ATOME_POWER_CYCLE = 128,
  ATOME_POWER_CYCLES = 10,
  ATOME_POWER_N = 1280,
  ATOME_POWER_HARMONICS = 20,
  ATOME_POWER_FEATURES = 4,
  ATOME_POWER_MAX_I = 1 << 23,
  ATOME_POWER_MAX_V = 1 << 20
};

typedef struct atome_power_work {
  int32_t fold[ATOME_POWER_CYCLE]; /* the 10 cycles summed sample by sample */
  int16_t re[ATOME_POWER_CYCLE];
  int16_t im[ATOME_POWER_CYCLE];
} atome_power_work;

atome_apps_status atome_power_quality(const int32_t* i, const int32_t* v, size_t n,
                                      atome_power_work* work, int32_t* out_q16);

/* ---- Pulse counting (apps/pulse_count.cpp) -----------------------------------------------------
 *
 * Debounced rising edges of a sampled digital line (0/1 samples; anything else:
 * ATOME_APPS_ERR_RANGE and the block is not counted): a flow meter's pulses (water, "pulses per
 * window") or PIR triggers (occupancy, "triggers per minute"). A level is accepted after
 * `debounce` (1..255) consecutive samples of it; the state carries across feeds. take: the count
 * since the last take times num / den, Q16.16 (num <= 65535, den >= 1; e.g. a meter of K pulses
 * per litre over a P s window gives L/min with num 60, den K P), and restarts the count. */
enum { ATOME_PULSE_MAX_DEBOUNCE = 255, ATOME_PULSE_MAX_NUM = 65535 };

typedef struct atome_pulse_counter {
  uint32_t count;   /* accepted rising edges since the last take (saturates) */
  uint8_t level;    /* the accepted level */
  uint8_t run;      /* consecutive samples differing from it */
  uint8_t debounce; /* samples a new level must hold */
  uint8_t ok;       /* 1 once initialised */
} atome_pulse_counter;

atome_apps_status atome_pulse_init(atome_pulse_counter* pc, uint32_t debounce, uint32_t level);
atome_apps_status atome_pulse_feed(atome_pulse_counter* pc, const uint8_t* samples, size_t n);
atome_apps_status atome_pulse_take(atome_pulse_counter* pc, uint32_t num, uint32_t den,
                                   int32_t* out_q16);

/* ---- PPG beats (apps/ppg_beats.cpp) ------------------------------------------------------------
 *
 * The wearable head's heart-rate channels (data/generators/wearable.py, "ppg_imu_stats"): one
 * 30 s buffer of a PPG at 50 Hz (int16, any offset and gain), n = 1500 (else
 * ATOME_APPS_ERR_BAD_LENGTH). Beats are detected (work->beat_q8: peak times in Q8 samples,
 * work->n_beats of them; none in the first and last 0.5 s), and out_q16 = heart rate (bpm, from
 * the RR intervals that end in the last 10 s) and RMSSD (ms, over the buffer's RR intervals),
 * Q16.16; 0 where there are too few beats. More beats than 250 bpm can give:
 * ATOME_APPS_INPUT_FLAGGED with both 0. work: 6.5 KB. */
enum {
  ATOME_PPG_FS = 50,
  ATOME_PPG_N = 1500,
  ATOME_PPG_HR_N = 500,
  ATOME_PPG_MAX_BEATS = 128,
  ATOME_PPG_FEATURES = 2
};

typedef struct atome_ppg_work {
  int32_t hp[ATOME_PPG_N]; /* the high-passed signal */
  int32_t beat_q8[ATOME_PPG_MAX_BEATS];
  uint32_t n_beats;
} atome_ppg_work;

atome_apps_status atome_ppg_features(const int16_t* x, size_t n, atome_ppg_work* work,
                                     int32_t* out_q16);

/* ---- Vibration velocity RMS (apps/velocity_rms.cpp) --------------------------------------------
 *
 * The forecast head's vib_rms (data/generators/forecast.py, "condition_monitor": velocity rms
 * 10..1000 Hz, ISO 10816): 1 s of one accelerometer axis at 2048 Hz, int16 at 0.01 m/s^2 per LSB
 * (+-33 g), n = 2048 (else ATOME_APPS_ERR_BAD_LENGTH); 8 Hann frames of 256, the acceleration
 * spectrum over (2 pi f)^2 in bins 2..125 (16..1000 Hz). *out_q16: mm/s, Q16.16 (saturated).
 * work: 1 KB. */
enum { ATOME_VEL_FS = 2048, ATOME_VEL_FRAME = 256, ATOME_VEL_FRAMES = 8, ATOME_VEL_N = 2048 };

typedef struct atome_velocity_work {
  int16_t re[ATOME_VEL_FRAME];
  int16_t im[ATOME_VEL_FRAME];
} atome_velocity_work;

atome_apps_status atome_velocity_rms(const int16_t* x, size_t n, atome_velocity_work* work,
                                     int32_t* out_q16);

/* ---- Derived channels (apps/telemetry_readout.cpp, wearable_readout.cpp, room_balance.cpp,
 * air_readout.cpp, agri_readout.cpp, trend_alarm.cpp)
 * -----------------------------------------------------------
 *
 * What a node's sensor driver computes from its raw readings and the references it logged at
 * installation, before the head's tokeniser sees them (docs/DATA.md "Telemetry against the
 * device's own day one", "Read-outs", "Derived features"; docs/APPS.md §6). Inputs and outputs are
 * Q16.16 unless named otherwise; results are saturated to int32. Integer only: logs from
 * atome_log2_q16 (error < 2^-14), one rounded division per quotient. */

/* log10(v) in Q16.16 for v > 0 (INT32_MIN for 0): atome_log2_q16(v) x log10(2) (Q32), rounded. */
int32_t atome_log10_q16(uint64_t v);

/* os_telem (data/generators/os_telem.py, version 2): the device's day-one references. */
typedef struct atome_telem_refs {
  int32_t temp_q16;    /* mean die temperature, degC */
  int32_t rssi_q16;    /* median RSSI, dBm */
  uint32_t latency_us; /* median loop latency, microseconds, > 0 */
} atome_telem_refs;

enum { ATOME_TELEM_DERIVED = 3 };

/* out_q16: temp_excess (K) = temp - ref, rssi_drop (dB) = rssi - ref, latency_ratio =
   log2(min(latency, 1 s) / ref). A reference latency of 0: ATOME_APPS_ERR_RANGE (out untouched);
   a latency of 0 is read as 1 us and flagged (ATOME_APPS_INPUT_FLAGGED, every output written). */
atome_apps_status atome_telem_readout(const atome_telem_refs* ref, int32_t temp_q16,
                                      int32_t rssi_q16, uint32_t latency_us, int32_t* out_q16);

/* wearable (data/generators/wearable.py, version 2): the wearer's references set up once. */
typedef struct atome_wearable_refs {
  int32_t hr_rest_q16; /* night-time resting heart rate, bpm */
  int32_t age_q16;     /* age entered at set-up, years (HR_max = 208 - 0.7 age, Tanaka) */
  int32_t pi_ref_q16;  /* perfusion index of the first still minutes, %, > 0 */
} atome_wearable_refs;

enum { ATOME_WEARABLE_DERIVED = 3 };

/* out_q16: accel = log10(max(rms, 1e-3 g)), perfusion = log10(max(PI, 1e-3 %) / PI0), hr_reserve
   = (HR - HR_rest) / (HR_max - HR_rest) (Karvonen). rms_q16 in g, pi_q16 in %, hr_q16 in bpm
   (atome_ppg_features' output). PI0 <= 0 or HR_max <= HR_rest: ATOME_APPS_ERR_RANGE. */
atome_apps_status atome_wearable_readout(const atome_wearable_refs* ref, int32_t hr_q16,
                                         int32_t rms_q16, int32_t pi_q16, int32_t* out_q16);

/* occupancy (data/generators/occupancy.py, version 2): the room as the node knows it. */
typedef struct atome_room_refs {
  int32_t night_q16;  /* CO2 reading of the empty room at night, ppm */
  int32_t ach_q16;    /* air changes per hour from a CO2 decay test, 0 < ach <= 64 */
  int32_t volume_q16; /* m^3, > 0 */
  int32_t capacity;   /* rated occupancy, people, > 0 */
  int32_t floor_q16;  /* sound level of the empty room, dB */
  int32_t step_s;     /* seconds between readings (300), ach * step <= 7200 (2 air changes) */
} atome_room_refs;

/* The per-room constants, computed once by atome_room_prepare. */
typedef struct atome_room_model {
  int32_t night_q16, floor_q16;
  int64_t decay_q30; /* a = exp(-ach * step / 3600) */
  int64_t
      people_q32; /* (people / capacity) per ppm of steady-state excess: ach vol / (18720 cap) */
} atome_room_model;

enum { ATOME_ROOM_DERIVED = 3 };

/* ATOME_APPS_ERR_RANGE for references outside the ranges above (or people_q32 >= 2^31). */
atome_apps_status atome_room_prepare(const atome_room_refs* refs, atome_room_model* room);

/* One step: out_q16 = co2_excess (ppm over night), occupancy_est (people / capacity from the mass
   balance C_ss = (C - C_prev a) / (1 - a), N = (C_ss - night) Q / G, G = 0.0052 L/s per person),
   sound_excess (dB over the floor). co2_prev_q16: the reading one step earlier. */
atome_apps_status atome_room_step(const atome_room_model* room, int32_t co2_prev_q16,
                                  int32_t co2_q16, int32_t sound_q16, int32_t* out_q16);

/* air (data/generators/air.py, version 3): one window of n = 1..ATOME_AIR_MAX_STEPS steps of the
   raw readings raw_q16[t * 5 + k], k: mq2 (log10(Rs/R0) as version 2 reads it), co2 (ppm as read),
   voc (log10(VOC/VOC0)), temperature (degC), humidity (%RH). out_q16[t * 3 + k]: co2_excess = co2
   - co2_base (the NDIR's ABC baseline), gas_rise = sign(d) log10(1 + |d| / 10 ppm) with d the
   LPG-equivalent ppm less the window's first (Rs/R0 over 1 - 0.006 (RH - 33) and 1 - 0.01 (T -
   20), floored at 1e-3, on the curve 300 ppm (Rs/R0 / 9.8)^(-1/0.47)), voc_rise = voc - the
   window's first. ATOME_APPS_ERR_RANGE (out untouched) where a T/RH factor is not positive. */
enum { ATOME_AIR_RAW = 5, ATOME_AIR_DERIVED = 3, ATOME_AIR_MAX_STEPS = 64 };

atome_apps_status atome_air_readout(int32_t co2_base_q16, const int32_t* raw_q16, size_t n,
                                    int32_t* out_q16);

/* agri (data/generators/agri.py, version 2): one window of n = 1..ATOME_AGRI_MAX_STEPS hourly steps
   of the five raw readings raw_q16[t * 5 + k], k: soil moisture (%VWC), air temperature (degC),
   RH (%), soil temperature (degC), leaf wetness (%), each saturated to its sensor's range (0..100,
   -40..85, 0..100, -55..125, 0..100). out_q16[t * 2 + k]: soil_moisture_fc = 100 theta / fc_read
   (the probe's field-capacity reading, %VWC, > 0, else ATOME_APPS_ERR_RANGE) and step_score =
   log2(1 + max_k |x_k(t) - x_k(t-1)| / rate_k), rates 2, 4, 15, 1.5, 70; 0 at t = 0. */
enum { ATOME_AGRI_RAW = 5, ATOME_AGRI_DERIVED = 2, ATOME_AGRI_MAX_STEPS = 64 };

atome_apps_status atome_agri_readout(int32_t fc_read_q16, const int32_t* raw_q16, size_t n,
                                     int32_t* out_q16);

/* forecast (data/generators/forecast.py, version 2): the condition monitor's trend since
   commissioning, fed one load-normalised vibration reading (vib_rms / (0.6 + 0.4 load), mm/s) per
   hour from hour 0. Caller-owned state; at most ATOME_TREND_MAX_HOURS hours (then
   ATOME_APPS_ERR_BAD_LENGTH: the exact sums would leave 64 bits). */
enum { ATOME_TREND_DERIVED = 3, ATOME_TREND_MAX_HOURS = 4096 };

typedef struct atome_trend_state {
  int64_t baseline_q16, margin_q16, floor_q16, ln_margin_q16;
  int64_t sum_z;  /* sum of z_h = ln(max(u_h - baseline, margin / 50)), Q16.16 */
  int64_t sum_hz; /* sum of h z_h */
  uint32_t hours;
} atome_trend_state;

/* baseline: the mean reading of the first 24 h; alarm: the install's alarm level D_f; alarm -
   baseline >= 50 LSB (else ATOME_APPS_ERR_RANGE). */
atome_apps_status atome_trend_init(atome_trend_state* s, int32_t baseline_q16, int32_t alarm_q16);

/* One hour: out_q16 = health (u - baseline) / (alarm - baseline), log_trend (the least-squares
   slope of z over hours 0..now, 1/h, in Q8.24: the tokeniser's format for its +-0.05 range; 0
   after one hour) and time_to_alarm, log10 of the hours until
   the fitted line reaches ln(alarm - baseline), clipped to 1 .. 10^4 h (4 when the slope is at most
   1e-4 per hour). */
atome_apps_status atome_trend_push(atome_trend_state* s, int32_t vib_norm_q16, int32_t* out_q16);

/* ---- Audio front end of a head (apps/audio_front.cpp, docs/APPS.md §13) ----------------------
 *
 * The on-device path from raw microphone PCM to a head's frame: one int16 clip (16 kHz, 32768 =
 * full scale) through the head's MFCC extractor, with the parameters its generator used (the
 * model file's pipeline params), into the int32 frame atome_tok_run / atome_runner_step take:
 * each Q16.16 feature rounded (half to even, as the host's nearbyint(ldexp(v, frac))) to its
 * channel's Q(frac[c]) and clipped to the channel's physical range as the generator clips its
 * features (so a loud clip is not flagged for what the training data also saturated). A runner
 * head's front end through atome_audio_front_run (below, atome_runner_step_inputs); no heap,
 * integer only. */
typedef enum atome_audio_front_kind {
  ATOME_AUDIO_FRONT_MFCC_CMVN_SPAN = 1, /* voice data v3: atome_mfcc_cmvn_span */
  ATOME_AUDIO_FRONT_MFCC_SCENE = 2      /* sound_scene data v2: atome_mfcc_scene */
} atome_audio_front_kind;

typedef struct atome_audio_front {
  uint32_t kind;      /* atome_audio_front_kind */
  uint32_t n_samples; /* clip_s * fs_hz of the pipeline params: the only clip length accepted */
  uint32_t segments;  /* pipeline param `segments` (the model's window) */
  uint32_t n_ceps;    /* CMVN_SPAN: `n_ceps` (the model's channels); SCENE: unused */
  uint32_t floor_db;  /* CMVN_SPAN: `endpoint_db`; SCENE: unused */
  /* CMVN_SPAN: the caller's buffer for atome_mfcc_cmvn_span_kept (one pass over the clip, the
     same bits), ceps_len >= ATOME_MFCC_KEPT(n_samples, n_ceps) int32; NULL (as
     atome_audio_front_from_model leaves it): the two passes. SCENE: unused. */
  int32_t* ceps;
  uint32_t ceps_len;
} atome_audio_front;

/* The head's front end from its model file (the pipeline name, parameters and channel names of
   the metadata section, FORMAT.md §17.2): pipeline "mfcc" at fs_hz 16000, frame 400, hop 160,
   nfft 512, n_mel 26, 20..8000 Hz, segments = the window; cmvn 1 with n_ceps = the channels,
   endpoint_db and sd_floor 0.01 -> CMVN_SPAN; the 8 scene channels (level, mfcc1..5, flux,
   c0_sd) -> SCENE. ATOME_APPS_ERR_NO_METADATA without a section, ATOME_APPS_ERR_BAD_CONFIG for
   any other pipeline (one this layer does not implement). */
atome_apps_status atome_audio_front_from_model(const struct atome_model* model,
                                               atome_audio_front* fe);

/* One clip into frame[tok->n_features]. ATOME_APPS_ERR_BAD_CONFIG for an unknown kind or a front
   end whose segments x channels differ from the tokeniser's window x channels;
   ATOME_APPS_ERR_BAD_LENGTH when n != fe->n_samples; the extractor's status otherwise. *n_clipped
   (may be NULL): features clipped to their channel's range. */
atome_apps_status atome_audio_front_frame(const atome_audio_front* fe, const atome_tokenizer* tok,
                                          const int16_t* audio, size_t n, atome_mfcc_work* work,
                                          int32_t* frame, uint32_t* n_clipped);

/* The audio front end as a runner front end (atome_runner_head_config.front =
   atome_audio_front_run, front_ctx = an atome_audio_front_ctx): raw = int16 samples, raw_len =
   their count. work may be shared by several heads' contexts of one runner (the heads' front ends
   run one after the other). */
typedef struct atome_audio_front_ctx {
  atome_audio_front fe;  /* e.g. from atome_audio_front_from_model */
  atome_mfcc_work* work; /* caller-owned, 2,864 B */
  uint32_t n_clipped;    /* out: the last clip's clipped features */
} atome_audio_front_ctx;

/* atome_audio_front_frame(&ctx->fe, tok, raw, raw_len, ctx->work, frame, &ctx->n_clipped), and its
   statuses; ATOME_APPS_ERR_NULL_ARGUMENT for a NULL ctx or work, ATOME_APPS_ERR_BAD_LENGTH when
   n_values is not tok->n_features. */
atome_apps_status atome_audio_front_run(void* ctx, const atome_tokenizer* tok, const void* raw,
                                        size_t raw_len, int32_t* frame, uint32_t n_values);

#ifdef __cplusplus
}
#endif

#endif /* ATOME_APPS_H */
