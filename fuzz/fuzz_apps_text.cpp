// libFuzzer target: the text path of `atome apps command` from outside. Selector = first byte:
//   even: (selector >> 1) & 3 is the dispatcher state (3: an invalid one), the rest is a request
//         for the shipped text heads: atome_text_interpret returns a status and a decision that
//         holds the documented invariants (docs/APPS.md §12) — never a crash;
//   odd:  the rest is apps.json text for parse_apps_text_config: FormatError is the only way to
//         refuse it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "host/aligned_buffer.h"
#include "host/apps_text_config.h"
#include "host/errors.h"
#include "host/model_file.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_apps_text: invariant broken: %s\n", what);
  std::abort();
}

struct Heads {
  atome::ModelFile bucket, command;
  atome::AlignedBuffer arena;
  atome_text_interpreter ti{};
  Heads()
      : bucket(atome::load_model_file(std::string(ATOME_SOURCE_DIR) +
                                      "/models/task-intent-bucket-q15.atome")),
        command(atome::load_model_file(std::string(ATOME_SOURCE_DIR) +
                                       "/models/task-command-intent-q15.atome")) {
    arena.resize(atome_text_arena_bytes(&bucket.model, &command.model));
    if (atome_text_init(&ti, &bucket.model, &command.model, arena.data(), arena.size()) !=
        ATOME_APPS_OK)
      fail("the shipped heads do not initialise");
  }
};

void request(const uint8_t* text, size_t n, uint32_t state) {
  static Heads h;
  atome_text_decision d;
  const atome_apps_status s = atome_text_interpret(&h.ti, text, n, state, &d);
  bool has_zero = false;
  for (size_t i = 0; i < n; ++i) has_zero = has_zero || text[i] == 0;
  const bool valid = state <= ATOME_DSTATE_SAFE && n >= 1 && n <= ATOME_TEXT_MAX_BYTES && !has_zero;
  if ((s == ATOME_APPS_OK) != valid) fail("status does not match the text's validity");
  if (s != ATOME_APPS_OK) {
    if (d.action != ATOME_TEXT_NOT_UNDERSTOOD || d.why != ATOME_TEXT_WHY_BAD_TEXT)
      fail("a refused text with an action");
    return;
  }
  if (d.action > ATOME_TEXT_REFUSED || d.bucket.action != ATOME_HEAD_RAN) fail("bad decision");
  const bool routed = atome_text_routes_to_command(&d.bucket) != 0;
  if (routed != (d.command.action == ATOME_HEAD_RAN)) fail("command head ran off-route");
  // Acting needs confident heads; actuation that adds energy needs NORMAL.
  const bool acted = d.action != ATOME_TEXT_NOT_UNDERSTOOD && d.action != ATOME_TEXT_REFUSED;
  if (acted && d.bucket.abstain != 0) fail("acted on an abstaining bucket head");
  if ((d.action == ATOME_TEXT_ACTUATE || d.action == ATOME_TEXT_STOP_ALL) &&
      (!routed || d.command.abstain != 0))
    fail("actuated without a confident command head");
  if (d.action == ATOME_TEXT_ACTUATE && d.intent != ATOME_INTENT_TURN_OFF &&
      state != ATOME_DSTATE_NORMAL)
    fail("actuated outside NORMAL");
  if (d.bucket.prob_q15 > ATOME_PROB_ONE_Q15 || d.command.prob_q15 > ATOME_PROB_ONE_Q15)
    fail("probability above 1");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    request(data + 1, size - 1, (data[0] >> 1) & 3u);
    return 0;
  }
  try {
    (void)atome::parse_apps_text_config(
        std::string(reinterpret_cast<const char*>(data) + 1, size - 1), "apps.json");
  } catch (const atome::FormatError&) {
  }
  return 0;
}
