// See eval_protocol.h.
#include "host/eval_protocol.h"

#include <algorithm>

#include "atome/atome.h"

namespace atome {

std::vector<Span> story_spans(const TextCorpus& corpus, std::vector<uint8_t>* stream) {
  stream->clear();
  stream->reserve(corpus.tokens.size() + 1);
  stream->push_back(kEndOfStory);
  stream->insert(stream->end(), corpus.tokens.begin(), corpus.tokens.end());
  // Story i's first byte is at story_starts[i] + 1 in the stream, so its span starts one earlier,
  // on the 0x04 before it, and runs to its own closing 0x04 (the next span's first byte).
  std::vector<Span> spans;
  spans.reserve(corpus.n_stories());
  for (size_t i = 0; i < corpus.n_stories(); ++i) {
    const size_t next =
        i + 1 < corpus.n_stories() ? corpus.story_starts[i + 1] : corpus.tokens.size();
    spans.push_back({corpus.story_starts[i], next - corpus.story_starts[i] + 1});
  }
  return spans;
}

std::vector<Span> chunk_spans(size_t stream_bytes, size_t chunk) {
  std::vector<Span> spans;
  for (size_t begin = 0; chunk >= 2 && stream_bytes - begin >= chunk; begin += chunk)
    spans.push_back({begin, chunk});
  return spans;
}

EvalText eval_text(const TextCorpus& corpus, uint32_t chunk) {
  EvalText t;
  if (chunk > 0) {
    t.stream = corpus.tokens;
    t.spans = chunk_spans(t.stream.size(), chunk);
  } else {
    t.spans = story_spans(corpus, &t.stream);
  }
  return t;
}

uint32_t spans_window(const std::vector<Span>& spans) {
  size_t longest = 1;
  for (const Span& s : spans) longest = std::max(longest, s.inputs());
  return static_cast<uint32_t>(std::min<size_t>(longest, ATOME_MAX_WINDOW));
}

}  // namespace atome
