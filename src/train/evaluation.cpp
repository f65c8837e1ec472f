// Validation in bits per byte (see evaluation.h).
#include "train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace atome::train {

EvalResult evaluate_stories(LanguageModel& model, const TextCorpus& corpus, size_t max_stories) {
  EvalResult r;
  const size_t n =
      max_stories == 0 ? corpus.n_stories() : std::min(max_stories, corpus.n_stories());
  std::vector<uint8_t> in, target;
  std::vector<double> row_loss;
  for (size_t s = 0; s < n; ++s) {
    const size_t begin = corpus.story_starts[s];
    const size_t end =
        s + 1 < corpus.n_stories() ? corpus.story_starts[s + 1] : corpus.tokens.size();
    // tokens[begin, end) is the story and its closing end-of-story byte.
    target.assign(corpus.tokens.begin() + begin, corpus.tokens.begin() + end);
    in.assign(1, kEndOfStory);
    in.insert(in.end(), target.begin(), target.end() - 1);
    row_loss.resize(in.size());
    model.forward(in.data(), target.data(), 1, in.size(), row_loss.data());
    for (double l : row_loss) r.nats += l;
    r.predicted += in.size();
  }
  r.bpb = r.predicted ? r.nats / std::log(2.0) / static_cast<double>(r.predicted) : 0.0;
  return r;
}

EvalResult evaluate_chunks(LanguageModel& model, const TextCorpus& corpus, uint32_t chunk) {
  EvalResult r;
  if (chunk < 2) throw std::invalid_argument("chunk must be at least 2 bytes");
  const size_t T = chunk - 1, n_chunks = corpus.tokens.size() / chunk;
  const size_t per_forward = std::max<size_t>(1, 8192 / T);  // chunks per forward pass
  std::vector<uint8_t> in, target;
  std::vector<double> row_loss;
  for (size_t first = 0; first < n_chunks; first += per_forward) {
    const size_t B = std::min(per_forward, n_chunks - first);
    in.resize(B * T);
    target.resize(B * T);
    for (size_t b = 0; b < B; ++b) {
      const uint8_t* c = corpus.tokens.data() + (first + b) * chunk;
      std::copy_n(c, T, in.begin() + b * T);
      std::copy_n(c + 1, T, target.begin() + b * T);
    }
    row_loss.resize(B * T);
    model.forward(in.data(), target.data(), B, T, row_loss.data());
    for (double l : row_loss) r.nats += l;
    r.predicted += B * T;
  }
  r.bpb = r.predicted ? r.nats / std::log(2.0) / static_cast<double>(r.predicted) : 0.0;
  return r;
}

EvalResult evaluate(LanguageModel& model, const TextCorpus& corpus, uint32_t eval_chunk) {
  return eval_chunk > 0 ? evaluate_chunks(model, corpus, eval_chunk)
                        : evaluate_stories(model, corpus);
}

}  // namespace atome::train
