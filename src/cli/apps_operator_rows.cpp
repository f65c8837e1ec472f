#include "cli/apps_operator_rows.h"

#include <cstdio>

#include "cli/head_result_view.h"
#include "host/aligned_buffer.h"
#include "host/apps_text_config.h"
#include "host/class_spec.h"
#include "host/errors.h"
#include "host/model_file.h"

namespace atome::cli {

struct TextHeads {
  ModelFile bucket, command;
  AlignedBuffer arena;
  atome_text_interpreter ti{};
  std::vector<std::string> bucket_names, intent_names;
};

namespace {

// Rule 0 is "no rule fired" (a resume with nothing latched, a request that moved nothing).
const char* rule_name(uint32_t rule) {
  return rule == 0 ? "none" : atome_dispatch_rule_str(rule);
}

}  // namespace

std::shared_ptr<TextHeads> load_text_heads(const std::string& config_text,
                                           const std::string& config) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(config_text);
  } catch (const nlohmann::json::exception&) {  // syntax, or a number out of range
    return nullptr;  // parse_apps_config has already said what is wrong with it
  }
  if (!j.is_object() || !j.contains("text")) return nullptr;
  const AppsTextConfig cfg = parse_apps_text_config(config_text, config);
  auto t = std::shared_ptr<TextHeads>(
      new TextHeads{load_model_file(cfg.bucket), load_model_file(cfg.command), {}, {}, {}, {}});
  const size_t bytes = atome_text_arena_bytes(&t->bucket.model, &t->command.model);
  if (bytes == 0) throw UsageError(config + ": text heads: not classifiers with an input spec");
  t->arena.resize(bytes);
  const atome_apps_status st = atome_text_init(&t->ti, &t->bucket.model, &t->command.model,
                                               t->arena.data(), t->arena.size());
  if (st != ATOME_APPS_OK)
    throw UsageError(config + ": text heads (" + cfg.bucket + ", " + cfg.command +
                     "): " + atome_apps_status_str(st));
  t->bucket_names = class_spec_of(t->bucket.model).classes;
  t->intent_names = class_spec_of(t->command.model).classes;
  return t;
}

void apply_operator_rows(TextHeads* text, const std::vector<StreamOperator>& rows,
                         atome_dispatcher* d, const std::string& stream, size_t period,
                         nlohmann::json* json, std::vector<std::string>* lines) {
  for (const StreamOperator& op : rows) {
    const uint32_t state = d->state;  // a stop-all earlier in the period is already in it
    uint32_t rule = 0;                // 0: no rule fired (a resume with nothing latched)
    std::string line = "period " + std::to_string(period) + " ";
    nlohmann::json j = {{"row", op.row}, {"state", atome_dispatch_state_str(state)}};
    if (op.kind == StreamOperator::kResume) {
      const atome_apps_status s = atome_dispatch_operator(d, ATOME_OPERATOR_RESUME, &rule);
      if (s != ATOME_APPS_OK)
        throw Error(stream + ": row " + std::to_string(op.row) + ": " + atome_apps_status_str(s));
      j["op"] = "resume";
      j["rule"] = rule_name(rule);
      line += std::string("resume [") + atome_dispatch_state_str(state) + "]: " + rule_name(rule);
    } else {
      if (text == nullptr)
        throw UsageError(stream + ": row " + std::to_string(op.row) +
                         ": a @command row needs apps.json's \"text\" heads");
      atome_text_decision dec;
      const std::vector<uint8_t> bytes(op.text.begin(), op.text.end());  // as the API takes them
      const atome_apps_status s =
          atome_text_interpret(&text->ti, bytes.data(), bytes.size(), state, &dec);
      if (dec.action == ATOME_TEXT_STOP_ALL) {
        const atome_apps_status so = atome_dispatch_operator(d, ATOME_OPERATOR_STOP, &rule);
        if (so != ATOME_APPS_OK)
          throw Error(stream + ": row " + std::to_string(op.row) + ": " +
                      atome_apps_status_str(so));
      }
      const std::string intent =
          dec.intent == ATOME_TEXT_NO_INTENT ? "" : text->intent_names.at(dec.intent);
      j["op"] = "command";
      j["text"] = op.text;
      j["action"] = atome_text_action_str(dec.action);
      j["why"] = atome_text_why_str(dec.why);
      j["refused"] = dec.action == ATOME_TEXT_REFUSED;
      j["intent"] = intent.empty() ? nlohmann::json(nullptr) : nlohmann::json(intent);
      j["bucket"] = ran_head_json(dec.bucket, text->bucket_names);
      j["command"] = ran_head_json(dec.command, text->intent_names);
      j["rule"] = rule_name(rule);
      if (s != ATOME_APPS_OK) j["error"] = atome_apps_status_str(s);
      line += "command \"" + shown_text(op.text) + "\" [" + atome_dispatch_state_str(state) +
              "]: " + atome_text_action_str(dec.action);
      if (!intent.empty()) line += " " + intent;
      if (dec.why != ATOME_TEXT_WHY_OK)
        line += std::string(" (") + atome_text_why_str(dec.why) + ")";
      if (s != ATOME_APPS_OK) line += std::string(": ") + atome_apps_status_str(s);
      for (const std::string& brief : {ran_head_brief("bucket", dec.bucket, text->bucket_names),
                                       ran_head_brief("command", dec.command, text->intent_names)})
        if (!brief.empty()) line += "; " + brief;
      if (rule != 0) line += std::string(" -> ") + rule_name(rule);
    }
    if (json != nullptr) json->push_back(j);
    if (lines != nullptr) lines->push_back(line);
  }
}

}  // namespace atome::cli
