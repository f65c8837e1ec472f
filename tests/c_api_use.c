/* The engine used from C99, as C firmware would: only atome.h, a static arena, explicit statuses.
 * Returns the number of greedy tokens produced, or a negative atome_status on failure. */
#include "atome/atome.h"

static unsigned char arena[1 << 20] __attribute__((aligned(16)));

int atome_c_api_generate(const void* image, size_t bytes, const char* prompt, int n_tokens,
                         unsigned char* out) {
  atome_model model;
  atome_session* session = 0;
  const float* logits = 0;
  atome_status st = atome_model_load(&model, image, bytes);
  if (st != ATOME_OK) return -(int)st;
  if (atome_state_bytes(&model, 64) > sizeof arena) return -(int)ATOME_ERR_BUFFER_TOO_SMALL;
  st = atome_session_init(&session, &model, 64, arena, sizeof arena);
  if (st != ATOME_OK) return -(int)st;
  for (const char* p = prompt; *p; ++p) {
    st = atome_step(session, (unsigned char)*p, &logits);
    if (st != ATOME_OK) return -(int)st;
  }
  for (int i = 0; i < n_tokens; ++i) {
    out[i] = (unsigned char)atome_argmax(logits, 256);
    st = atome_step(session, out[i], &logits);
    if (st != ATOME_OK) return -(int)st;
  }
  return n_tokens;
}
