// Evaluation of a language model on a text corpus in bits per byte: the training loop's
// validation (every --eval-every steps and at the end), in the two modes of `atome eval`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "train/language_model.h"
#include "host/text_corpus.h"

namespace atome::train {

struct EvalResult {
  double bpb = 0.0;
  double nats = 0.0;
  size_t predicted = 0;
};

// Story-mode bits per byte (docs/FORMAT.md): every story is fed after an end-of-story byte, and
// every story byte and the closing end-of-story byte are predicted. max_stories 0: all.
EvalResult evaluate_stories(LanguageModel& model, const TextCorpus& corpus, size_t max_stories = 0);
// Chunk mode, as `atome eval --chunk N`: the token stream cut into non-overlapping N-byte chunks
// from the start (a final partial chunk dropped), bytes 1..N-1 of each predicted from their
// prefix within the chunk.
EvalResult evaluate_chunks(LanguageModel& model, const TextCorpus& corpus, uint32_t chunk);
// The validation of a run: chunk mode for eval_chunk > 0, else story mode.
EvalResult evaluate(LanguageModel& model, const TextCorpus& corpus, uint32_t eval_chunk);

}  // namespace atome::train
