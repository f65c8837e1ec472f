// Evaluation of a language model on a text corpus in bits per byte: the training loop's
// validation (every --eval-every steps and at the end), in the two modes of `atome eval`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/text_corpus.h"
#include "train/language_model.h"

namespace atome::train {

struct EvalResult {
  double bpb = 0.0;
  double nats = 0.0;
  size_t predicted = 0;
};

// The validation of a run in bits per byte, on the spans of the evaluation protocol
// (host/eval_protocol.h) that `atome eval` scores with the engine: chunk mode over eval_chunk-byte
// chunks for eval_chunk > 0 (the original's protocol, the only one a GPT's positions allow), else
// story mode.
EvalResult evaluate(LanguageModel& model, const TextCorpus& corpus, uint32_t eval_chunk);

}  // namespace atome::train
