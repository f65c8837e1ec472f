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
  ATOME_APPS_ERR_BAD_HEAD_ID = 12      /* a head id (or a bit of a head mask) >= n_heads */
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
  ATOME_RULE_CONFIRM = 1,          /* confident reading of the class in force */
  ATOME_RULE_DEBOUNCE = 2,         /* confident other class, streak below the K it needs */
  ATOME_RULE_ENTER_ALERT = 3,      /* NORMAL -> ALERT(c) after k_enter readings of c */
  ATOME_RULE_SWITCH_ALERT = 4,     /* ALERT(a) -> ALERT(b) after k_enter readings of b */
  ATOME_RULE_RETURN_NORMAL = 5,    /* ALERT(a) -> NORMAL after k_return readings of normal */
  ATOME_RULE_NO_EVIDENCE = 6,      /* not confident, fewer than m_abstain in a row: state kept */
  ATOME_RULE_ENTER_SAFE = 7,       /* not confident m_abstain periods in a row -> SAFE */
  ATOME_RULE_SAFE_COUNT = 8,       /* SAFE, confident normal, streak below k_safe_exit */
  ATOME_RULE_LEAVE_SAFE = 9,       /* SAFE -> NORMAL after k_safe_exit confident normal readings */
  ATOME_RULE_SAFE_NOT_NORMAL = 10, /* SAFE, confident non-normal class: stays, streak reset */
  ATOME_RULE_SAFE_NO_EVIDENCE = 11 /* SAFE, not confident: stays, streak reset */
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

const char* atome_dispatch_state_str(uint32_t state);
const char* atome_dispatch_rule_str(uint32_t rule);
const char* atome_skip_reason_str(uint32_t reason);

#ifdef __cplusplus
}
#endif

#endif /* ATOME_APPS_H */
