// atome apps command --config apps.json [--state normal|alert|safe] [--texts FILE] [--json]
//                    [--independent] [TEXT...]
//
// The text-command interpreter (apps/text_commands.cpp, the code a firmware app runs) on typed
// requests: apps.json's "text" names the intent_bucket and command_intent heads. The requests
// (arguments first, then --texts' lines) are one operator session in order: they start in
// --state (default normal), and a request decided stop-all latches SAFE for the rest of them, as
// atome_dispatch_operator(STOP) does on a device (--independent: each request in --state, for
// batch evaluation). One line (or JSON object) per request; a bad
// request (empty, over 32 bytes, a 0 byte) is a decision too (not-understood, bad-text, with the
// status), never a stop. docs/APPS.md §12.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "cli/commands.h"
#include "cli/head_result_view.h"
#include "host/aligned_buffer.h"
#include "host/apps_text_config.h"
#include "host/class_spec.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_file.h"

namespace atome::cli {
namespace {

struct AppsCommandOptions {
  std::string config;
  std::string state = "normal";
  std::string texts_file;
  std::vector<std::string> texts;
  bool json = false;
  bool independent = false;
};

uint32_t state_of(const std::string& s) {
  if (s == "normal") return ATOME_DSTATE_NORMAL;
  if (s == "alert") return ATOME_DSTATE_ALERT;
  if (s == "safe") return ATOME_DSTATE_SAFE;
  throw UsageError("--state: '" + s + "' is not normal, alert or safe");
}

void run_command(const AppsCommandOptions& o) {
  const AppsTextConfig cfg = parse_apps_text_config(read_text_file(o.config), o.config);
  const ModelFile bucket = load_model_file(cfg.bucket);
  const ModelFile command = load_model_file(cfg.command);
  const size_t bytes = atome_text_arena_bytes(&bucket.model, &command.model);
  if (bytes == 0) throw UsageError(o.config + ": text heads: not classifiers with an input spec");
  AlignedBuffer arena(bytes);
  atome_text_interpreter ti;
  const atome_apps_status st =
      atome_text_init(&ti, &bucket.model, &command.model, arena.data(), arena.size());
  if (st != ATOME_APPS_OK)
    throw UsageError(o.config + ": text heads (" + cfg.bucket + ", " + cfg.command +
                     "): " + atome_apps_status_str(st));
  const std::vector<std::string> bucket_names = class_spec_of(bucket.model).classes;
  const std::vector<std::string> intent_names = class_spec_of(command.model).classes;

  std::vector<std::string> texts = o.texts;
  if (!o.texts_file.empty()) {
    std::string line;
    for (char c : read_text_file(o.texts_file) + "\n") {
      if (c != '\n') {
        line += c;
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) texts.push_back(line);
      line.clear();
    }
  }
  if (texts.empty()) throw UsageError("no request: give TEXT arguments or --texts FILE");

  uint32_t state = state_of(o.state);
  for (const std::string& t : texts) {
    atome_text_decision d;
    const std::vector<uint8_t> bytes(t.begin(),
                                     t.end());  // the request's bytes as the API takes them
    const atome_apps_status s = atome_text_interpret(&ti, bytes.data(), bytes.size(), state, &d);
    const std::string intent = d.intent == ATOME_TEXT_NO_INTENT ? "" : intent_names.at(d.intent);
    if (o.json) {
      nlohmann::json j = {
          {"text", t},
          {"state", atome_dispatch_state_str(state)},
          {"action", atome_text_action_str(d.action)},
          {"why", atome_text_why_str(d.why)},
          {"intent", intent.empty() ? nlohmann::json(nullptr) : nlohmann::json(intent)},
          {"bucket", ran_head_json(d.bucket, bucket_names)},
          {"command", ran_head_json(d.command, intent_names)}};
      if (s != ATOME_APPS_OK) j["error"] = atome_apps_status_str(s);
      if (d.action == ATOME_TEXT_STOP_ALL) j["dispatcher"] = "operator-stop";
      std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::string line = "\"" + shown_text(t) + "\" [" + atome_dispatch_state_str(state) +
                         "]: " + atome_text_action_str(d.action);
      if (!intent.empty()) line += " " + intent;
      if (d.why != ATOME_TEXT_WHY_OK) line += std::string(" (") + atome_text_why_str(d.why) + ")";
      if (s != ATOME_APPS_OK) line += std::string(": ") + atome_apps_status_str(s);
      const std::string b = ran_head_brief("bucket", d.bucket, bucket_names);
      const std::string c = ran_head_brief("command", d.command, intent_names);
      if (!b.empty()) line += "; " + b;
      if (!c.empty()) line += "; " + c;
      std::printf("%s\n", line.c_str());
    }
    // The device's dispatcher latches SAFE on an operator stop: the rest of the session is in it.
    if (d.action == ATOME_TEXT_STOP_ALL && !o.independent) state = ATOME_DSTATE_SAFE;
  }
}

}  // namespace

void add_apps_text_command(CLI::App* apps) {
  auto o = std::make_shared<AppsCommandOptions>();
  CLI::App* cmd = apps->add_subcommand(
      "command", "Interpret typed requests with the text heads apps.json names (\"text\")");
  cmd->add_option("--config", o->config, "apps.json with a \"text\" object")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--state", o->state, "Dispatcher state to start in: normal, alert or safe");
  cmd->add_option("--texts", o->texts_file, "Requests, one per line (after the arguments)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "One JSON object per request");
  cmd->add_flag("--independent", o->independent,
                "Every request in --state (a stop-all does not latch SAFE for the next ones)");
  cmd->add_option("texts", o->texts, "Requests, each 1..32 bytes");
  cmd->callback([o] { run_command(*o); });
}

}  // namespace atome::cli
