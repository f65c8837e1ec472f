// How the CLI shows one head's decision (atome_head_result): the JSON fields of `atome apps run
// --json`'s heads, which `atome apps command --json` and the operator rows reuse, and the short
// "CLASS p=0.9929[ abstain]" text. One place, so the three outputs cannot drift apart (the tests
// compare them field by field: scripts/apps-run-check.py, scripts/apps_fw_check.py).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/apps.h"

namespace atome::cli {

// names[c] for a class the head has, else the number (a defensive label, never an exception).
std::string class_label(const std::vector<std::string>& names, uint32_t c);

// class, class_name, p_q15, margin_q15, abstain, logits_q16 (one per class in names).
nlohmann::json head_result_fields(const atome_head_result& r,
                                  const std::vector<std::string>& names);

// "CLASS p=0.1234" plus " abstain" when the head abstained.
std::string head_result_brief(const atome_head_result& r, const std::vector<std::string>& names);

// A text head's part of a request's output: its fields, or null when it did not run.
nlohmann::json ran_head_json(const atome_head_result& r, const std::vector<std::string>& names);

// "HEAD CLASS p=..." for a head that ran, "" otherwise.
std::string ran_head_brief(const char* head, const atome_head_result& r,
                           const std::vector<std::string>& names);

// A request's text on one line of output: printable ASCII as is, anything else as \xNN.
std::string shown_text(const std::string& s);

}  // namespace atome::cli
