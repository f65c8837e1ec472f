// The failures the host library reports. Every one carries a single-line message meant for the
// user (the CLI prints it as "atome: error: <message>"), so code throws instead of printing.
//   UsageError   a value the caller got wrong: a flag, an argument, an option out of range;
//   FormatError  a model or data file whose content is invalid (truncated, corrupted, hostile);
//   IoError      a file that cannot be opened, read or written (CSV, JSON and models alike);
//   Error        anything else worth one clear line (an engine status), and the base of all four.
#pragma once

#include <stdexcept>
#include <string>

#include "atome/atome.h"

namespace atome {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UsageError : Error {
  using Error::Error;
};

struct FormatError : Error {
  using Error::Error;
};

struct IoError : Error {
  using Error::Error;
};

// Throws Error("<what>: <status text>") unless st is ATOME_OK.
inline void check_status(atome_status st, const std::string& what) {
  if (st != ATOME_OK) throw Error(what + ": " + atome_status_str(st));
}

}  // namespace atome
