// Scoring text with the engine: the summed cross-entropy (in nats) of a model's next-byte
// predictions over the spans of the evaluation protocol (host/eval_protocol.h), each decoded from
// a freshly reset session. Used by `atome eval`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atome/atome.h"
#include "host/eval_protocol.h"
#include "host/router_stats.h"
#include "host/text_corpus.h"

namespace atome {

struct EvalTotals {
  double nats = 0.0;       // sum of -ln softmax(logits)[target], each term in double
  uint64_t predicted = 0;  // number of terms
};

// Scores every span: reset a session of `window` positions (each thread's session at most
// `max_state` bytes, the --max-state limit; UsageError otherwise), feed the span's bytes, and add
// -ln softmax(logits)[next byte] for every prediction. Spans run in parallel over `threads`
// threads (0 = as many as OpenMP offers; 1 without OpenMP), each thread with its own session;
// per-span sums are added in span order afterwards, so the result does not depend on the thread
// count. Throws Error if the engine rejects a step.
//
// With a `trace`, also records every prediction's loss and the router mixture of every layer at
// the step that made it (RouterTrace: predictions in span order, each span's in stream order;
// 8 + 4 * n_layers * n_paths bytes per prediction); the totals are the same to the bit either
// way.
EvalTotals evaluate_spans(const atome_model& model, uint32_t window, uint64_t max_state,
                          const std::vector<uint8_t>& stream, const std::vector<Span>& spans,
                          uint32_t threads, RouterTrace* trace = nullptr);

// The number of threads evaluate_spans uses for `threads`.
uint32_t eval_thread_count(uint32_t threads);

}  // namespace atome
