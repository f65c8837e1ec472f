// The original SuperESP's tokeniser side file (`X.tok.json`): {"vmin": [...], "vmax": [...]},
// one pair per flattened feature (time-major), and — in files that record it, which the original's
// never do — "mode": "global" | "banded".
#pragma once

#include <string>
#include <vector>

namespace atome {

struct TokJson {
  std::vector<double> vmin, vmax;
  std::string mode;  // empty when the file does not say
};

// Throws IoError (unreadable) or FormatError (not that shape) naming `path`.
TokJson read_tok_json(const std::string& path);

// The class names of an original receipt (`X.att.json`: receipt.classes); empty when the file
// does not exist. Throws FormatError naming `path` when it exists but has no class list.
std::vector<std::string> read_receipt_classes(const std::string& path);

}  // namespace atome
