// `atome apps command --config apps.json`: the two text heads apps.json names under "text"
// (docs/APPS.md §12.3). Kept apart from apps_config.* (the runner's heads and policy): the text
// interpreter needs neither; `atome apps run` loads them only for the stream's @command rows.
#pragma once

#include <string>

namespace atome {

struct AppsTextConfig {
  std::string bucket;   // intent_bucket head, path as resolved against the json's folder
  std::string command;  // command_intent head
};

// text: the whole apps.json; name: its path (messages and relative paths). Every problem is one
// line naming the field ("apps.json: text.bucket: ...").
AppsTextConfig parse_apps_text_config(const std::string& text, const std::string& name);

}  // namespace atome
