#include "cli/head_result_view.h"

#include <cstdio>

namespace atome::cli {

std::string class_label(const std::vector<std::string>& names, uint32_t c) {
  return c < names.size() ? names[c] : std::to_string(c);
}

nlohmann::json head_result_fields(const atome_head_result& r,
                                  const std::vector<std::string>& names) {
  return {{"class", r.class_id},
          {"class_name", class_label(names, r.class_id)},
          {"p_q15", r.prob_q15},
          {"margin_q15", r.margin_q15},
          {"abstain", r.abstain != 0},
          {"logits_q16", std::vector<int32_t>(r.logits_q16, r.logits_q16 + names.size())}};
}

std::string head_result_brief(const atome_head_result& r, const std::vector<std::string>& names) {
  char p[32];
  std::snprintf(p, sizeof p, "%.4f", r.prob_q15 / 32768.0);
  return class_label(names, r.class_id) + " p=" + p + (r.abstain != 0 ? " abstain" : "");
}

nlohmann::json ran_head_json(const atome_head_result& r, const std::vector<std::string>& names) {
  if (r.action != ATOME_HEAD_RAN) return nullptr;
  return head_result_fields(r, names);
}

std::string ran_head_brief(const char* head, const atome_head_result& r,
                           const std::vector<std::string>& names) {
  if (r.action != ATOME_HEAD_RAN) return "";
  return std::string(head) + " " + head_result_brief(r, names);
}

std::string shown_text(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      o += static_cast<char>(c);
    } else {
      char e[8];
      std::snprintf(e, sizeof e, "\\x%02X", c);
      o += e;
    }
  }
  return o;
}

}  // namespace atome::cli
