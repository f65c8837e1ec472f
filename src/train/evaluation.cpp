// Validation in bits per byte (see evaluation.h).
#include "train/evaluation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "host/eval_protocol.h"

namespace atome::train {

EvalResult evaluate(LanguageModel& model, const TextCorpus& corpus, uint32_t eval_chunk) {
  if (eval_chunk == 1) throw std::invalid_argument("chunk must be at least 2 bytes");
  const EvalText text = eval_text(corpus, eval_chunk);
  EvalResult r;
  std::vector<uint8_t> in, target;
  std::vector<double> row_loss;
  // Spans of one length run as one batch of up to ~8192 predictions (chunk mode); a story is a
  // batch of its own. Losses are added in span order either way.
  for (size_t first = 0; first < text.spans.size();) {
    const size_t T = text.spans[first].inputs();
    const size_t per_forward = std::max<size_t>(1, 8192 / T);
    size_t B = 1;
    while (B < per_forward && first + B < text.spans.size() && text.spans[first + B].inputs() == T)
      ++B;
    in.resize(B * T);
    target.resize(B * T);
    for (size_t b = 0; b < B; ++b) {
      const uint8_t* span = text.stream.data() + text.spans[first + b].begin;
      std::copy_n(span, T, in.begin() + b * T);
      std::copy_n(span + 1, T, target.begin() + b * T);
    }
    row_loss.resize(B * T);
    model.forward(in.data(), target.data(), B, T, row_loss.data());
    for (double l : row_loss) r.nats += l;
    r.predicted += B * T;
    first += B;
  }
  r.bpb = r.predicted ? r.nats / std::log(2.0) / static_cast<double>(r.predicted) : 0.0;
  return r;
}

}  // namespace atome::train
