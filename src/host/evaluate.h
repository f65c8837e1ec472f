// Scoring text with the engine: the summed cross-entropy (in nats) of a model's next-byte
// predictions over a set of byte sequences, each decoded from a freshly reset session. Used by
// `atome eval`; the two ways of cutting a corpus into sequences are defined here too (see
// docs/FORMAT.md, "Text convention (byte LM)").
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "atome/atome.h"
#include "host/router_stats.h"
#include "host/text_corpus.h"

namespace atome {

// A sequence of `length` (>= 2) bytes starting at `begin` in a byte stream. Byte 0 is context
// only; bytes 1 .. length-1 are each predicted from all the bytes before them.
struct Span {
  size_t begin = 0;
  size_t length = 0;
  size_t predictions() const { return length - 1; }
  size_t inputs() const { return length - 1; }  // the last byte is a target, never fed
};

// Story mode. `stream` becomes 0x04 followed by the corpus tokens, so that story i is the span
// [0x04, story bytes..., 0x04]: the start-of-story context, then every byte of the story and the
// closing end-of-story byte as targets.
std::vector<Span> story_spans(const TextCorpus& corpus, std::vector<uint8_t>* stream);

// Chunk mode (the original Atome's protocol): the token stream cut into non-overlapping
// `chunk`-byte spans from the start; a final partial chunk is dropped.
std::vector<Span> chunk_spans(size_t stream_bytes, size_t chunk);

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
