// libFuzzer target: the inputs of `atome apps run` from outside. Selector = first byte:
//   even: the rest is a frames CSV for two heads ("a", "b"): the reader must return periods whose
//         frames and operator rows are well formed, or throw FormatError — never crash;
//   odd:  the rest is apps.json text: parse, then resolve against a fixed 3-class telemetry head;
//         FormatError is the only way to refuse it, and an accepted config's policy passes
//         atome_dispatch_init or is refused with a status (never a crash).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "host/apps_config.h"
#include "host/apps_stream.h"
#include "host/errors.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_apps_stream: invariant broken: %s\n", what);
  std::abort();
}

void stream(const std::string& text) {
  const std::vector<std::string> heads = {"a", "b"};
  try {
    const atome::AppsStream s = atome::read_apps_stream(text, heads, "fuzz.csv");
    // Operator rows (@command, @resume): one list per period, a resume carries no text.
    if (s.operators.size() != s.periods.size()) fail("operator rows out of step with the periods");
    for (const auto& ops : s.operators)
      for (const auto& op : ops)
        if (op.kind == atome::StreamOperator::kResume && !op.text.empty()) fail("resume with text");
    for (const auto& period : s.periods) {
      if (period.size() != heads.size()) fail("period with the wrong head count");
      for (const auto& f : period)
        if (!f.present && !f.values.empty()) fail("values in an absent frame");
    }
  } catch (const atome::FormatError&) {
  }
}

void config(const std::string& text) {
  try {
    const atome::AppsConfig c = atome::parse_apps_config(text, "apps.json");
    const std::vector<std::string> tel = {"normal", "hot", "low"};
    const std::vector<std::vector<std::string>> classes(c.heads.size(), {"ok", "bad"});
    atome_runner_config rc{};
    atome::resolve_apps_config(c, tel, classes, "apps.json", &rc);
    atome_dispatcher d;
    (void)atome_dispatch_init(&d, &rc.policy);
  } catch (const atome::FormatError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0)
    stream(text);
  else
    config(text);
  return 0;
}
