// atome classify --model F (--tokens T | --csv FRAMES.csv) [--json]
//
// --tokens: raw byte tokens, comma-separated ("27,15,3"); several inputs either by repeating the
// flag or by separating them with ';' ("27,15;4,9"). Any count >= 1 per input (the original's
// golden inputs have 1 and 8 tokens).
// --csv: raw feature rows, one input per row, tokenised through the file's input spec
// (host/feature_csv.h for the layout; FORMAT.md §17.4-17.5). Bad input is one line naming the row
// and the column.
//
// Output, one line per input: "<n>: <class> <name> p=<calibrated probability> [abstain]", or with
// --json {"class": i, "name": "...", "p": ..., "abstain": bool, "logits": [...]}. A file without a
// metadata section (legacy, or a 1.0-1.2 classifier) classifies with names "class<i>",
// temperature 1 and no abstention; --csv needs the section.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/json_f32.h"
#include "host/class_spec.h"
#include "host/classify.h"
#include "host/feature_csv.h"
#include "host/feature_tokenize.h"
#include "host/file_io.h"
#include "host/model_file.h"
#include "host/owned_session.h"
#include "host/text_fields.h"

namespace atome::cli {
namespace {

struct ClassifyOptions {
  std::string model;
  std::vector<std::string> tokens;
  std::string csv;
  bool json = false;
};

std::vector<std::vector<uint32_t>> parse_token_inputs(const std::vector<std::string>& args) {
  std::vector<std::vector<uint32_t>> inputs;
  for (const std::string& arg : args) {
    for (const std::string& input : split_on(arg, ';')) {
      const std::string where = "--tokens input " + std::to_string(inputs.size() + 1);
      std::vector<uint32_t> tokens;
      for (const std::string& field : split_on(input, ',')) {
        std::string t = field;
        t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
        const bool digits =
            !t.empty() && t.size() <= 3 &&
            std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::stoul(t) > 255)
          throw UsageError(where + ", token " + std::to_string(tokens.size() + 1) + ": '" + field +
                           "' is not a byte (0..255)");
        tokens.push_back(static_cast<uint32_t>(std::stoul(t)));
      }
      inputs.push_back(std::move(tokens));
    }
  }
  return inputs;
}

void run_classify(const ClassifyOptions& o) {
  if (o.tokens.empty() == o.csv.empty()) throw UsageError("give exactly one of --tokens and --csv");
  const ModelFile f = load_model_file(o.model);
  const atome_model& m = f.model;
  if (m.config.arch != ATOME_ARCH_CLASSIFIER)
    throw UsageError(o.model + " is a language model, not a classifier");
  const bool has_spec = m.class_meta != nullptr;
  std::vector<std::string> names;
  if (has_spec) {
    names = class_spec_of(m).classes;
  } else {
    for (uint32_t k = 0; k < m.config.n_classes; ++k) names.push_back("class" + std::to_string(k));
  }
  std::vector<std::vector<uint32_t>> inputs;
  if (!o.csv.empty()) {
    if (!has_spec)
      throw UsageError(o.model +
                       " has no input spec (FORMAT.md §17): give --tokens, or convert it "
                       "with --tok");
    const ClassSpec spec = class_spec_of(m);
    for (const std::vector<double>& row : read_feature_csv(read_text_file(o.csv), spec, o.csv))
      inputs.push_back(tokenize_features(spec, row));
  } else {
    inputs = parse_token_inputs(o.tokens);
  }
  size_t longest = 1;
  for (const auto& in : inputs) longest = std::max(longest, in.size());
  if (longest > ATOME_MAX_WINDOW)
    throw UsageError("an input has " + std::to_string(longest) + " tokens; at most " +
                     std::to_string(ATOME_MAX_WINDOW));
  // The window holds every input whole: attention sees all of its tokens, as in the original.
  OwnedSession session(m, static_cast<uint32_t>(longest), UINT64_MAX);
  const Calibration cal = calibration_of(m);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Classification r = classify_tokens(session.get(), m, inputs[i], cal);
    if (o.json) {
      JsonF32 j = {{"class", r.cls},
                   {"name", names[r.cls]},
                   {"p", r.p},
                   {"abstain", r.abstain},
                   {"logits", r.logits}};
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%zu: %u %s p=%.4f%s\n", i + 1, r.cls, names[r.cls].c_str(), r.p,
                  r.abstain ? " abstain" : "");
    }
  }
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto o = std::make_shared<ClassifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "classify", "Classify token sequences or raw feature rows with a classifier file");
  cmd->add_option("--model", o->model, "Classifier file (native or legacy ATOMECL01)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--tokens", o->tokens,
                  "Byte tokens a,b,c of one input; ';' separates inputs; repeatable");
  cmd->add_option("--csv", o->csv, "Feature rows, one input per row (the file's input spec)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "One JSON object per input");
  cmd->callback([o] { run_classify(*o); });
}

}  // namespace atome::cli
