// See generation.h. Freestanding: no printf, no heap; numbers are formatted by hand.
#include "generation.h"

#include "atome/atome.h"
#include "line.h"
#include "logits_digest.h"

// ATOME_FLOAT_PATH=0 (integer-only firmware, q15 models): no float logits, no float argmax.
#ifndef ATOME_FLOAT_PATH
#define ATOME_FLOAT_PATH 1
#endif

namespace {

int report_error(atome_line_sink sink, const char* what, atome_status st) {
  Line line;
  line.put("error ");
  line.put(what);
  line.put(": ");
  line.put(atome_status_str(st));
  sink(line.text);
  return static_cast<int>(st);
}

// The generation loop over one logits type: float logits (atome_step, atome_argmax) for f32 / a8
// models, int32 Q16 logits (atome_step_q16, atome_argmax_i32) for q15 models. Each step line
// carries the digest of every logit of that step (logits_digest.h).
template <typename Logit, atome_status (*step)(atome_session*, uint32_t, const Logit**),
          uint32_t (*argmax)(const Logit*, uint32_t)>
int generate(atome_session* session, uint32_t vocab, const char* prompt, uint32_t n_tokens,
             atome_line_sink sink) {
  const Logit* logits = nullptr;
  atome_status st = ATOME_OK;
  for (const char* p = prompt; *p; ++p) {
    st = step(session, static_cast<uint8_t>(*p), &logits);
    if (st != ATOME_OK) return report_error(sink, "prompt", st);
  }
  if (logits == nullptr) return report_error(sink, "prompt", ATOME_ERR_NO_TOKENS);
  for (uint32_t i = 0; i < n_tokens; ++i) {
    const uint32_t token = argmax(logits, vocab);
    Line line;
    line.put("step ");
    line.put_u32(i);
    line.put(" token ");
    line.put_u32(token);
    line.put(" logits_digest ");
    line.put_hex32(logits_digest(logits, vocab));
    sink(line.text);
    st = step(session, token, &logits);
    if (st != ATOME_OK) return report_error(sink, "step", st);
  }
  Line done;
  done.put("done ");
  done.put_u32(n_tokens);
  sink(done.text);
  return 0;
}

}  // namespace

int atome_run_generation(const uint8_t* model_image, size_t model_bytes, void* arena,
                         size_t arena_bytes, uint32_t window, const char* prompt, uint32_t n_tokens,
                         atome_line_sink sink) {
  atome_model model;
  atome_status st = atome_model_load(&model, model_image, model_bytes);
  if (st != ATOME_OK) return report_error(sink, "load", st);
  atome_session* session = nullptr;
  st = atome_session_init(&session, &model, window, arena, arena_bytes);
  if (st != ATOME_OK) return report_error(sink, "session", st);
  const uint32_t vocab = model.config.vocab_size;
  if (model.config.numerics == ATOME_NUMERICS_Q15)
    return generate<int32_t, atome_step_q16, atome_argmax_i32>(session, vocab, prompt, n_tokens,
                                                               sink);
#if ATOME_FLOAT_PATH
  return generate<float, atome_step, atome_argmax>(session, vocab, prompt, n_tokens, sink);
#else
  return report_error(sink, "load", ATOME_ERR_UNSUPPORTED);  // the loader refused it already
#endif
}
