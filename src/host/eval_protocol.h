// The evaluation protocol, once for `atome eval` (the engine) and the trainer's validation (the
// trainer's forward): how a corpus is cut into byte sequences whose next-byte predictions are
// scored (docs/FORMAT.md, "Text convention (byte LM)"). Both score exactly these spans, so their
// bits per byte agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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

// The stream and spans of a corpus: chunk mode for chunk > 0 (chunk >= 2), else story mode.
struct EvalText {
  std::vector<uint8_t> stream;
  std::vector<Span> spans;
};
EvalText eval_text(const TextCorpus& corpus, uint32_t chunk);

// The default attention window for scoring spans: the longest span's inputs (so attention sees
// every earlier byte), at least 1 and at most ATOME_MAX_WINDOW.
uint32_t spans_window(const std::vector<Span>& spans);

}  // namespace atome
