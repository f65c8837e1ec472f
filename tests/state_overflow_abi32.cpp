// 32-bit half of the StateOverflow.Abi32 CTest (tests/state_overflow.cmake), built with -m32
// against the engine's portable sources: on a core whose size_t is 32 bits, a valid window whose
// session state exceeds 4 GiB is ATOME_ERR_STATE_TOO_LARGE (not ATOME_ERR_BAD_WINDOW), and
// windows whose state fits behave as before.
//   state_overflow_abi32 MODEL
// MODEL comes from state_overflow_model, run on the 64-bit host (8 GiB of state at window 65536).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atome/atome.h"

static int failures = 0;

static void check(bool ok, const char* what) {
  printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) failures += 1;
}

static void check_status(atome_status got, atome_status want, const char* what) {
  char line[256];
  snprintf(line, sizeof line, "%s: %d (%s), want %d (%s)", what, (int)got, atome_status_str(got),
           (int)want, atome_status_str(want));
  check(got == want, line);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL\n", argv[0]);
    return 2;
  }
  check(sizeof(size_t) == 4, "size_t is 32 bits");

  FILE* f = fopen(argv[1], "rb");
  if (f == nullptr) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void* image = nullptr;
  if (size <= 0 || posix_memalign(&image, 16, (size_t)size) != 0) return 1;
  if (fread(image, 1, (size_t)size, f) != (size_t)size) return 1;
  fclose(f);

  atome_model model;
  const atome_status loaded = atome_model_load(&model, image, (size_t)size);
  check_status(loaded, ATOME_OK, "atome_model_load");
  if (loaded != ATOME_OK) return 1;

  check(atome_state_bytes(&model, ATOME_MAX_WINDOW) == 0, "atome_state_bytes(65536) is 0");
  check(atome_state_bytes(&model, 1) > 0, "atome_state_bytes(1) is not 0");
  // The largest window whose state fits (the state grows with the window).
  uint32_t fit_window = 1, too_large = ATOME_MAX_WINDOW;
  while (too_large - fit_window > 1) {
    const uint32_t mid = fit_window + (too_large - fit_window) / 2;
    (atome_state_bytes(&model, mid) > 0 ? fit_window : too_large) = mid;
  }
  const size_t fit_bytes = atome_state_bytes(&model, fit_window);
  printf("largest window whose state fits: %u (%zu bytes)\n", fit_window, fit_bytes);
  check(fit_bytes > 0xF0000000u, "that state is within 256 MiB of 4 GiB");

  static unsigned char small[256] __attribute__((aligned(16)));
  atome_session* s = (atome_session*)small;
  check_status(atome_session_init(&s, &model, ATOME_MAX_WINDOW, small, sizeof small),
               ATOME_ERR_STATE_TOO_LARGE, "atome_session_init(window 65536)");
  check(s == nullptr, "session cleared on failure");
  check_status(atome_session_init(&s, &model, fit_window + 1, small, sizeof small),
               ATOME_ERR_STATE_TOO_LARGE, "atome_session_init(largest fitting window + 1)");
  check_status(atome_session_init(&s, &model, fit_window, small, sizeof small),
               ATOME_ERR_BUFFER_TOO_SMALL,
               "atome_session_init(largest fitting window, small buffer)");
  check_status(atome_session_init(&s, &model, 0, small, sizeof small), ATOME_ERR_BAD_WINDOW,
               "atome_session_init(window 0)");
  check_status(atome_session_init(&s, &model, ATOME_MAX_WINDOW + 1, small, sizeof small),
               ATOME_ERR_BAD_WINDOW, "atome_session_init(window 65537)");
  check(strcmp(atome_status_str(ATOME_ERR_STATE_TOO_LARGE), "unknown status") != 0,
        "ATOME_ERR_STATE_TOO_LARGE has its own text");

  // A window whose state fits: the 32-bit engine runs.
  const uint32_t window = 8;
  const size_t need = atome_state_bytes(&model, window);
  void* buffer = nullptr;
  check(need > 0 && posix_memalign(&buffer, ATOME_STATE_ALIGN, need) == 0, "state for window 8");
  if (buffer != nullptr) {
    check_status(atome_session_init(&s, &model, window, buffer, need), ATOME_OK,
                 "atome_session_init(window 8)");
    if (s != nullptr) {
      const float* logits = nullptr;
      bool finite = true;
      static const uint32_t tokens[] = {72, 105, 33, 10, 72, 105, 33, 10, 72, 105};
      for (uint32_t token : tokens) {
        if (atome_step(s, token, &logits) != ATOME_OK || logits == nullptr) {
          finite = false;
          break;
        }
        for (uint32_t i = 0; i < 256; ++i) finite = finite && __builtin_isfinite(logits[i]);
      }
      check(finite, "10 steps past the window, finite logits");
    }
    free(buffer);
  }
  free(image);
  printf("%s\n", failures == 0 ? "PASS" : "FAILED");
  return failures == 0 ? 0 : 1;
}
