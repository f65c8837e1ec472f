// atome eval --model F --data TEXT [--window N] [--chunk N] [--threads N] [--json]
//
// How well a model predicts a text file, as the engine runs it: bits per byte (bpb) and per-byte
// perplexity (ppl = 2^bpb). The text is read with the trainer's corpus loader
// (src/train/text_data.h: stories cut on "<|endoftext|>" lines, each followed by 0x04).
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
// Output: one line "bpb 2.1234  ppl 4.3721  predicted 129442  stories 160  window 1024  model F";
// with --json one object:
//   {"bpb", "ppl", "nats" (summed loss), "predicted" (number of predictions), "stories" (story
//    mode) or "chunks" (chunk mode), "mode" ("story" or "chunk"), "window", "model" (the path)}
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/evaluate.h"
#include "cli/model_file.h"
#include "cli/validate.h"
#include "train/text_data.h"

namespace atome::cli {
namespace {

struct EvalOptions {
  std::string model;
  std::string data;
  std::string window;  // empty: the longest sequence's inputs
  std::string chunk;   // empty: story mode
  std::string threads = "0";
  bool json = false;
};

void run_eval(const EvalOptions& o) {
  // Flags first, before the (possibly slow) loads.
  const bool chunk_mode = !o.chunk.empty();
  const uint32_t chunk = chunk_mode ? parse_u32(o.chunk, "--chunk", 2, UINT32_MAX) : 0;
  const uint32_t window_flag =
      o.window.empty() ? 0 : parse_u32(o.window, "--window", 1, ATOME_MAX_WINDOW);
  const uint32_t threads = parse_u32(o.threads, "--threads", 0, 1024);

  const train::TextCorpus corpus = train::load_text_corpus(o.data);
  std::vector<uint8_t> stream;
  std::vector<Span> spans;
  if (chunk_mode) {
    stream = corpus.tokens;
    spans = chunk_spans(stream.size(), chunk);
    if (spans.empty())
      throw CliError(o.data + ": " + std::to_string(stream.size()) +
                     " bytes of text, fewer than one --chunk of " + std::to_string(chunk));
  } else {
    spans = story_spans(corpus, &stream);
  }

  size_t longest_inputs = 1;
  for (const Span& s : spans) longest_inputs = std::max(longest_inputs, s.inputs());
  const uint32_t window =
      window_flag != 0 ? window_flag
                       : static_cast<uint32_t>(std::min<size_t>(longest_inputs, ATOME_MAX_WINDOW));

  const ModelFile f = load_model_file(o.model);
  const EvalTotals totals = evaluate_spans(f.model, window, stream, spans, threads);
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
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("bpb %.4f  ppl %.4f  predicted %llu  %s %zu  window %u  model %s\n", bpb, ppl,
                static_cast<unsigned long long>(totals.predicted), unit, spans.size(), window,
                o.model.c_str());
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
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the line");
  cmd->callback([o] { run_eval(*o); });
}

}  // namespace atome::cli
