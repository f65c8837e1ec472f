// atome sweep FILE --out DIR [--data DIR] [--threads N] [--only MODEL,...]
//
// Runs a sweep file (sweep_file.h): every model x seed as one `atome train` run in
// DIR/<model>/seed-<n>/, one after another. It is resumable at any moment: a run with a
// result.json is done and skipped, a run with a checkpoint continues from it (bit-identical to an
// uninterrupted run, see trainer.h), anything else starts afresh. So a killed sweep is finished by
// giving the same command again. DIR/sweep.json keeps the definition; a DIR that holds a
// different sweep is refused. `atome report DIR` turns the finished runs into tables and charts.
//
// --data DIR replaces "{data}" in the file's arguments (default: $ATOME_DATA, else
// ../shared/data/tinystories). Progress: one line per run on stdout; the trainer's progress bar
// on a terminal only.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/train_flags.h"
#include "cli/validate.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "lab/sweep_file.h"

namespace atome::cli {

using namespace atome::lab;  // the lab does the work; this file parses flags and prints
namespace {

using json = nlohmann::json;

struct SweepFlags {
  std::string file, out, data, threads = "0", step_delay_ms = "0";
  std::vector<std::string> only;
};

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) throw Error("cannot create " + path);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string substitute(std::string arg, const std::string& data) {
  for (size_t at = arg.find("{data}"); at != std::string::npos; at = arg.find("{data}", at)) {
    arg.replace(at, 6, data);
    at += data.size();
  }
  return arg;
}

// The training options of one run: the protocol, then the model's own flags, then the seed,
// read exactly as `atome train` reads its command line.
train::TrainOptions run_options(const SweepFile& sweep, const SweepModel& model, uint64_t seed,
                                const std::string& data) {
  std::vector<std::string> args;
  for (const std::string& a : sweep.protocol) args.push_back(substitute(a, data));
  for (const std::string& a : model.args) args.push_back(substitute(a, data));
  args.push_back("--seed");
  args.push_back(std::to_string(seed));
  const std::string where = "sweep '" + sweep.name + "', model '" + model.name + "': ";
  CLI::App app("one run of a sweep");
  TrainFlags flags;
  add_train_flags(app, flags);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    throw UsageError(where + e.what());
  }
  if (flags.train.empty()) throw UsageError(where + "no --train file");
  try {
    return train_options(flags);
  } catch (const UsageError& e) {
    throw UsageError(where + e.what());
  }
}

// DIR/sweep.json: written the first time; afterwards the same definition is required.
void claim_directory(const std::string& out, const std::string& text) {
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) throw Error("cannot create " + out + ": " + error.message());
  const std::string kept = out + "/sweep.json";
  if (exists(kept)) {
    const json before = json::parse(read_all(kept), nullptr, false);
    if (before != json::parse(text, nullptr, false))
      throw UsageError(out +
                       " holds a different sweep (its sweep.json is not this file): pick "
                       "another --out");
    return;
  }
  write_file_atomic(kept, std::vector<uint8_t>(text.begin(), text.end()));
}

void run_sweep(const SweepFlags& f) {
  const std::string text = read_all(f.file);
  const SweepFile sweep = parse_sweep(text, f.file);
  for (const std::string& name : f.only)
    if (std::none_of(sweep.models.begin(), sweep.models.end(),
                     [&](const SweepModel& m) { return m.name == name; }))
      throw UsageError("--only: no model '" + name + "' in " + f.file);
  std::string data = f.data;
  if (data.empty() && std::getenv("ATOME_DATA") != nullptr) data = std::getenv("ATOME_DATA");
  if (data.empty()) data = "../shared/data/tinystories";
  const int threads = static_cast<int>(parse_u32(f.threads, "--threads", 0, 1024));
  const int step_delay_ms =
      static_cast<int>(parse_u32(f.step_delay_ms, "--step-delay-ms", 0, 60000));

  // Every run's flags are parsed into its options before the first run starts: a typo fails now,
  // not in an hour.
  struct Run {
    const SweepModel* model;
    uint64_t seed;
    train::TrainOptions options;
  };
  std::vector<Run> runs;
  for (const SweepModel& m : sweep.models) {
    if (!f.only.empty() && std::find(f.only.begin(), f.only.end(), m.name) == f.only.end())
      continue;
    for (uint64_t seed : sweep.seeds) {
      runs.push_back({&m, seed, run_options(sweep, m, seed, data)});
    }
  }
  claim_directory(f.out, text);

  size_t index = 0;
  for (const auto& [model, seed, options] : runs) {
    ++index;
    const std::string dir = run_dir(f.out, model->name, seed);
    char head[200];
    std::snprintf(head, sizeof head, "[%zu/%zu] %s seed %llu", index, runs.size(),
                  model->name.c_str(), static_cast<unsigned long long>(seed));
    if (exists(dir + "/result.json")) {
      std::printf("%s: finished before, skipped\n", head);
      continue;
    }
    make_dir(f.out + "/" + model->name);
    train::RunControl control;
    control.out_dir = dir;
    control.threads = threads;
    control.quiet = !::isatty(STDERR_FILENO);
    control.step_delay_ms = step_delay_ms;
    const bool resuming = exists(dir + "/checkpoint.bin");
    std::printf("%s: %s\n", head, resuming ? "resuming from its checkpoint" : "training");
    std::fflush(stdout);
    const train::TrainResult r = resuming ? resume_run(control) : start_run(options, control);
    std::printf("%s: valid %.4f bpb, %.1f s of training in this process\n", head, r.valid_bpb,
                r.seconds);
    std::fflush(stdout);
  }
  std::printf("%zu runs finished in %s; tables and charts: atome report %s\n", runs.size(),
              f.out.c_str(), f.out.c_str());
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto f = std::make_shared<SweepFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a sweep file (models x seeds), resumable; `atome report` tabulates it");
  cmd->add_option("file", f->file, "Sweep file (JSON, see experiments/)")->required();
  cmd->add_option("--out", f->out, "Directory of the sweep's runs")->required();
  cmd->add_option("--data", f->data,
                  "Replaces {data} in the file [$ATOME_DATA, else ../shared/data/tinystories]");
  cmd->add_option("--threads", f->threads, "Training threads (0: all cores)")
      ->capture_default_str();
  cmd->add_option("--only", f->only, "Run only these models (comma-separated names)")
      ->delimiter(',');
  cmd->add_option("--step-delay-ms", f->step_delay_ms, "Sleep after each step (tests)")
      ->group("");  // hidden
  cmd->callback([f] { run_sweep(*f); });
}

}  // namespace atome::cli
