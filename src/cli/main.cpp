// atome — host command line tool: convert, inspect, generate, export, bench, eval, plot, train,
// sweep, report, chat, classify, keygen, sign, verify.
//
// This file only builds the CLI11 app and maps failures to the CLI's error contract: whatever
// goes wrong, the user gets exactly one line "atome: error: <message>" on stderr and a nonzero
// exit code (2 for usage errors, 1 for everything else) — never an abort or an uncaught exception.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "atome/atome.h"
#include "cli/commands.h"
#include "host/errors.h"

namespace {

constexpr int kExitFailure = 1;  // I/O, corrupted models, engine errors
constexpr int kExitUsage = 2;    // bad flags or arguments, like CLI11's own parse errors

// One line, whatever the message holds (CLI11 and FormatError messages are single lines today,
// but the contract should not depend on that).
int report(const std::string& message, int code) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "atome: error: %s\n", line.c_str());
  return code;
}

int run(int argc, char** argv) {
  using namespace atome::cli;
  // The kernel is chosen when the engine is built; a binary built on a newer CPU must say so
  // here instead of dying of SIGILL in the first matvec.
  if (!atome_kernel_supported()) {
    return report(std::string("this CPU cannot run the '") + atome_kernel_name() +
                      "' kernel this binary was built with; rebuild with -DATOME_KERNEL=portable",
                  kExitFailure);
  }
  CLI::App app{"Atome: ternary language model engine (host tools)", "atome"};
  app.set_version_flag("--version", "atome " ATOME_VERSION);
  app.require_subcommand(1);
  add_convert_command(app);
  add_inspect_command(app);
  add_generate_command(app);
  add_export_command(app);
  add_bench_command(app);
  add_eval_command(app);
  add_plot_command(app);
  add_train_command(app);
  add_sweep_command(app);
  add_report_command(app);
  add_chat_command(app);
  add_classify_command(app);
  add_apps_command(app);
  add_keygen_command(app);
  add_sign_command(app);
  add_verify_command(app);
  // After the subcommands: CLI11 copies the parent's footer into subcommands created later.
  app.footer("Run 'atome <command> --help' for the flags of a command.");
  try {
    app.parse(argc, argv);  // the selected command runs inside, as a callback
  } catch (const CLI::ParseError& e) {
    // --help and --version arrive as "errors" with exit code 0: let CLI11 print them.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    return report(e.what(), kExitUsage);
  }
  // A full disk or closed pipe shows up only here, for output written with stdio.
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    return report("cannot write to stdout", kExitFailure);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace atome;
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    return report(e.what(), kExitUsage);
  } catch (const Error& e) {
    return report(e.what(), kExitFailure);
  } catch (const std::bad_alloc&) {
    return report("out of memory", kExitFailure);
  } catch (const std::exception& e) {
    return report(e.what(), kExitFailure);
  } catch (...) {
    return report("unexpected internal error", kExitFailure);
  }
}
