// See state_limit.h.
#include "cli/state_limit.h"

#include "host/errors.h"

namespace atome::cli {

void add_max_state_flag(CLI::App* cmd, std::string* text) {
  if (text->empty()) *text = "1G";
  cmd->add_option(kMaxStateFlag, *text,
                  "Most bytes of session state to allocate (suffixes K, M, G, T = powers of 1024)")
      ->type_name("BYTES")
      ->capture_default_str();
}

uint64_t parse_max_state(const std::string& text) {
  const auto fail = [&] {
    return UsageError(std::string(kMaxStateFlag) +
                      " must be a positive byte count, optionally with a suffix K, M, G or T "
                      "(powers of 1024), e.g. 64M or 1G (got '" +
                      text + "')");
  };
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) throw fail();
    v = v * 10 + digit;
    ++i;
  }
  if (i == 0) throw fail();
  std::string suffix = text.substr(i);
  for (char& c : suffix)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  unsigned shift = 0;
  if (!suffix.empty() && suffix != "B") {
    const char unit = suffix[0];
    const std::string rest = suffix.substr(1);
    if (rest != "" && rest != "B" && rest != "IB") throw fail();
    if (unit == 'K')
      shift = 10;
    else if (unit == 'M')
      shift = 20;
    else if (unit == 'G')
      shift = 30;
    else if (unit == 'T')
      shift = 40;
    else
      throw fail();
  }
  if (v == 0 || v > (UINT64_MAX >> shift)) throw fail();
  return v << shift;
}

}  // namespace atome::cli
