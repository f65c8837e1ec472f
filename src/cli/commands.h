// The subcommands. Each add_*_command registers its flags on the root app and a callback that
// does the work; callbacks report failure by throwing (cli_error.h), main.cpp turns that into the
// one-line error and the exit code.
#pragma once

namespace CLI {
class App;
}

namespace atome::cli {

void add_convert_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_plot_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_chat_command(CLI::App& app);
void add_classify_command(CLI::App& app);
void add_keygen_command(CLI::App& app);
void add_sign_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_apps_command(CLI::App& app);
void add_apps_text_command(CLI::App* apps);  // `atome apps command` (cmd_apps_text.cpp)

}  // namespace atome::cli
