// atome classify --model F (--tokens T | --csv FRAMES.csv | --wav CLIP.wav... [--fit F]) [--json]
//
// --tokens: raw byte tokens, comma-separated ("27,15,3"); several inputs either by repeating the
// flag or by separating them with ';' ("27,15;4,9"). Any count >= 1 per input (the original's
// golden inputs have 1 and 8 tokens).
// --csv: raw feature rows, one input per row, tokenised through the file's input spec
// (host/feature_csv.h for the layout; FORMAT.md §17.4-17.5). Bad input is one line naming the row
// and the column.
// --wav: recorded clips (16-bit PCM mono WAV at the front end's rate, host/wav_read.h), one input
// per file, for a head whose file names an audio front end (voice, sound_scene: docs/APPS.md §13).
// Each clip goes through the device's integer front end (atome_audio_front_from_model,
// atome_audio_front_frame), and its int32 frame, read back exactly as the feature values it
// stands for, through the --csv path. A clip must have exactly the front end's sample count, unless
// --fit pad (zeros after a short clip), crop (a long clip's first samples) or pad-crop says
// otherwise.
//
// Output, one line per input: "<n>: <class> <name> p=<calibrated probability> [abstain]", or with
// --json {"class": i, "name": "...", "p": ..., "abstain": bool, "logits": [...]}. A file without a
// metadata section (legacy, or a 1.0-1.2 classifier) classifies with names "class<i>",
// temperature 1 and no abstention; --csv needs the section.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "atome/apps.h"
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
#include "host/wav_read.h"

namespace atome::cli {
namespace {

struct ClassifyOptions {
  std::string model;
  std::vector<std::string> tokens;
  std::string csv;
  std::vector<std::string> wav;
  std::string fit = "exact";  // --wav clips of another length: exact (refused), pad, crop, pad-crop
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

// "1 s", "0.5 s": a sample count at a rate, for messages.
std::string wav_seconds_text(size_t n, uint32_t rate_hz) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(n) / rate_hz);
  return buf;
}

// --wav: each clip through the head's front end as the device runs it, to the feature row its
// int32 frame stands for (value * 2^-frac[c], exact in binary64: the --csv path reads the same).
std::vector<std::vector<double>> wav_feature_rows(const std::vector<std::string>& files,
                                                  const std::string& fit,
                                                  const std::string& model_path,
                                                  const atome_model& m, const ClassSpec& spec) {
  atome_audio_front fe{};
  const atome_apps_status fst = atome_audio_front_from_model(&m, &fe);
  if (fst != ATOME_APPS_OK)
    throw UsageError(model_path + " has no audio front end --wav can run (its pipeline '" +
                     spec.pipeline +
                     "' is not the voice or sound_scene MFCC front end, docs/APPS.md §13): give "
                     "--csv or --tokens");
  atome_tokenizer tok{};
  const atome_apps_status tst = atome_tok_prepare(&tok, &m);
  if (tst != ATOME_APPS_OK)
    throw Error(model_path +
                ": the device tokeniser refuses its input spec: " + atome_apps_status_str(tst));
  // The rate the front end was built for: the file's fs_hz (atome_audio_front_from_model
  // accepted it).
  uint32_t rate_hz = 0;
  for (const PipelineParam& p : spec.params)
    if (p.name == "fs_hz") rate_hz = static_cast<uint32_t>(p.value);
  std::vector<std::vector<double>> rows;
  for (const std::string& file : files) {
    const std::vector<uint8_t> bytes = read_file(file);
    WavClip clip = read_wav(bytes.data(), bytes.size(), rate_hz, file);
    // Another length only when asked (--fit): zeros (silence) after a short clip, a long one's
    // first n_samples.
    const size_t n = clip.samples.size();
    const bool pad = fit == "pad" || fit == "pad-crop", crop = fit == "crop" || fit == "pad-crop";
    if ((n < fe.n_samples && pad) || (n > fe.n_samples && crop)) clip.samples.resize(fe.n_samples);
    if (clip.samples.size() != fe.n_samples)
      throw FormatError(
          file + ": " + std::to_string(n) + " samples (" + wav_seconds_text(n, rate_hz) +
          "); the head's front end needs exactly " + std::to_string(fe.n_samples) + " (" +
          wav_seconds_text(fe.n_samples, rate_hz) + " at " + std::to_string(rate_hz) +
          " Hz): trim or pad the recording, or give --fit " + (n < fe.n_samples ? "pad" : "crop"));
    atome_mfcc_work work;  // 2,864 B, caller-owned as on the device
    std::vector<int32_t> frame(tok.n_features);
    const atome_apps_status st = atome_audio_front_frame(
        &fe, &tok, clip.samples.data(), clip.samples.size(), &work, frame.data(), nullptr);
    if (st != ATOME_APPS_OK)
      throw Error(file + ": the front end refuses the clip: " + atome_apps_status_str(st));
    std::vector<double> row(frame.size());
    for (size_t i = 0; i < frame.size(); ++i)
      row[i] = std::ldexp(static_cast<double>(frame[i]), -int(tok.frac[i % tok.n_channels]));
    rows.push_back(std::move(row));
  }
  return rows;
}

void run_classify(const ClassifyOptions& o) {
  if (int(!o.tokens.empty()) + int(!o.csv.empty()) + int(!o.wav.empty()) != 1)
    throw UsageError("give exactly one of --tokens, --csv and --wav");
  if (o.fit != "exact" && o.wav.empty()) throw UsageError("--fit applies to --wav clips only");
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
  if (o.tokens.empty()) {
    if (!has_spec)
      throw UsageError(o.model +
                       " has no input spec (FORMAT.md §17): give --tokens, or convert it "
                       "with --tok");
    const ClassSpec spec = class_spec_of(m);
    const std::vector<std::vector<double>> rows =
        o.wav.empty() ? read_feature_csv(read_text_file(o.csv), spec, o.csv)
                      : wav_feature_rows(o.wav, o.fit, o.model, m, spec);
    for (const std::vector<double>& row : rows) inputs.push_back(tokenize_features(spec, row));
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
      "classify",
      "Classify token sequences, raw feature rows or audio clips with a classifier file");
  cmd->add_option("--model", o->model, "Classifier file (native or legacy ATOMECL01)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--tokens", o->tokens,
                  "Byte tokens a,b,c of one input; ';' separates inputs; repeatable");
  cmd->add_option("--csv", o->csv, "Feature rows, one input per row (the file's input spec)")
      ->check(CLI::ExistingFile);
  cmd->add_option(
         "--wav", o->wav,
         "Recorded clips (16-bit PCM mono WAV, the head's clip length: see --fit), one input "
         "per file, through the device's audio front end; repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option("--fit", o->fit,
                  "--wav clips of another length than the head's: exact (refused, the default), "
                  "pad (silence after a short clip), crop (a long clip's start), pad-crop")
      ->check(CLI::IsMember({"exact", "pad", "crop", "pad-crop"}));
  cmd->add_flag("--json", o->json, "One JSON object per input");
  cmd->callback([o] { run_classify(*o); });
}

}  // namespace atome::cli
