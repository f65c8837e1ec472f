#include "host/apps_config.h"

#include <nlohmann/json.hpp>
#include <set>

#include "host/errors.h"

namespace atome {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& name, const std::string& field, const std::string& what) {
  throw FormatError(name + ": " + field + ": " + what);
}

// Unknown keys are errors: a typo ("evrey") must not silently fall back to a default.
void only_keys(const json& j, const std::set<std::string>& keys, const std::string& name,
               const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (keys.count(it.key()) == 0) bad(name, where + it.key(), "unknown field");
}

uint32_t get_u32(const json& j, const char* key, uint32_t def, uint32_t lo, uint32_t hi,
                 const std::string& name, const std::string& where) {
  if (!j.contains(key)) return def;
  const json& v = j.at(key);
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    bad(name, where + key,
        "must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<uint32_t>(v.get<int64_t>());
}

std::string get_str(const json& j, const char* key, const std::string& name,
                    const std::string& where, bool required) {
  if (!j.contains(key)) {
    if (required) bad(name, where + key, "missing");
    return "";
  }
  const json& v = j.at(key);
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());  // a class index
  if (!v.is_string() || v.get<std::string>().empty())
    bad(name, where + key, "must be a non-empty string");
  return v.get<std::string>();
}

std::vector<std::string> get_names(const json& j, const char* key, const std::string& name,
                                   const std::string& where) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  const json& v = j.at(key);
  if (!v.is_array()) bad(name, where + key, "must be an array of names");
  for (const json& e : v) {
    if (!e.is_string()) bad(name, where + key, "must be an array of names");
    out.push_back(e.get<std::string>());
  }
  return out;
}

AppsHeadConfig parse_head(const json& j, const std::string& name, const std::string& where) {
  if (!j.is_object()) bad(name, where.substr(0, where.size() - 1), "must be an object");
  only_keys(j,
            {"name", "model", "role", "gate", "states", "every", "offset", "cost", "checks",
             "ok_class", "on_abstain"},
            name, where);
  AppsHeadConfig h;
  h.name = get_str(j, "name", name, where, true);
  // '@' starts the stream's operator rows (@command, @resume; host/apps_stream.h).
  if (h.name[0] == '@') bad(name, where + "name", "'" + h.name + "' starts with '@' (reserved)");
  h.model = get_str(j, "model", name, where, true);
  const std::string role = get_str(j, "role", name, where, false);
  if (role == "telemetry")
    h.role = ATOME_ROLE_TELEMETRY;
  else if (role == "check")
    h.role = ATOME_ROLE_CHECK;
  else if (role.empty() || role == "scheduled")
    h.role = ATOME_ROLE_SCHEDULED;
  else
    bad(name, where + "role", "'" + role + "' is not telemetry, scheduled or check");
  if (j.contains("gate")) {
    const json& g = j.at("gate");
    const std::string gw = where + "gate.";
    if (!g.is_object()) bad(name, where + "gate", "must be an object");
    only_keys(g, {"mode", "tol", "max_skips"}, name, gw);
    const std::string mode = get_str(g, "mode", name, gw, false);
    if (mode == "tolerance")
      h.gate_mode = ATOME_GATE_TOLERANCE;
    else if (mode.empty() || mode == "exact")
      h.gate_mode = ATOME_GATE_EXACT;
    else
      bad(name, gw + "mode", "'" + mode + "' is not exact or tolerance");
    h.gate_tol = get_u32(g, "tol", 0, 0, 255, name, gw);
    h.gate_max_skips =
        get_u32(g, "max_skips", h.gate_mode == ATOME_GATE_TOLERANCE ? 4 : 0, 0, 1000000, name, gw);
  }
  h.states = get_names(j, "states", name, where);
  h.every = get_u32(j, "every", 1, 1, 1000000, name, where);
  h.offset = get_u32(j, "offset", 0, 0, h.every - 1, name, where);
  h.cost = get_u32(j, "cost", 1, 0, 1000000000, name, where);
  h.checks = get_names(j, "checks", name, where);
  h.ok_class = get_str(j, "ok_class", name, where, false);
  const std::string on_abstain = get_str(j, "on_abstain", name, where, false);
  if (on_abstain == "pass")
    h.on_abstain = ATOME_CHECK_ABSTAIN_PASS;
  else if (!on_abstain.empty() && on_abstain != "flag")
    bad(name, where + "on_abstain", "'" + on_abstain + "' is not flag or pass");
  const bool scheduled = h.role == ATOME_ROLE_SCHEDULED, check = h.role == ATOME_ROLE_CHECK;
  if (!scheduled &&
      (j.contains("states") || j.contains("every") || j.contains("offset") || j.contains("cost")))
    bad(name, where + "role", "states/every/offset/cost are for scheduled heads only");
  if (check != (j.contains("checks") || j.contains("ok_class")) ||
      (check && (h.checks.empty() || h.ok_class.empty())))
    bad(name, where + "role", "a check head needs checks and ok_class, and only it has them");
  if (!check && j.contains("on_abstain"))
    bad(name, where + "on_abstain", "is for check heads only");
  return h;
}

// A class by name, or by index written as digits.
uint32_t class_index(const std::vector<std::string>& classes, const std::string& c,
                     const std::string& name, const std::string& field) {
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] == c) return static_cast<uint32_t>(i);
  if (!c.empty() && c.size() <= 2 && c.find_first_not_of("0123456789") == std::string::npos &&
      std::stoul(c) < classes.size())
    return static_cast<uint32_t>(std::stoul(c));
  std::string known;
  for (const std::string& k : classes) known += (known.empty() ? "" : ", ") + k;
  bad(name, field, "unknown class '" + c + "' (classes: " + known + ")");
}

}  // namespace

AppsConfig parse_apps_config(const std::string& text, const std::string& name) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw FormatError(name + ": not valid JSON");
  if (!j.is_object()) throw FormatError(name + ": must be a JSON object");
  only_keys(j, {"heads", "policy", "comment", "text", "session"}, name,
            "");  // text: apps_text_config
  if (!j.contains("heads") || !j.at("heads").is_array() || j.at("heads").empty())
    bad(name, "heads", "must be a non-empty array");
  AppsConfig c;
  const std::string session = j.contains("session") ? get_str(j, "session", name, "", true) : "";
  if (!session.empty() && session != "shared" && session != "per-head")
    bad(name, "session", "must be \"shared\" or \"per-head\"");
  c.shared_session = session == "shared";
  std::set<std::string> names;
  for (size_t i = 0; i < j.at("heads").size(); ++i) {
    const std::string where = "heads[" + std::to_string(i) + "].";
    c.heads.push_back(parse_head(j.at("heads")[i], name, where));
    if (!names.insert(c.heads.back().name).second)
      bad(name, where + "name", "'" + c.heads.back().name + "' names two heads");
  }
  if (c.heads.size() > ATOME_RUNNER_MAX_HEADS) bad(name, "heads", "more than 16 heads");
  if (!j.contains("policy") || !j.at("policy").is_object())
    bad(name, "policy", "missing (an object)");
  const json& p = j.at("policy");
  only_keys(
      p,
      {"normal_class", "k_enter", "k_return", "m_abstain", "k_safe_exit", "min_prob_q15", "budget"},
      name, "policy.");
  c.normal_class = get_str(p, "normal_class", name, "policy.", true);
  c.k_enter = get_u32(p, "k_enter", 2, 1, 1000000, name, "policy.");
  c.k_return = get_u32(p, "k_return", 3, 1, 1000000, name, "policy.");
  c.m_abstain = get_u32(p, "m_abstain", 3, 1, 1000000, name, "policy.");
  c.k_safe_exit = get_u32(p, "k_safe_exit", 3, 1, 1000000, name, "policy.");
  c.min_prob_q15 = get_u32(p, "min_prob_q15", 0, 0, 32768, name, "policy.");
  c.budget = get_u32(p, "budget", 0, 0, 1000000000, name, "policy.");
  if (c.k_return <= c.k_enter) bad(name, "policy.k_return", "must be greater than k_enter");
  return c;
}

void resolve_apps_config(const AppsConfig& c, const std::vector<std::string>& telemetry_classes,
                         const std::vector<std::vector<std::string>>& head_classes,
                         const std::string& name, atome_runner_config* out) {
  *out = atome_runner_config{};
  out->n_heads = static_cast<uint32_t>(c.heads.size());
  atome_dispatch_policy& p = out->policy;
  std::vector<std::string> scheduled;
  uint64_t cost_sum = 0;
  uint32_t n_telemetry = 0;
  for (size_t i = 0; i < c.heads.size(); ++i) {
    const AppsHeadConfig& h = c.heads[i];
    atome_runner_head_config& r = out->heads[i];
    r.role = h.role;
    r.gate_mode = h.gate_mode;
    r.gate_tol = h.gate_tol;
    r.gate_max_skips = h.gate_max_skips;
    if (h.role == ATOME_ROLE_TELEMETRY) ++n_telemetry;
    if (h.role != ATOME_ROLE_SCHEDULED) continue;
    if (scheduled.size() == ATOME_DISPATCH_MAX_HEADS)
      bad(name, "heads", "more than 16 scheduled heads");
    const std::string where = "heads[" + std::to_string(i) + "].";
    atome_head_policy& hp = p.heads[scheduled.size()];
    hp.every = h.every;
    hp.offset = h.offset;
    hp.cost = h.cost;
    for (const std::string& s : h.states) {
      if (s == "safe")
        hp.state_mask |= uint32_t{1} << ATOME_DISPATCH_SAFE_BIT;
      else if (s == "all")
        hp.state_mask |= (uint32_t{1} << ATOME_DISPATCH_SAFE_BIT) |
                         ((uint32_t{1} << telemetry_classes.size()) - 1);
      else
        hp.state_mask |= uint32_t{1} << class_index(telemetry_classes, s, name, where + "states");
    }
    if (h.states.empty())  // default: every state but SAFE
      hp.state_mask = (uint32_t{1} << telemetry_classes.size()) - 1;
    cost_sum += h.cost;
    scheduled.push_back(h.name);
  }
  if (n_telemetry != 1) bad(name, "heads", "exactly one head must have role telemetry");
  if (scheduled.empty()) bad(name, "heads", "no scheduled head");
  for (size_t i = 0; i < c.heads.size(); ++i) {
    const AppsHeadConfig& h = c.heads[i];
    if (h.role != ATOME_ROLE_CHECK) continue;
    const std::string where = "heads[" + std::to_string(i) + "].";
    for (const std::string& s : h.checks) {
      size_t k = 0;
      while (k < scheduled.size() && scheduled[k] != s) ++k;
      if (k == scheduled.size()) bad(name, where + "checks", "'" + s + "' is no scheduled head");
      out->heads[i].checks_mask |= uint32_t{1} << k;
    }
    out->heads[i].ok_class = class_index(head_classes.at(i), h.ok_class, name, where + "ok_class");
    out->heads[i].on_abstain = h.on_abstain;
  }
  p.n_heads = static_cast<uint32_t>(scheduled.size());
  p.n_classes = static_cast<uint32_t>(telemetry_classes.size());
  p.normal_class = class_index(telemetry_classes, c.normal_class, name, "policy.normal_class");
  p.k_enter = c.k_enter;
  p.k_return = c.k_return;
  p.m_abstain = c.m_abstain;
  p.k_safe_exit = c.k_safe_exit;
  p.min_prob_q15 = c.min_prob_q15;
  p.budget = c.budget != 0 ? c.budget
                           : static_cast<uint32_t>(cost_sum > 0xFFFFFFFFu ? 0xFFFFFFFFu : cost_sum);
  if (p.budget == 0) p.budget = 1;
}

}  // namespace atome
