// atome apps run --config apps.json --stream FRAMES.csv [--json] [--gate off]
//
// Runs the app runner (apps/app_runner.cpp, the same code firmware runs) over a recorded stream:
// one line per period (state, rule, then each head's action and decision), or with --json one
// object per period; a last line sums it up (runs, gate hits, skip rate). --gate off runs every
// due head whatever its gate says: the always-run reference exact gating is compared with.
// apps.json: host/apps_config.h; the stream: host/apps_stream.h; docs/APPS.md §10.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "cli/apps_operator_rows.h"
#include "cli/commands.h"
#include "cli/head_result_view.h"
#include "host/aligned_buffer.h"
#include "host/apps_config.h"
#include "host/apps_stream.h"
#include "host/class_spec.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_file.h"

namespace atome::cli {
namespace {

struct AppsRunOptions {
  std::string config;
  std::string stream;
  bool json = false;
  std::string gate;  // "" or "off"
};

// What the line and JSON say about a head's input beyond the runner's status: the host knows
// when a frame was dropped for a NaN.
const char* input_name(uint32_t input_status, bool nan) {
  if (nan) return "nan";
  switch (input_status) {
    case ATOME_APPS_OK:
      return "ok";
    case ATOME_APPS_INPUT_FLAGGED:
      return "flagged";
    case ATOME_APPS_ERR_BAD_LENGTH:
      return "wrong-length";
    case ATOME_APPS_ERR_NULL_ARGUMENT:
      return "missing";
  }
  return "error";
}

// A head's session window: one classification feeds its n_features tokens.
uint32_t runner_window(const atome_model& m) {
  atome_class_info info;
  return atome_model_class_info(&m, &info) == ATOME_OK && info.n_features > 0 ? info.n_features : 1;
}

void run_apps(const AppsRunOptions& o) {
  if (!o.gate.empty() && o.gate != "off") throw UsageError("--gate takes only 'off'");
  const std::string config_text = read_text_file(o.config);
  const AppsConfig cfg = parse_apps_config(config_text, o.config);
  const std::shared_ptr<TextHeads> text = load_text_heads(config_text, o.config);
  const size_t n = cfg.heads.size();
  std::vector<std::unique_ptr<ModelFile>> models;
  std::vector<std::vector<std::string>> classes;
  std::vector<std::string> telemetry_classes, names;
  for (const AppsHeadConfig& h : cfg.heads) {
    const std::string path = path_beside(o.config, h.model);
    models.push_back(std::make_unique<ModelFile>(load_model_file(path)));
    const atome_model& m = models.back()->model;
    if (m.config.arch != ATOME_ARCH_CLASSIFIER || m.class_meta == nullptr ||
        m.config.numerics != ATOME_NUMERICS_Q15)
      throw UsageError(path + " (head " + h.name +
                       ") is not a q15 classifier with a metadata section (atome convert "
                       "--numerics q15)");
    classes.push_back(class_spec_of(m).classes);
    if (h.role == ATOME_ROLE_TELEMETRY) telemetry_classes = classes.back();
    names.push_back(h.name);
  }
  atome_runner_config rc;
  resolve_apps_config(cfg, telemetry_classes, classes, o.config, &rc);
  std::vector<AlignedBuffer> arenas(n);
  std::vector<const atome_model*> loaded(n);
  for (size_t i = 0; i < n; ++i) {
    const atome_model& m = models[i]->model;
    loaded[i] = &m;
    rc.heads[i].model = &m;
    if (o.gate == "off") rc.heads[i].gate_mode = ATOME_GATE_OFF;
    if (cfg.shared_session) continue;  // arena NULL: the shared one below
    arenas[i].resize(atome_state_bytes(&m, runner_window(m)));
    rc.heads[i].arena = arenas[i].data();
    rc.heads[i].arena_bytes = arenas[i].size();
  }
  AlignedBuffer shared;  // apps.json "session": "shared": one session for every head
  if (cfg.shared_session) {
    shared.resize(atome_runner_shared_arena_bytes(loaded.data(), static_cast<uint32_t>(n)));
    rc.shared_arena = shared.data();
    rc.shared_arena_bytes = shared.size();
  }
  auto runner = std::make_unique<atome_runner>();
  const atome_apps_status st = atome_runner_init(runner.get(), &rc);
  if (st != ATOME_APPS_OK)
    throw UsageError(o.config + ": the runner refuses it: " + atome_apps_status_str(st));

  const AppsStream stream = read_apps_stream(read_text_file(o.stream), names, o.stream);
  // Before any period runs: a typed request needs the text heads.
  for (const std::vector<StreamOperator>& ops : stream.operators)
    for (const StreamOperator& op : ops)
      if (op.kind == StreamOperator::kCommand && text == nullptr)
        throw FormatError(o.stream + ": row " + std::to_string(op.row) +
                          ": a @command row needs apps.json's \"text\" heads");
  std::vector<std::vector<int32_t>> fixed(n);
  std::vector<const int32_t*> frames(n);
  std::vector<uint32_t> counts(n);
  uint64_t runs = 0, hits = 0, safe_periods = 0;
  atome_runner_output out;
  for (size_t p = 0; p < stream.periods.size(); ++p) {
    for (size_t h = 0; h < n; ++h) {
      const StreamFrame& f = stream.periods[p][h];
      const atome_tokenizer& tok = runner->heads[h].tok;
      frames[h] = nullptr;
      counts[h] = static_cast<uint32_t>(f.values.size());
      if (!f.present || f.non_finite) continue;  // no frame: the runner's defined status
      fixed[h] = apps_frame_fixed(f, tok);
      frames[h] = fixed[h].data();
    }
    // Operator rows act between periods, before this period's step (docs/APPS.md §3.4).
    nlohmann::json commands = nlohmann::json::array();
    std::vector<std::string> command_lines;
    apply_operator_rows(text.get(), stream.operators[p], &runner->dispatcher, o.stream, p,
                        o.json ? &commands : nullptr, o.json ? nullptr : &command_lines);
    for (const std::string& l : command_lines) std::printf("%s\n", l.c_str());
    const atome_apps_status s = atome_runner_step(runner.get(), frames.data(), counts.data(), &out);
    if (s != ATOME_APPS_OK)
      throw Error(o.stream + ": period " + std::to_string(p) + ": " + atome_apps_status_str(s));
    const atome_dispatch_output& d = out.dispatch;
    if (d.state == ATOME_DSTATE_SAFE) ++safe_periods;
    const std::string state_class = d.state_class == ATOME_DISPATCH_NO_CLASS
                                        ? "-"
                                        : class_label(telemetry_classes, d.state_class);
    nlohmann::json js;
    std::string line;
    if (o.json) {
      js = {{"period", p},
            {"state", atome_dispatch_state_str(d.state)},
            {"class", state_class},
            {"rule", atome_dispatch_rule_str(d.rule)},
            {"bad_input_mask", out.bad_input_mask},
            {"budget_used", d.budget_used},
            {"heads", nlohmann::json::array()}};
      if (!commands.empty()) js["commands"] = commands;
    } else {
      line = "period " + std::to_string(p) + ": " + atome_dispatch_state_str(d.state) + "(" +
             state_class + ") " + atome_dispatch_rule_str(d.rule);
    }
    for (size_t h = 0; h < n; ++h) {
      const atome_head_result& r = out.heads[h];
      const StreamFrame& f = stream.periods[p][h];
      const bool nan = f.present && f.non_finite;
      if (r.action == ATOME_HEAD_RAN) ++runs;
      if (r.action == ATOME_HEAD_REUSED) ++hits;
      const bool decided = r.action == ATOME_HEAD_RAN || r.action == ATOME_HEAD_REUSED;
      const std::string reason =
          r.action == ATOME_HEAD_SKIPPED ? atome_skip_reason_str(r.reason) : "";
      if (o.json) {
        nlohmann::json hj = {{"name", names[h]},
                             {"action", atome_head_action_str(r.action)},
                             {"input", input_name(r.input_status, nan)}};
        if (!reason.empty()) hj["reason"] = reason;
        if (decided) hj.update(head_result_fields(r, classes[h]));
        js["heads"].push_back(hj);
      } else {
        line += " | " + names[h] + " " + atome_head_action_str(r.action);
        if (!reason.empty()) line += " " + reason;
        if (r.input_status != ATOME_APPS_OK || nan)
          line += std::string(" input=") + input_name(r.input_status, nan);
        if (decided) line += " " + head_result_brief(r, classes[h]);
      }
    }
    std::printf("%s\n", o.json ? js.dump().c_str() : line.c_str());
  }
  const double rate = runs + hits == 0 ? 0.0 : 100.0 * static_cast<double>(hits) / (runs + hits);
  if (o.json) {
    nlohmann::json s = {{"summary", true},   {"periods", stream.periods.size()},
                        {"runs", runs},      {"gate_hits", hits},
                        {"skip_rate", rate}, {"safe_periods", safe_periods}};
    std::printf("%s\n", s.dump().c_str());
  } else {
    std::printf(
        "summary: %zu periods, %llu runs, %llu gate hits (skip rate %.1f %%), %llu periods "
        "in SAFE\n",
        stream.periods.size(), static_cast<unsigned long long>(runs),
        static_cast<unsigned long long>(hits), rate, static_cast<unsigned long long>(safe_periods));
  }
}

}  // namespace

void add_apps_command(CLI::App& app) {
  CLI::App* apps = app.add_subcommand("apps", "The applied layer: run heads under the dispatcher");
  apps->require_subcommand(1);
  auto o = std::make_shared<AppsRunOptions>();
  CLI::App* run = apps->add_subcommand(
      "run", "Run the dispatcher and every head over a recorded stream (docs/APPS.md §10)");
  run->add_option("--config", o->config, "apps.json (heads, roles, gates, policy)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--stream", o->stream, "Frames CSV: period,head,values...")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_flag("--json", o->json, "One JSON object per period, then a summary object");
  run->add_option("--gate", o->gate, "'off': run every due head (the always-run reference)");
  run->callback([o] { run_apps(*o); });
  add_apps_text_command(apps);
}

}  // namespace atome::cli
