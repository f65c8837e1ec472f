// The raw-audio app's loop (audio_run.h): what a device does with each microphone window of an
// audio head, step by step, so that every intermediate (frame, tokens, logits) can be printed and
// compared with the host twin: front end, tokeniser, one session fed the tokens, Q16 logits,
// integer calibration (the same calls as apps/app_runner.cpp's run_head).
#include "audio_run.h"

#include "line.h"
#include "logits_digest.h"

namespace {

// Static, and one tokeniser (~1.3 KB) prepared again for each clip's head (a few thousand
// instructions against the front end's millions): the micro:bit has 16 KB of RAM and its stack
// must not meet .bss.
TextLine<320> g_line;  // a clip line with 5 logits is ~170 characters
atome_tokenizer g_tok;
atome_calibration g_cal[ATOME_AUDIO_MAX_HEADS];
atome_audio_front g_front[ATOME_AUDIO_MAX_HEADS];
atome_mfcc_work g_work;  // 2.9 KB of extractor scratch, one clip at a time
#if !defined(__ARM_ARCH_6M__)
// The voice front end's kept cepstra (1 s, c0..c3: 1,568 B), so that its speech span is one pass
// over the clip (atome_mfcc_cmvn_span_kept, the same bits). Not on M0: the micro:bit's 16 KB hold
// 14.1 KB of .bss and 1.1 KB of stack already; it runs the two passes.
constexpr uint32_t kKept = ATOME_MFCC_KEPT(16000, 4);
int32_t g_ceps[kKept];
#endif
int32_t g_frame[ATOME_TOK_MAX_FEATURES];
uint8_t g_tokens[ATOME_TOK_MAX_FEATURES];
atome_head_result g_res;

void fail(void (*emit)(const char*), const char* what, const char* status) {
  g_line.used = 0;
  g_line.put("error: ");
  g_line.put(what);
  g_line.put(": ");
  g_line.put(status);
  emit(g_line.text);
}

// The tokens' digest: packed 4 a word (little-endian by arithmetic, the same on every core).
uint32_t tokens_digest(const uint8_t* t, uint32_t n) {
  uint32_t words[ATOME_TOK_MAX_FEATURES / 4];
  const uint32_t n_words = (n + 3) / 4;
  for (uint32_t w = 0; w < n_words; ++w) {
    words[w] = 0;
    for (uint32_t b = 0; b < 4 && 4 * w + b < n; ++b) words[w] |= uint32_t(t[4 * w + b]) << (8 * b);
  }
  return logits_digest(words, n_words);
}

// Loads each head and prepares its tokeniser and calibration; sizes the shared session.
int prepare(const AudioRunInput& in, void (*emit)(const char*)) {
  for (uint32_t h = 0; h < in.n_heads; ++h) {
    const atome_status st =
        atome_model_load(&in.models[h], in.heads[h].image, in.heads[h].image_bytes);
    if (st != ATOME_OK) {
      fail(emit, "model load", atome_status_str(st));
      return 1;
    }
    atome_apps_status as = atome_tok_prepare(&g_tok, &in.models[h]);
    if (as == ATOME_APPS_OK) as = atome_calibration_prepare(&g_cal[h], &in.models[h]);
    if (as == ATOME_APPS_OK) as = atome_audio_front_from_model(&in.models[h], &g_front[h]);
#if !defined(__ARM_ARCH_6M__)
    // One buffer for every head: one clip at a time. A clip too long for it is refused
    // (ATOME_APPS_ERR_BAD_LENGTH) rather than run another way.
    g_front[h].ceps = g_ceps;
    g_front[h].ceps_len = kKept;
#endif
    if (as != ATOME_APPS_OK) {
      fail(emit, "head prepare", atome_apps_status_str(as));
      return 1;
    }
    const atome_audio_front& f = g_front[h];
    g_line.used = 0;
    g_line.put("head ");
    g_line.put(in.heads[h].name);
    g_line.put(" front");
    const uint32_t fields[5] = {f.kind, f.n_samples, f.segments, f.n_ceps, f.floor_db};
    for (uint32_t v : fields) {
      g_line.put(" ");
      g_line.put_u32(v);
    }
    emit(g_line.text);
    const size_t bytes = atome_state_bytes(&in.models[h], g_tok.n_features);
    g_line.used = 0;  // "#": a measurement of this engine build, not compared with the twin
    g_line.put("# session_bytes ");
    g_line.put(in.heads[h].name);
    g_line.put(" ");
    g_line.put_u32(static_cast<uint32_t>(bytes));
    emit(g_line.text);
    if (bytes == 0 || bytes > in.pool_bytes) {
      fail(emit, "session", "the pool is too small (ATOME_ARENA_BYTES)");
      return 1;
    }
  }
  return 0;
}

// Clip c through its head into g_res; the line's status fields say how far it got.
int run_clip(const AudioRunInput& in, uint32_t c, void (*emit)(const char*)) {
  const AudioClip& clip = in.clips[c];
  const uint32_t h = clip.head;
  const atome_tokenizer& tok = g_tok;
  if (atome_tok_prepare(&g_tok, &in.models[h]) != ATOME_APPS_OK) {  // prepare() checked it
    fail(emit, "tokeniser", "refused");
    return 1;
  }
  uint32_t clipped = 0;
  if (in.mark) in.mark();
  const atome_apps_status fe = atome_audio_front_frame(&g_front[h], &tok, clip.samples,
                                                       clip.n_samples, &g_work, g_frame, &clipped);
  if (in.mark) in.mark();
  atome_apps_status ts = ATOME_APPS_ERR_NOT_INITIALISED;
  if (fe == ATOME_APPS_OK) ts = atome_tok_run(&tok, g_frame, tok.n_features, g_tokens, nullptr);
  const bool run = ts == ATOME_APPS_OK || ts == ATOME_APPS_INPUT_FLAGGED;
  if (run) {
    atome_session* s = nullptr;
    if (atome_session_init(&s, &in.models[h], tok.n_features, in.pool, in.pool_bytes) != ATOME_OK) {
      fail(emit, "session init", "refused");
      return 1;
    }
    for (uint32_t i = 0; i < tok.n_features; ++i)
      if (atome_step_no_logits(s, g_tokens[i]) != ATOME_OK) {
        fail(emit, "session step", "refused");
        return 1;
      }
    if (atome_session_class_logits_q16(s, g_res.logits_q16, in.models[h].config.n_classes) !=
        ATOME_OK) {
      fail(emit, "class logits", "refused");
      return 1;
    }
    atome_calibrate_q16(&g_cal[h], g_res.logits_q16, in.models[h].config.n_classes, &g_res);
  }
  if (in.mark) in.mark();
  auto& line = g_line;
  line.used = 0;
  line.put("clip ");
  line.put_u32(c);
  line.put(" head ");
  line.put(in.heads[h].name);
  line.put(" label ");
  line.put_u32(clip.label);
  line.put(" fe ");
  line.put_u32(fe);
  line.put(" clipped ");
  line.put_u32(clipped);
  if (fe == ATOME_APPS_OK) {
    line.put(" frame 0x");
    line.put_hex32(logits_digest(g_frame, tok.n_features));
    line.put(" tokens 0x");
    line.put_hex32(tokens_digest(g_tokens, tok.n_features));
    line.put(" in ");
    line.put_u32(ts);
  }
  if (run) {
    line.put(" c ");
    line.put_u32(g_res.class_id);
    line.put(" p ");
    line.put_u32(g_res.prob_q15);
    line.put(" m ");
    line.put_u32(g_res.margin_q15);
    line.put(" a ");
    line.put_u32(g_res.abstain);
    line.put(" L=");
    for (uint32_t k = 0; k < in.models[h].config.n_classes; ++k) {
      if (k) line.put(",");
      line.put_i32(g_res.logits_q16[k]);
    }
  }
  emit(line.text);
  return 0;
}

}  // namespace

int atome_audio_run(const AudioRunInput& in, void (*emit)(const char* line)) {
  if (in.n_heads == 0 || in.n_heads > ATOME_AUDIO_MAX_HEADS) {
    fail(emit, "heads", "more than ATOME_AUDIO_MAX_HEADS (or none)");
    return 1;
  }
  if (prepare(in, emit) != 0) return 1;
  for (uint32_t c = 0; c < in.n_clips; ++c) {
    if (in.clips[c].head >= in.n_heads) {
      fail(emit, "clip", "head index out of range");
      return 1;
    }
    if (run_clip(in, c, emit) != 0) return 1;
  }
  emit("done OK");
  return 0;
}
