#include "host/tok_json.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/errors.h"

namespace atome {
namespace {

nlohmann::json parse_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace

TokJson read_tok_json(const std::string& path) {
  const nlohmann::json j = parse_json_file(path);
  TokJson t;
  try {
    t.vmin = j.at("vmin").get<std::vector<double>>();
    t.vmax = j.at("vmax").get<std::vector<double>>();
    if (j.contains("mode")) t.mode = j.at("mode").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": expected {\"vmin\": [numbers], \"vmax\": [numbers]} (" + e.what() +
                      ")");
  }
  if (t.vmin.empty() || t.vmin.size() != t.vmax.size())
    throw FormatError(path + ": vmin and vmax must be non-empty and of the same length");
  return t;
}

std::vector<std::string> read_receipt_classes(const std::string& path) {
  if (!std::ifstream(path)) return {};
  const nlohmann::json j = parse_json_file(path);
  try {
    return j.at("receipt").at("classes").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(path + ": no receipt.classes list (" + e.what() + ")");
  }
}

}  // namespace atome
