// Splitting and parsing the text fields of the classifier inputs: the feature CSV
// (host/feature_csv.h), the trainer's examples.csv (train/class_data.h) and the CLI's lists. One
// definition, so that the same text gives the same number wherever it is read (the trainer's
// tokens and `atome classify --csv`'s must agree).
#pragma once

#include <string>
#include <vector>

namespace atome {

// s without leading and trailing spaces, tabs and carriage returns.
std::string trim_field(const std::string& s);
// s cut at every `sep` (n separators give n + 1 fields; nothing trimmed).
std::vector<std::string> split_on(const std::string& s, char sep);
// A CSV line's comma-separated fields, each trimmed.
std::vector<std::string> split_csv_fields(const std::string& line);
// The whole field as a number (strtod); false when empty or when any of it is not part of one.
bool parse_whole_double(const std::string& s, double* v);

}  // namespace atome
