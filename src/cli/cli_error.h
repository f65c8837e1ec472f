// The two kinds of failure the CLI reports, and the exit code each one maps to.
//
// Every failure ends as one line "atome: error: <message>" on stderr (main.cpp prints it), so
// commands throw instead of printing. Usage mistakes (bad flag values, missing arguments) exit 2
// like CLI11's own parse errors; everything else (I/O, corrupted models, engine errors) exits 1.
#pragma once

#include <stdexcept>
#include <string>

#include "atome/atome.h"

namespace atome::cli {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// A flag or argument the user got wrong.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Any other failure worth one clear line (engine status, I/O).
struct CliError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CliError("<what>: <status text>") unless st is ATOME_OK.
inline void check_status(atome_status st, const std::string& what) {
  if (st != ATOME_OK) throw CliError(what + ": " + atome_status_str(st));
}

}  // namespace atome::cli
