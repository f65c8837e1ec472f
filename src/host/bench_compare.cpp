// See bench_compare.h.
#include "host/bench_compare.h"

#include <cstdio>

namespace atome {
namespace {

const BenchWindow* find_window(const BenchReport& r, uint32_t window) {
  for (const BenchWindow& w : r.windows)
    if (w.window == window) return &w;
  return nullptr;
}

// "kernel avx2 (old) vs avx512 (new)" when the values differ.
void note_if_different(std::vector<std::string>* out, const std::string& what,
                       const std::string& old_value, const std::string& new_value) {
  if (old_value != new_value)
    out->push_back(what + " " + old_value + " (old) vs " + new_value + " (new)");
}

std::string prompt_text(const BenchWindow& w) {
  return std::to_string(w.prompt_tokens) + " bytes " + w.prompt_crc32;
}

std::string list_windows(const std::vector<uint32_t>& windows) {
  std::string s;
  for (uint32_t w : windows) s += (s.empty() ? "" : ", ") + std::to_string(w);
  return s;
}

}  // namespace

BenchComparison compare_bench(const BenchReport& now, const BenchReport& old,
                              const std::string& file) {
  BenchComparison c;
  c.file = file;
  c.old_model = old.model;
  c.model_bytes = static_cast<double>(now.model_bytes) / static_cast<double>(old.model_bytes);
  if (old.model_crc32 != now.model_crc32)  // a path alone says little: the CRC is the identity
    c.differences.push_back("model " + old.model + " " + old.model_crc32 + " (old) vs " +
                            now.model + " " + now.model_crc32 + " (new)");
  note_if_different(&c.differences, "kernel", old.kernel, now.kernel);
  note_if_different(&c.differences, "cpu", "'" + old.cpu + "'", "'" + now.cpu + "'");
  note_if_different(&c.differences, "tokens", std::to_string(old.tokens),
                    std::to_string(now.tokens));
  note_if_different(&c.differences, "repeat", std::to_string(old.repeat),
                    std::to_string(now.repeat));
  const bool same_work = old.model_crc32 == now.model_crc32 && old.tokens == now.tokens;
  for (const BenchWindow& n : now.windows) {
    const BenchWindow* o = find_window(old, n.window);
    if (o == nullptr) {
      c.only_new.push_back(n.window);
      continue;
    }
    const std::string at = "window " + std::to_string(n.window) + ": ";
    const bool same_prompt =
        o->prompt_tokens == n.prompt_tokens && o->prompt_crc32 == n.prompt_crc32;
    note_if_different(&c.differences, at + "prompt", prompt_text(*o), prompt_text(n));
    // Greedy decoding is deterministic and every kernel computes the same bits: the same model
    // and prompt must generate the same text, on any machine.
    if (same_work && same_prompt)
      note_if_different(&c.differences, at + "generated text (same model and workload!)",
                        o->generated_crc32, n.generated_crc32);
    WindowRatios r;
    r.window = n.window;
    r.decode_tok_s_median = n.decode_tok_s.median / o->decode_tok_s.median;
    r.prefill_tok_s_median = n.prefill_tok_s.median / o->prefill_tok_s.median;
    r.ms_per_token_median = n.ms_per_token.median / o->ms_per_token.median;
    r.state_bytes = static_cast<double>(n.state_bytes) / static_cast<double>(o->state_bytes);
    c.windows.push_back(r);
  }
  for (const BenchWindow& o : old.windows)
    if (find_window(now, o.window) == nullptr) c.only_old.push_back(o.window);
  return c;
}

nlohmann::ordered_json comparison_json(const BenchComparison& c) {
  nlohmann::ordered_json windows = nlohmann::ordered_json::array();
  for (const WindowRatios& r : c.windows)
    windows.push_back({{"window", r.window},
                       {"decode_tok_s_median", r.decode_tok_s_median},
                       {"prefill_tok_s_median", r.prefill_tok_s_median},
                       {"ms_per_token_median", r.ms_per_token_median},
                       {"state_bytes", r.state_bytes}});
  return {{"file", c.file},
          {"old_model", c.old_model},
          {"like_for_like", c.differences.empty()},
          {"differences", c.differences},
          {"model_bytes", c.model_bytes},
          {"windows", windows},
          {"windows_only_new", c.only_new},
          {"windows_only_old", c.only_old}};
}

std::string comparison_warning(const BenchComparison& c) {
  std::string s;
  for (const std::string& d : c.differences) s += (s.empty() ? "" : "; ") + d;
  if (c.windows.empty()) s += std::string(s.empty() ? "" : "; ") + "no window in both runs";
  return s.empty() ? s : "not like for like: " + s;
}

void print_comparison(const BenchComparison& c) {
  std::printf("\ncompared with %s (%s): new / old\n", c.file.c_str(), c.old_model.c_str());
  if (!c.windows.empty()) {
    std::printf("  window  decode tok/s  prefill tok/s  ms/token  state bytes\n");
    for (const WindowRatios& r : c.windows)
      std::printf("  %6u  %12.3f  %13.3f  %8.3f  %11.3f\n", r.window, r.decode_tok_s_median,
                  r.prefill_tok_s_median, r.ms_per_token_median, r.state_bytes);
  }
  std::printf("  model bytes %.3f (medians for the rates and ms/token)\n", c.model_bytes);
  if (!c.only_new.empty())
    std::printf("  not in the saved run: window %s\n", list_windows(c.only_new).c_str());
  if (!c.only_old.empty())
    std::printf("  not measured now: window %s\n", list_windows(c.only_old).c_str());
  const std::string warning = comparison_warning(c);
  if (!warning.empty()) std::printf("warning: %s\n", warning.c_str());
}

}  // namespace atome
