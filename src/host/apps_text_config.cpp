#include "host/apps_text_config.h"

#include <nlohmann/json.hpp>

#include "host/errors.h"
#include "host/file_io.h"

namespace atome {
namespace {

[[noreturn]] void bad(const std::string& name, const std::string& field, const std::string& what) {
  throw FormatError(name + ": " + field + ": " + what);
}

std::string path_field(const nlohmann::json& t, const char* key, const std::string& name) {
  const std::string field = std::string("text.") + key;
  if (!t.contains(key) || !t.at(key).is_string() || t.at(key).get<std::string>().empty())
    bad(name, field, "missing (a model path, relative to the json)");
  const std::string p = t.at(key).get<std::string>();
  return path_beside(name, p);
}

}  // namespace

AppsTextConfig parse_apps_text_config(const std::string& text, const std::string& name) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number out of range (1e999)
    bad(name, "json", e.what());
  }
  if (!j.is_object() || !j.contains("text") || !j.at("text").is_object())
    bad(name, "text", "missing (an object {\"bucket\": ..., \"command\": ...})");
  const nlohmann::json& t = j.at("text");
  // Unknown keys are errors, as in the rest of apps.json: a typo must not pass silently.
  for (auto it = t.begin(); it != t.end(); ++it)
    if (it.key() != "bucket" && it.key() != "command" && it.key() != "comment")
      bad(name, "text." + it.key(), "unknown field");
  return {path_field(t, "bucket", name), path_field(t, "command", name)};
}

}  // namespace atome
