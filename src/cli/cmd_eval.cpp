// atome eval --model F --data TEXT [--window N] [--chunk N] [--threads N] [--json]
//            [--router-stats] [--per-token FILE] [--max-state BYTES]
//
// How well a model predicts a text file, as the engine runs it: bits per byte (bpb) and per-byte
// perplexity (ppl = 2^bpb). The text is read with the trainer's corpus loader
// (src/host/text_corpus.h: stories cut on "<|endoftext|>" lines, each followed by 0x04).
//
// Story mode (default): for each story, reset the session, feed 0x04 (the start-of-story
// context), then predict every byte of the story and the closing 0x04. The loss of a prediction
// is -ln softmax(logits)[target], computed in double and summed over all predictions;
// bpb = nats / ln 2 / predictions. The default window is the longest story + 1 (every input of
// every story, so attention sees the whole story), capped at ATOME_MAX_WINDOW.
//
// Chunk mode (--chunk N, the original Atome's protocol): the token stream (stories and their
// 0x04 bytes) cut into non-overlapping N-byte chunks from the start, the last partial chunk
// dropped; per chunk, reset and predict bytes 1..N-1 from their prefixes (N-1 predictions per
// chunk). The default window is N-1 (all of a chunk's inputs).
//
// --window N overrides the default (attention then slides within longer sequences).
// --threads N spreads stories (chunks) over N threads (0, the default: all OpenMP offers); the
// result is the same, to the bit, for every thread count.
//
// The router (each layer's per-token mixture r of its pathways, DESIGN §2), so that one can ask
// whether its entropy H(r) tracks the loss or the kind of text (docs/RESULTS.md §9):
//   --router-stats   adds the mean entropy per layer and over layers (nats; 0 = one pathway,
//                    ln n_paths = all equal), each layer's mean mixture, the Pearson and Spearman
//                    correlation of entropy with per-prediction loss (per layer, and of the mean
//                    over layers), the mean entropy in each decile of loss, and how the mean
//                    entropy of a prediction, and of a whole story (chunk), is spread
//                    (src/host/router_stats.h). A correlation that is undefined (constant
//                    entropy, e.g. one pathway) is "undefined" in text and null in JSON.
//   --per-token FILE writes one CSV row per prediction: span, position, input and target byte,
//                    loss, each layer's entropy, their mean, each layer's mixture
//                    (src/cli/token_csv.h). Written atomically, in span order: the same file for
//                    any --threads.
// Both record every step's mixtures; without them eval takes the plain, faster path.
//
// Output: one line "bpb 2.1234  ppl 4.3721  predicted 129442  stories 160  window 1024  model F"
// (with --router-stats, then a table of the router figures); with --json one object:
//   {"bpb", "ppl", "nats" (summed loss), "predicted" (number of predictions), "stories" (story
//    mode) or "chunks" (chunk mode), "mode" ("story" or "chunk"), "window", "model" (the path)}
// and with --router-stats a "router" member:
//   {"paths" (names, router order), "max_entropy" (ln n_paths), "mean_entropy", "pearson",
//    "spearman", "layers": [{"mean_entropy", "mean_mixture": [per path], "pearson",
//    "spearman"}], "by_loss": [{"count", "mean_loss", "mean_entropy"}] (deciles, lowest first),
//    "token_entropy" (over predictions) and "span_entropy" (over stories or chunks): {"count",
//    "mean", "sd", "min", "p05", "median", "p95", "max"}}
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/state_limit.h"
#include "cli/token_csv.h"
#include "cli/validate.h"
#include "host/errors.h"
#include "host/evaluate.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"
#include "host/router_stats.h"
#include "host/text_corpus.h"

namespace atome::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::string data;
  std::string window;  // empty: the longest sequence's inputs
  std::string chunk;   // empty: story mode
  std::string threads = "0";
  std::string max_state;  // --max-state (state_limit.h)
  bool json = false;
  bool router_stats = false;
  std::string per_token;  // CSV path; empty: none
};

// A statistic as text: "undefined" where it is NaN (a correlation with a constant).
std::string stat_text(double v, int decimals) {
  if (std::isnan(v)) return "undefined";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// `unit`: what a span is ("story" or "chunk").
void print_router_stats(const RouterStats& s, const std::vector<std::string>& paths,
                        const char* unit) {
  std::printf(
      "router entropy in nats (0 = one pathway, %.4f = all equal) over %zu predictions,\n"
      "and its correlation with the prediction's loss:\n",
      s.max_entropy, s.predictions);
  std::printf("%-6s %8s", "layer", "entropy");
  for (const std::string& p : paths) std::printf(" %7s", ("r_" + p).c_str());
  std::printf(" %9s %9s\n", "pearson", "spearman");
  for (size_t l = 0; l < s.layers.size(); ++l) {
    const LayerRouterStats& layer = s.layers[l];
    std::printf("%-6zu %8.4f", l, layer.mean_entropy);
    for (double m : layer.mean_mixture) std::printf(" %7.4f", m);
    std::printf(" %9s %9s\n", stat_text(layer.pearson, 4).c_str(),
                stat_text(layer.spearman, 4).c_str());
  }
  std::printf("%-6s %8.4f", "mean", s.mean_entropy);
  for (size_t p = 0; p < paths.size(); ++p) std::printf(" %7s", "");
  std::printf(" %9s %9s\n", stat_text(s.pearson, 4).c_str(), stat_text(s.spearman, 4).c_str());
  std::printf("by loss decile, mean loss (nats) -> mean entropy:");
  for (const LossBin& b : s.by_loss) std::printf("  %.3f->%.4f", b.mean_loss, b.mean_entropy);
  std::printf("\n");
  const auto spread = [](const char* what, const Distribution& d) {
    std::printf(
        "mean entropy of a %s: mean %.4f  sd %.4f  min %.4f  p05 %.4f  median %.4f  "
        "p95 %.4f  max %.4f  (%zu)\n",
        what, d.mean, d.sd, d.min, d.p05, d.median, d.p95, d.max, d.count);
  };
  spread("prediction", s.token_entropy);
  spread(unit, s.span_entropy);
}

nlohmann::ordered_json distribution_json(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean},     {"sd", d.sd},   {"min", d.min},
          {"p05", d.p05},     {"median", d.median}, {"p95", d.p95}, {"max", d.max}};
}

nlohmann::ordered_json router_json(const RouterStats& s, const std::vector<std::string>& paths) {
  // nlohmann writes NaN as null: an undefined correlation stays visible as such.
  nlohmann::ordered_json j;
  j["paths"] = paths;
  j["max_entropy"] = s.max_entropy;
  j["mean_entropy"] = s.mean_entropy;
  j["pearson"] = s.pearson;
  j["spearman"] = s.spearman;
  j["layers"] = nlohmann::ordered_json::array();
  for (const LayerRouterStats& layer : s.layers) {
    nlohmann::ordered_json l;
    l["mean_entropy"] = layer.mean_entropy;
    l["mean_mixture"] = layer.mean_mixture;
    l["pearson"] = layer.pearson;
    l["spearman"] = layer.spearman;
    j["layers"].push_back(l);
  }
  j["by_loss"] = nlohmann::ordered_json::array();
  for (const LossBin& b : s.by_loss)
    j["by_loss"].push_back(
        {{"count", b.count}, {"mean_loss", b.mean_loss}, {"mean_entropy", b.mean_entropy}});
  j["token_entropy"] = distribution_json(s.token_entropy);
  j["span_entropy"] = distribution_json(s.span_entropy);
  return j;
}

void run_eval(const EvalOptions& o) {
  // Flags first, before the (possibly slow) loads.
  const bool chunk_mode = !o.chunk.empty();
  const uint32_t chunk = chunk_mode ? parse_u32(o.chunk, "--chunk", 2, UINT32_MAX) : 0;
  const uint32_t window_flag =
      o.window.empty() ? 0 : parse_u32(o.window, "--window", 1, ATOME_MAX_WINDOW);
  const uint32_t threads = parse_u32(o.threads, "--threads", 0, 1024);
  const uint64_t max_state = parse_max_state(o.max_state);
  const bool per_token = !o.per_token.empty();
  if (per_token) check_output_path(o.per_token, "--per-token");

  const TextCorpus corpus = load_text_corpus(o.data);
  const EvalText text = eval_text(corpus, chunk_mode ? chunk : 0);
  const std::vector<uint8_t>& stream = text.stream;
  const std::vector<Span>& spans = text.spans;
  if (chunk_mode && spans.empty())
    throw Error(o.data + ": " + std::to_string(stream.size()) +
                " bytes of text, fewer than one --chunk of " + std::to_string(chunk));

  const uint32_t window = window_flag != 0 ? window_flag : spans_window(spans);

  const ModelFile f = load_model_file(o.model);
  const bool traced = per_token || o.router_stats;
  RouterTrace trace;
  const EvalTotals totals =
      evaluate_spans(f.model, window, max_state, stream, spans, threads, traced ? &trace : nullptr);
  if (per_token) {
    const std::string csv = token_csv(stream, spans, trace);
    write_file_atomic(o.per_token, std::vector<uint8_t>(csv.begin(), csv.end()));
  }
  const std::vector<std::string> paths = pathway_names(f.model.config.pathways);
  const RouterStats stats = o.router_stats ? router_stats(trace) : RouterStats{};
  const double bpb = totals.nats / std::log(2.0) / static_cast<double>(totals.predicted);
  const double ppl = std::exp2(bpb);
  const char* unit = chunk_mode ? "chunks" : "stories";

  if (o.json) {
    nlohmann::ordered_json j;
    j["bpb"] = bpb;
    j["ppl"] = ppl;
    j["nats"] = totals.nats;
    j["predicted"] = totals.predicted;
    j[unit] = spans.size();
    j["mode"] = chunk_mode ? "chunk" : "story";
    j["window"] = window;
    j["model"] = o.model;
    if (o.router_stats) j["router"] = router_json(stats, paths);
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("bpb %.4f  ppl %.4f  predicted %llu  %s %zu  window %u  model %s\n", bpb, ppl,
                static_cast<unsigned long long>(totals.predicted), unit, spans.size(), window,
                o.model.c_str());
    if (o.router_stats) print_router_stats(stats, paths, chunk_mode ? "chunk" : "story");
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Bits per byte and perplexity of a model on a text file");
  cmd->add_option("--model", o->model, "Model file (native or legacy)")->required();
  cmd->add_option("--data", o->data, "Text file, stories separated by <|endoftext|> lines")
      ->required();
  cmd->add_option("--window", o->window,
                  "Attention window; default: the longest story (chunk) fits whole")
      ->type_name("UINT");
  cmd->add_option("--chunk", o->chunk,
                  "Score non-overlapping N-byte chunks of the token stream instead of stories")
      ->type_name("UINT");
  cmd->add_option("--threads", o->threads, "Threads; 0 = all available")
      ->type_name("UINT")
      ->capture_default_str();
  add_max_state_flag(cmd, &o->max_state);
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the line");
  cmd->add_flag("--router-stats", o->router_stats,
                "Also report router entropy per layer and its correlation with the loss");
  cmd->add_option("--per-token", o->per_token,
                  "Write one CSV row per prediction: loss, router entropy and mixture per layer")
      ->type_name("FILE");
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace atome::cli
