#include "host/text_fields.h"

#include <cstdlib>

namespace atome {

std::string trim_field(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::vector<std::string> split_csv_fields(const std::string& line) {
  std::vector<std::string> out = split_on(line, ',');
  for (std::string& field : out) field = trim_field(field);
  return out;
}

bool parse_whole_double(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace atome
