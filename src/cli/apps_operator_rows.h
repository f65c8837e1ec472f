// `atome apps run`: the stream's operator rows (@command, @resume; host/apps_stream.h) applied to
// the runner's dispatcher before a period's step (docs/APPS.md §10, "Operator rows"). A typed
// request goes through the text interpreter (apps/text_commands.cpp, the heads apps.json's "text"
// names) in the dispatcher's current state; a stop-all decision calls
// atome_dispatch_operator(STOP) at once, @resume calls RESUME. The firmware app does the same in
// firmware/app/apps_run.cpp.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "host/apps_stream.h"

namespace atome::cli {

struct TextHeads;  // the interpreter and its two heads

// The text heads of apps.json (config_text: the whole file; config: its path), or null when it
// has no "text" object. A bad "text" or head is one line (a UsageError).
std::shared_ptr<TextHeads> load_text_heads(const std::string& config_text,
                                           const std::string& config);

// Applies one period's operator rows in order to d. Each row adds one object to *json (json
// mode) or one line to *lines. A @command row without text heads is an error naming its row.
void apply_operator_rows(TextHeads* text, const std::vector<StreamOperator>& rows,
                         atome_dispatcher* d, const std::string& stream, size_t period,
                         nlohmann::json* json, std::vector<std::string>* lines);

}  // namespace atome::cli
