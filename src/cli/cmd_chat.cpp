// atome chat --model F [--temperature T] [--top-p P] [--top-k K] [--seed S] [--max-tokens N]
//            [--window W] [--max-state BYTES] [--no-stop] [--no-bars] [--history FILE]
//
// An interactive session with a model. Each line typed is fed as bytes and the model continues
// it, streaming every token as it is produced; the state carries over from line to line (the
// story goes on) until /reset. An empty line lets the model continue without new text.
// Generation stops at the end-of-story byte 0x04 (as `atome generate`; the byte is fed, so the
// next line starts a new story), after --max-tokens, or at Ctrl-C, which stops the reply and
// keeps the REPL. Ctrl-D or /quit leaves.
//
// The router view: beside the text, each layer's router entropy as a bar on the scale 0 .. ln n
// (n pathways) and its mixture r = (conv, ssm, attn) — how sure each layer is about which
// pathway to use (router_view.h). On a terminal it is a live panel at the bottom of the screen,
// redrawn as tokens come (terminal_panel.h); when the reply ends, the panel's rows are given back
// and the mean over the reply is printed right below it, so the reply stays in view with its
// bars under it (colours only on a terminal). When stdout is not a terminal (a pipe, a file),
// the same bars follow each reply as plain text, for the mean over the reply. Lines are read with
// libedit (editing, history in --history, default ~/.atome_history) when stdin and stdout are
// terminals, plainly otherwise.
//
// Commands: /temp T, /top-p P, /top-k K, /seed S, /max N, /stop on|off, /bars on|off, /reset,
// /settings, /help, /quit.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/line_reader.h"
#include "cli/router_view.h"
#include "cli/sampler_flags.h"
#include "cli/state_limit.h"
#include "cli/terminal_panel.h"
#include "cli/validate.h"
#include "host/errors.h"
#include "host/generation.h"
#include "host/model_file.h"
#include "host/owned_session.h"
#include "host/router_stats.h"
#include "host/text_corpus.h"

namespace atome::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
  g_interrupted = 1;
}

// Ctrl-C sets a flag: the generation loop checks it after every token, and the line reader
// polls it (line_reader.h). SA_RESTART, so that a write blocked on a slow terminal resumes
// instead of failing with EINTR (which would leave stdout in error).
class SigintFlag {
 public:
  SigintFlag() {
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_);
  }
  ~SigintFlag() { ::sigaction(SIGINT, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

struct ChatOptions {
  std::string model;
  // Numbers as text: validate.h parses them (here and in the REPL's commands).
  SamplerFlags sampler{"0.8", "0.9", "0", "0"};
  std::string max_tokens = "200";
  std::string window = "512";
  std::string history;
  std::string max_state;  // --max-state (state_limit.h)
  bool no_stop = false;
  bool no_bars = false;
};

struct Settings {
  SamplerSettings sampler;
  uint64_t max_tokens = 200;
  bool stop = true, bars = true;
};

const char* const kHelp =
    "Type text and press Enter: the model continues it. An empty line continues without new\n"
    "text. Ctrl-C stops a reply; Ctrl-D or /quit leaves.\n"
    "  /temp T      sampling temperature (0 = greedy argmax)\n"
    "  /top-p P     nucleus mass in (0, 1]\n"
    "  /top-k K     sample among the K most likely bytes (0 = all)\n"
    "  /seed S      restart the sampler with seed S\n"
    "  /max N       at most N tokens per reply\n"
    "  /stop on|off stop at the end of a story (byte 0x04)\n"
    "  /bars on|off the router view\n"
    "  /reset       forget everything fed so far (a new story)\n"
    "  /settings    show the settings\n";

class Chat {
 public:
  Chat(Settings settings, ModelFile file, uint32_t window, uint64_t max_state,
       const std::string& history_file)
      : settings_(settings),
        file_(std::move(file)),
        session_(file_.model, window, max_state),
        generator_(session_, settings_.sampler),
        tty_(::isatty(STDOUT_FILENO)),
        names_(pathway_names(file_.model.config.pathways)),
        reader_(history_file, &g_interrupted) {
    style_.color = tty_;
    style_.unicode = tty_;
    reset();
  }

  void run() {
    std::printf("atome chat: %s (%llu parameters, %u layers, pathways %s). /help for commands.\n",
                file_.path.c_str(),
                static_cast<unsigned long long>(atome_model_param_count(&file_.model)),
                file_.model.config.n_layers, joined_names().c_str());
    std::fflush(stdout);
    std::string line;
    for (;;) {
      bool interrupted = false;
      if (!reader_.read("> ", &line, &interrupted)) {
        if (interrupted) {  // Ctrl-C at the prompt: a fresh prompt
          g_interrupted = 0;
          std::printf("\n");
          continue;
        }
        break;
      }
      if (!line.empty() && line[0] == '/') {
        if (!command(line)) break;
      } else {
        reply(line);
      }
    }
    if (reader_.interactive()) std::printf("\n");
  }

 private:
  std::string joined_names() const {
    std::string s;
    for (const std::string& n : names_) s += (s.empty() ? "" : "+") + n;
    return s;
  }

  // A new story: forget everything and feed the start-of-story byte.
  void reset() {
    generator_.reset();
    generator_.feed(std::string(1, static_cast<char>(kEndOfStory)));
  }

  std::vector<LayerRouter> routers() const {
    std::vector<LayerRouter> layers(file_.model.config.n_layers);
    for (uint32_t l = 0; l < layers.size(); ++l) {
      const float* r = atome_session_router(session_.get(), l);
      const size_t n = names_.size();
      layers[l].entropy = mixture_entropy(r, static_cast<uint32_t>(n));
      layers[l].r.assign(r, r + n);
    }
    return layers;
  }

  std::vector<std::string> panel_lines(const std::vector<LayerRouter>& layers,
                                       const std::string& what) const {
    std::vector<std::string> lines = {router_header(what, names_.size(), style_)};
    for (size_t l = 0; l < layers.size(); ++l)
      lines.push_back(router_line(l, layers[l], names_, style_));
    return lines;
  }

  // Prints a generated byte; on a terminal, control bytes other than newline and tab show as a
  // dim '.', so that model output can never drive the terminal.
  void put(uint32_t token) {
    const bool control = token < 0x20 || token == 0x7f;
    if (tty_ && control && token != '\n' && token != '\t')
      std::fputs("\x1b[2m.\x1b[0m", stdout);
    else
      std::fputc(static_cast<int>(token), stdout);
    std::fflush(stdout);
  }

  void reply(const std::string& text) {
    RouterMean mean;
    std::unique_ptr<TerminalPanel> panel;
    if (settings_.bars && tty_)
      panel = std::make_unique<TerminalPanel>(file_.model.config.n_layers + 1);
    if (tty_ && !text.empty()) std::printf("\x1b[2m%s\x1b[0m", text.c_str());
    std::fflush(stdout);

    using Clock = std::chrono::steady_clock;
    Clock::time_point drawn = Clock::now();
    GenerationHooks hooks;
    hooks.interrupted = [] { return g_interrupted != 0; };
    hooks.on_token = [&](uint32_t token) {
      put(token);
      const std::vector<LayerRouter> now = routers();
      mean.add(now);
      // The live panel: at most ~30 redraws a second, so that drawing never dominates.
      if (panel && panel->active() && Clock::now() - drawn > std::chrono::milliseconds(33)) {
        panel->draw(panel_lines(now, "at token " + std::to_string(mean.tokens())));
        drawn = Clock::now();
      }
    };
    g_interrupted = 0;
    const Generation g = generator_.run(text, {settings_.max_tokens, settings_.stop}, hooks);
    g_interrupted = 0;
    const double seconds = g.decode_ms / 1000.0;
    std::printf("\n%s[%s; %llu tokens, %.0f tok/s]%s\n", tty_ ? "\x1b[2m" : "",
                stop_reason_text(g.stopped), static_cast<unsigned long long>(g.tokens),
                g.tokens / std::max(seconds, 1e-9), tty_ ? "\x1b[0m" : "");
    if (!settings_.bars || mean.tokens() == 0) return;
    const std::string what = "mean over " + std::to_string(mean.tokens()) + " tokens";
    const std::vector<std::string> lines = panel_lines(mean.mean(), what);
    if (panel && panel->active()) {
      panel->finish(lines);  // right below the reply, the bottom rows given back
    } else {
      for (const std::string& l : lines) std::printf("%s\n", l.c_str());
    }
    std::fflush(stdout);
  }

  // Returns false to leave the REPL.
  bool command(const std::string& line) {
    std::istringstream in(line);
    std::string name, arg;
    in >> name >> arg;
    try {
      if (name == "/quit" || name == "/exit") return false;
      if (name == "/help") {
        std::fputs(kHelp, stdout);
      } else if (name == "/temp" || name == "/temperature") {
        settings_.sampler.temperature = parse_temperature(arg, "/temp");
        restart_sampler();
      } else if (name == "/top-p") {
        settings_.sampler.top_p = parse_top_p(arg, "/top-p");
        restart_sampler();
      } else if (name == "/top-k") {
        settings_.sampler.top_k = parse_top_k(arg, "/top-k");
        restart_sampler();
      } else if (name == "/seed") {
        settings_.sampler.seed = parse_seed(arg, "/seed");
        restart_sampler();
      } else if (name == "/max") {
        settings_.max_tokens = parse_uint(arg, "/max", 0, UINT32_MAX);
      } else if (name == "/stop" || name == "/bars") {
        if (arg != "on" && arg != "off") throw UsageError(name + " takes on or off");
        (name == "/stop" ? settings_.stop : settings_.bars) = arg == "on";
      } else if (name == "/reset") {
        reset();
        std::printf("(state cleared: a new story)\n");
        return true;
      } else if (name != "/settings") {
        throw UsageError("unknown command " + name + " (/help lists them)");
      }
      if (name != "/help") print_settings();
    } catch (const UsageError& e) {
      std::printf("error: %s\n", e.what());
    }
    std::fflush(stdout);
    return true;
  }

  // The sampler keeps its own random stream: a changed setting restarts it from the seed.
  void restart_sampler() { generator_.set_sampler(settings_.sampler); }

  void print_settings() const {
    std::printf("temperature %g  top-p %g  top-k %u  seed %llu  max %llu  stop %s  bars %s\n",
                settings_.sampler.temperature, settings_.sampler.top_p, settings_.sampler.top_k,
                static_cast<unsigned long long>(settings_.sampler.seed),
                static_cast<unsigned long long>(settings_.max_tokens),
                settings_.stop ? "on" : "off", settings_.bars ? "on" : "off");
  }

  Settings settings_;
  ModelFile file_;
  OwnedSession session_;
  Generator generator_;
  bool tty_;
  std::vector<std::string> names_;
  BarStyle style_;
  LineReader reader_;
};

std::string default_history() {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string(home) + "/.atome_history" : "";
}

void run_chat(const ChatOptions& o) {
  Settings s;
  s.sampler = parse_sampler_flags(o.sampler);
  s.max_tokens = parse_uint(o.max_tokens, "--max-tokens", 0, UINT32_MAX);
  s.stop = !o.no_stop;
  s.bars = !o.no_bars;
  const uint32_t window = parse_u32(o.window, "--window", 1, ATOME_MAX_WINDOW);
  const uint64_t max_state = parse_max_state(o.max_state);

  ModelFile f = load_model_file(o.model);
  check_sampler_vocab(f.model, o.model);
  SigintFlag sigint;
  Chat chat(s, std::move(f), window, max_state, o.history.empty() ? default_history() : o.history);
  chat.run();
}

}  // namespace

void add_chat_command(CLI::App& app) {
  auto o = std::make_shared<ChatOptions>();
  CLI::App* cmd = app.add_subcommand(
      "chat", "Interactive generation with each layer's router entropy shown live");
  cmd->add_option("--model", o->model, "Model file (native or legacy)")->required();
  add_sampler_flags(cmd, &o->sampler);
  cmd->add_option("--max-tokens", o->max_tokens, "Most tokens per reply")
      ->type_name("UINT")
      ->capture_default_str();
  cmd->add_option("--window", o->window, "Attention window in tokens")
      ->type_name("UINT")
      ->capture_default_str();
  add_max_state_flag(cmd, &o->max_state);
  cmd->add_option("--history", o->history, "History file [~/.atome_history]");
  cmd->add_flag("--no-stop", o->no_stop, "Do not stop at the end-of-story byte 0x04");
  cmd->add_flag("--no-bars", o->no_bars, "Hide the router view");
  cmd->callback([o] { run_chat(*o); });
}

}  // namespace atome::cli
