// See evaluate.h.
#include "host/evaluate.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "host/errors.h"
#include "host/owned_session.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace atome {
namespace {

// -ln softmax(logits)[target], in double: ln(sum_i exp(l_i - max)) - (l_target - max).
double negative_log_prob(const float* logits, uint32_t vocab, uint32_t target) {
  double max = logits[0];
  for (uint32_t i = 1; i < vocab; ++i) max = std::fmax(max, static_cast<double>(logits[i]));
  double sum = 0.0;
  for (uint32_t i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max);
  return std::log(sum) - (static_cast<double>(logits[target]) - max);
}

// The summed loss of one span on a session about to be reset; ATOME_OK or the failing status.
atome_status span_nats(atome_session* session, uint32_t vocab, const uint8_t* bytes, size_t length,
                       double* nats) {
  atome_session_reset(session);
  double sum = 0.0;
  for (size_t i = 0; i + 1 < length; ++i) {
    const float* logits = nullptr;
    const atome_status st = atome_step(session, bytes[i], &logits);
    if (st != ATOME_OK) return st;
    sum += negative_log_prob(logits, vocab, bytes[i + 1]);
  }
  *nats = sum;
  return ATOME_OK;
}

// span_nats, also writing each prediction's loss to `loss` (length - 1 entries) and its router
// mixtures to `mixture` ((length - 1) x n_layers x n_paths floats): this span's slice of a
// RouterTrace. The sum is formed exactly as span_nats forms it.
atome_status span_trace(atome_session* session, const atome_config& c, const uint8_t* bytes,
                        size_t length, double* loss, float* mixture, double* nats) {
  atome_session_reset(session);
  const size_t per_step = static_cast<size_t>(c.n_layers) * c.n_paths;
  double sum = 0.0;
  for (size_t i = 0; i + 1 < length; ++i) {
    const float* logits = nullptr;
    const atome_status st = atome_step(session, bytes[i], &logits);
    if (st != ATOME_OK) return st;
    loss[i] = negative_log_prob(logits, c.vocab_size, bytes[i + 1]);
    sum += loss[i];
    // After a step the session holds that step's mixtures (atome_session_router).
    for (uint32_t l = 0; l < c.n_layers; ++l) {
      const float* r = atome_session_router(session, l);
      std::copy(r, r + c.n_paths, mixture + i * per_step + static_cast<size_t>(l) * c.n_paths);
    }
  }
  *nats = sum;
  return ATOME_OK;
}

}  // namespace

uint32_t eval_thread_count(uint32_t threads) {
#ifdef _OPENMP
  return threads == 0 ? static_cast<uint32_t>(omp_get_max_threads()) : threads;
#else
  (void)threads;
  return 1;
#endif
}

EvalTotals evaluate_spans(const atome_model& model, uint32_t window, uint64_t max_state,
                          const std::vector<uint8_t>& stream, const std::vector<Span>& spans,
                          uint32_t threads, RouterTrace* trace) {
  uint32_t n_threads = eval_thread_count(threads);
  if (n_threads > spans.size()) n_threads = spans.empty() ? 1 : static_cast<uint32_t>(spans.size());
  const uint32_t vocab = model.config.vocab_size;
  // Sessions are made here, where a failure can still throw; inside the parallel loop errors
  // are only recorded.
  std::vector<std::unique_ptr<OwnedSession>> sessions;
  for (uint32_t t = 0; t < n_threads; ++t)
    sessions.push_back(std::make_unique<OwnedSession>(model, window, max_state));

  // With a trace, span i fills predictions first[i] .. first[i] + predictions - 1: disjoint
  // slices, so threads never share a record and the trace is the same for any thread count.
  const atome_config& c = model.config;
  std::vector<size_t> first(spans.size(), 0);
  if (trace != nullptr) {
    size_t predictions = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
      first[i] = predictions;
      predictions += spans[i].predictions();
    }
    trace->pathways = c.pathways;
    trace->n_layers = c.n_layers;
    trace->n_paths = c.n_paths;
    trace->loss.assign(predictions, 0.0);
    trace->mixture.assign(predictions * c.n_layers * c.n_paths, 0.0f);
    trace->span_first = first;
  }

  std::vector<double> span_sums(spans.size(), 0.0);
  std::vector<atome_status> span_status(spans.size(), ATOME_OK);
  const long n_spans = static_cast<long>(spans.size());
  // Stories differ a lot in length: hand them out one at a time.
#ifdef _OPENMP
#pragma omp parallel for num_threads(n_threads) schedule(dynamic, 1)
#endif
  for (long i = 0; i < n_spans; ++i) {
#ifdef _OPENMP
    OwnedSession& session = *sessions[static_cast<size_t>(omp_get_thread_num())];
#else
    OwnedSession& session = *sessions[0];
#endif
    const size_t k = static_cast<size_t>(i);
    const Span& span = spans[k];
    if (trace == nullptr) {
      span_status[k] =
          span_nats(session.get(), vocab, stream.data() + span.begin, span.length, &span_sums[k]);
    } else {
      float* mixture = trace->mixture.data() + first[k] * c.n_layers * c.n_paths;
      span_status[k] = span_trace(session.get(), c, stream.data() + span.begin, span.length,
                                  trace->loss.data() + first[k], mixture, &span_sums[k]);
    }
  }

  EvalTotals totals;
  for (size_t i = 0; i < spans.size(); ++i) {
    check_status(span_status[i], "step");
    totals.nats += span_sums[i];
    totals.predicted += spans[i].predictions();
  }
  return totals;
}

}  // namespace atome
