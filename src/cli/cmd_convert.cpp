// atome convert IN OUT [--to native|atome01] [--numerics f32|a8|q15 [--text FILE]]
//               [--packing trit2|trit3|auto [--max-bytes N]] [--layout v1|compact]
//               [--d N --layers N --d-head N --kernel K --top-k K]
//
// --numerics converts a float model after training (host/numerics_convert.h): a8 changes the
// config only, q15 rounds every float parameter to fixed point. With --text it scores the input
// and the output model on that text (story mode, as `atome eval`) and prints the bits-per-byte
// cost of the conversion.
//
// --packing re-packs the native output's trits (host/model_data.h repack_native): trit2 (2 bits a
// trit, the fastest kernels), trit3 (5 trits a byte, 20% fewer trit bytes), or auto: trit2 unless
// the file must fit in --max-bytes and only trit3 does. Without it the input's packing is kept
// (trit2 for a legacy input).
//
// --tok X.tok.json makes a classifier file with its input spec (FORMAT.md §17, version 1.3): the
// original's per-feature ranges, the quantisation mode (from the json, else --tok-mode: the
// original's files never say), class names (--classes, else the receipt X.att.json beside IN),
// channels (--channels name:unit:min:max,... and --window T; default: one unnamed channel per
// feature), the feature pipeline (--pipeline, --param k=v), calibration (--temperature) and the
// abstention rule (--abstain RULE:THRESHOLD; default margin:0.15, the original's fixed rule).
// The unembedding, which a classifier never uses, is dropped.
//
// --layout compact writes the compact q15 layout (FORMAT.md §18, version 2.0: no tensor table,
// vectors as int16 << a per-tensor shift, trit3 rows): the q15 model's vectors are rounded to the
// nearest int16 << shift first (host/compact_format.h), which prints how many values moved; with
// --text it prints the bits-per-byte cost of that rounding too.
//
// Legacy (ATOME01 / ATOMECL01) -> native is the default direction. `--to atome01` goes back to
// the legacy layout (ATOMECL01 when the model has a classifier head) so files can still be fed
// to the original engine. A native input with `--to native` is re-written canonically (any
// signature block is dropped). The output is written atomically: a crash or a bad model never
// leaves a half-written file at OUT.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/validate.h"
#include "engine/class_meta.h"
#include "engine/format.h"
#include "host/class_spec.h"
#include "host/compact_format.h"
#include "host/eval_protocol.h"
#include "host/evaluate.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "host/text_corpus.h"
#include "host/text_fields.h"
#include "host/tok_json.h"

namespace atome::cli {
namespace {

struct ConvertOptions {
  std::string in;
  std::string out;
  std::string to = "native";
  std::string numerics;  // empty: keep the input's
  std::string text;      // --text: measure the conversion's bpb cost on this file
  std::string packing;   // empty: keep the input's
  std::string max_bytes = "0";
  std::string layout = "v1";
  // Numbers as text (validate.h parses them); "0" = not given.
  std::string d_model = "0", n_layers = "0", d_head = "0", conv_kernel = "0", top_k = "0";
  // Classifier input spec (--tok and friends).
  std::string tok, tok_mode, classes, channels, window = "1", sample_rate = "0";
  std::string pipeline = "none", temperature = "1", abstain = "margin:0.15";
  std::vector<std::string> params;
};

float parse_float(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    throw UsageError(what + ": '" + text + "' is not a finite number");
  return static_cast<float>(v);
}

// "X.atomecl" -> "X.att.json": the original's receipt, which names the classes.
std::string receipt_path(const std::string& in) {
  const size_t dot = in.rfind('.');
  const size_t slash = in.rfind('/');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_ext ? in.substr(0, dot) : in) + ".att.json";
}

ClassSpec spec_from_flags(const ConvertOptions& o, uint32_t n_classes) {
  const TokJson tok = read_tok_json(o.tok);
  ClassSpec s;
  if (!tok.mode.empty() && !o.tok_mode.empty() && tok.mode != o.tok_mode)
    throw UsageError(o.tok + " says mode '" + tok.mode + "' but --tok-mode says '" + o.tok_mode +
                     "'");
  const std::string mode = tok.mode.empty() ? o.tok_mode : tok.mode;
  if (mode.empty())
    throw UsageError(o.tok +
                     " does not record its quantisation mode: give --tok-mode global|banded");
  s.quant_mode = parse_quant_mode(mode);
  s.vmin = tok.vmin;
  s.vmax = tok.vmax;
  const uint32_t F = static_cast<uint32_t>(tok.vmin.size());
  s.window = parse_u32(o.window, "--window", 1, class_meta::kMaxWindow);
  if (o.channels.empty()) {
    if (s.window != 1) throw UsageError("--window needs --channels");
    for (uint32_t i = 0; i < F; ++i) s.channels.push_back({"f" + std::to_string(i), "", 0, 0});
  } else {
    for (const std::string& item : split_on(o.channels, ',')) {
      const std::vector<std::string> f = split_on(item, ':');
      if (f.size() != 1 && f.size() != 2 && f.size() != 4)
        throw UsageError("--channels: '" + item + "' is not name[:unit[:min:max]]");
      ChannelSpec c;
      c.name = f[0];
      if (f.size() >= 2) c.unit = f[1];
      if (f.size() == 4) {
        c.phys_min = parse_float(f[2], "--channels " + c.name + " min");
        c.phys_max = parse_float(f[3], "--channels " + c.name + " max");
      }
      s.channels.push_back(c);
    }
  }
  if (static_cast<uint64_t>(s.channels.size()) * s.window != F)
    throw UsageError(o.tok + " has " + std::to_string(F) + " features, but " +
                     std::to_string(s.channels.size()) + " channels x " + std::to_string(s.window) +
                     " timesteps make " + std::to_string(s.channels.size() * s.window));
  s.classes =
      o.classes.empty() ? read_receipt_classes(receipt_path(o.in)) : split_on(o.classes, ',');
  if (s.classes.empty())
    for (uint32_t k = 0; k < n_classes; ++k) s.classes.push_back("class" + std::to_string(k));
  if (s.classes.size() != n_classes)
    throw UsageError("the model has " + std::to_string(n_classes) + " classes, " +
                     (o.classes.empty() ? receipt_path(o.in) : std::string("--classes")) +
                     " names " + std::to_string(s.classes.size()));
  s.sample_rate_hz = parse_float(o.sample_rate, "--sample-rate");
  s.pipeline = o.pipeline;
  for (const std::string& p : o.params) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos) throw UsageError("--param: '" + p + "' is not name=value");
    s.params.push_back({p.substr(0, eq), parse_float(p.substr(eq + 1), "--param " + p)});
  }
  s.temperature = parse_float(o.temperature, "--temperature");
  const std::vector<std::string> a = split_on(o.abstain, ':');
  s.abstain_rule = parse_abstain_rule(a[0]);
  if (s.abstain_rule == ATOME_ABSTAIN_NONE ? a.size() != 1 : a.size() != 2)
    throw UsageError("--abstain: '" + o.abstain + "' is not none, max-prob:P or margin:P");
  if (a.size() == 2) s.abstain_threshold = parse_float(a[1], "--abstain threshold");
  return s;
}

// Bits per byte of a native image on a text, as `atome eval` scores it (story mode, window = the
// longest story's inputs).
double text_bpb(const std::vector<uint8_t>& image, const EvalText& text, const std::string& name) {
  const ModelFile f = model_from_image(image, name);
  const EvalTotals totals =
      evaluate_spans(f.model, spans_window(text.spans), UINT64_MAX, text.stream, text.spans, 0);
  return totals.nats / std::log(2.0) / static_cast<double>(totals.predicted);
}

void run_convert(const ConvertOptions& o) {
  const bool change_numerics = !o.numerics.empty();
  const uint32_t numerics = change_numerics ? parse_numerics(o.numerics) : 0;
  const bool compact = o.layout == "compact";
  if (!o.text.empty() && !change_numerics && !compact)
    throw UsageError("--text needs --numerics or --layout compact");
  if (compact && (o.to != "native" || !o.packing.empty() || !o.tok.empty()))
    throw UsageError(
        "--layout compact writes a native q15 file with trit3 rows: no --to atome01, "
        "--packing or --tok");
  if (change_numerics && o.to != "native")
    throw UsageError("--numerics writes a native model: legacy files are f32 only");
  const uint64_t max_bytes = parse_uint(o.max_bytes, "--max-bytes", 0, UINT32_MAX);
  if (max_bytes != 0 && o.packing != "auto") throw UsageError("--max-bytes needs --packing auto");
  if (!o.packing.empty() && o.to != "native")
    throw UsageError("--packing writes a native model: the legacy format is 2-bit packed");
  LegacyDimFlags flags;
  // 0 means "guess", so it is accepted here; the format limits are checked by the reader.
  flags.d_model = parse_u32(o.d_model, "--d", 0, format::kMaxDModel);
  flags.n_layers = parse_u32(o.n_layers, "--layers", 0, format::kMaxLayers);
  flags.d_head = parse_u32(o.d_head, "--d-head", 0, format::kMaxDModel);
  flags.conv_kernel = parse_u32(o.conv_kernel, "--kernel", 0, format::kMaxConvKernel);
  flags.top_k = parse_u32(o.top_k, "--top-k", 0, format::kMaxTopK);

  if (!o.tok.empty() && (change_numerics || o.to != "native"))
    throw UsageError("--tok writes a native f32 classifier: convert its numerics afterwards");
  const NativeImage native = read_as_native(o.in, flags);
  if (native.source == SourceFormat::kNative &&
      (flags.d_model || flags.n_layers || flags.d_head || flags.conv_kernel || flags.top_k))
    throw UsageError(o.in +
                     " is a native model: --d, --layers, --d-head, --kernel and --top-k"
                     " apply only to legacy input");
  // Validate before writing anything, whatever the direction: never emit a model the engine
  // would refuse.
  validate_image(native.bytes, o.in);

  std::vector<uint8_t> out;
  const HostModel host = read_native(native.bytes);
  if (o.to == "atome01" && host.config.numerics != ATOME_NUMERICS_F32)
    throw UsageError(o.in + " is a " + numerics_name(host.config.numerics) +
                     " model: the legacy format holds f32 models only");
  if (change_numerics) {
    out = write_native(convert_numerics(host, numerics));
    validate_image(out, o.out);
    if (!o.text.empty()) {
      const EvalText text = eval_text(load_text_corpus(o.text), 0);
      const double before = text_bpb(native.bytes, text, o.in);
      const double after = text_bpb(out, text, o.out);
      std::printf("bpb on %s: %s %.4f -> %s %.4f (%+.4f)\n", o.text.c_str(),
                  numerics_name(host.config.numerics), before, numerics_name(numerics), after,
                  after - before);
    }
  } else if (!o.tok.empty()) {
    out = write_native(with_class_spec(host, spec_from_flags(o, host.config.n_classes)));
  } else if (o.to == "atome01") {
    out = write_legacy(host);
  } else if (native.source == SourceFormat::kNative) {
    out = write_native(host);
  } else {
    out = native.bytes;
  }
  if (!o.packing.empty()) {
    out = repack_native(out, o.packing, max_bytes);
    validate_image(out, o.out);
  }
  if (compact) {
    HostModel m = read_native(out);
    if (m.config.numerics != ATOME_NUMERICS_Q15)
      throw UsageError(o.in + " is a " + numerics_name(m.config.numerics) +
                       " model: --layout compact needs q15 (add --numerics q15)");
    const CompactRounding r = round_for_compact(&m);
    const std::vector<uint8_t> before = out;
    out = write_compact(m);
    validate_image(out, o.out);
    std::printf(
        "compact: %llu of %llu vector values moved to the nearest int16 << shift (at most "
        "%lld in Q16), %llu of %llu alphas to the nearest uint16 << shift\n",
        static_cast<unsigned long long>(r.moved), static_cast<unsigned long long>(r.values),
        static_cast<long long>(r.max_change), static_cast<unsigned long long>(r.alphas_moved),
        static_cast<unsigned long long>(r.alphas));
    if (!o.text.empty()) {
      const EvalText text = eval_text(load_text_corpus(o.text), 0);
      const double a = text_bpb(before, text, o.in);
      const double b = text_bpb(out, text, o.out);
      std::printf("bpb on %s: q15 %.4f -> q15 compact %.4f (%+.4f)\n", o.text.c_str(), a, b, b - a);
    }
  }
  write_file_atomic(o.out, out);

  std::string from = source_format_name(native.source);
  if (native.source != SourceFormat::kNative)
    from += " (" + describe_dims(native.legacy_dims) + ")";
  if (native.source == SourceFormat::kNative)
    from += std::string(" ") + numerics_name(host.config.numerics);
  std::string to = o.to == "native"            ? "native"
                   : host.config.n_classes > 0 ? "legacy ATOMECL01"
                                               : "legacy ATOME01";
  if (o.to == "native") {
    to += std::string(" ") + numerics_name(change_numerics ? numerics : host.config.numerics);
    to += compact                                               ? " compact"
          : trit_dtype(read_native(out)) == format::kDtypeTrit3 ? " trit3"
                                                                : " trit2";
  }
  std::printf("%s: %s, %llu bytes -> %s: %s, %zu bytes\n", o.in.c_str(), from.c_str(),
              static_cast<unsigned long long>(native.file_bytes), o.out.c_str(), to.c_str(),
              out.size());
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand(
      "convert", "Convert a model between legacy ATOME01/ATOMECL01 and native format");
  cmd->add_option("IN", o->in, "Input model (native or legacy)")->required();
  cmd->add_option("OUT", o->out, "Output file")->required();
  cmd->add_option("--to", o->to, "Output format (atome01 = legacy; ATOMECL01 for classifiers)")
      ->check(CLI::IsMember({"native", "atome01"}))
      ->capture_default_str();
  cmd->add_option("--numerics", o->numerics,
                  "Convert a float model to f32, a8 (int8 activations) or q15 (integer only)")
      ->check(CLI::IsMember({"f32", "a8", "q15"}));
  cmd->add_option("--text", o->text,
                  "With --numerics: print the bits-per-byte cost of the conversion on this text")
      ->check(CLI::ExistingFile);
  cmd->add_option("--packing", o->packing,
                  "Trit packing of the output: trit2 (fastest), trit3 (5 trits a byte, smallest), "
                  "auto (trit2 unless only trit3 fits --max-bytes); default: the input's")
      ->check(CLI::IsMember({"trit2", "trit3", "auto"}));
  cmd->add_option("--layout", o->layout,
                  "v1, or compact: q15 only, no tensor table, vectors rounded to int16 << shift, "
                  "trit3 rows (FORMAT.md §18; the smallest file)")
      ->check(CLI::IsMember({"v1", "compact"}))
      ->capture_default_str();
  const char* cls = "Classifier input spec (FORMAT.md §17)";
  cmd->add_option("--tok", o->tok, "The original's X.tok.json: write a classifier with input spec")
      ->check(CLI::ExistingFile)
      ->group(cls);
  cmd->add_option("--tok-mode", o->tok_mode, "Quantisation mode where the json omits it")
      ->check(CLI::IsMember({"global", "banded"}))
      ->group(cls);
  cmd->add_option("--classes", o->classes, "Class names a,b,... (default: IN's .att.json receipt)")
      ->group(cls);
  cmd->add_option("--channels", o->channels, "Channels name[:unit[:min:max]],... (default: f0..)")
      ->group(cls);
  cmd->add_option("--window", o->window, "Timesteps per input")->type_name("UINT")->group(cls);
  cmd->add_option("--sample-rate", o->sample_rate, "Sample rate in Hz (0 = not defined)")
      ->group(cls);
  cmd->add_option("--pipeline", o->pipeline, "Feature pipeline name")->group(cls);
  cmd->add_option("--param", o->params, "Pipeline parameter name=value (repeatable)")->group(cls);
  cmd->add_option("--temperature", o->temperature, "Calibration temperature")->group(cls);
  cmd->add_option("--abstain", o->abstain, "none, max-prob:P or margin:P")
      ->capture_default_str()
      ->group(cls);
  cmd->add_option("--max-bytes", o->max_bytes,
                  "With --packing auto: the largest file the target's flash takes")
      ->type_name("UINT");
  const char* group = "Legacy input dimensions (default: guessed from the file size)";
  cmd->add_option("--d", o->d_model, "Residual width d_model")->type_name("UINT")->group(group);
  cmd->add_option("--layers", o->n_layers, "Number of blocks")->type_name("UINT")->group(group);
  cmd->add_option("--d-head", o->d_head, "Width of attention q and k")
      ->type_name("UINT")
      ->group(group);
  cmd->add_option("--kernel", o->conv_kernel, "Conv taps (published models: 5)")
      ->type_name("UINT")
      ->group(group);
  cmd->add_option("--top-k", o->top_k, "Attention top-k (published models: 4)")
      ->type_name("UINT")
      ->group(group);
  cmd->callback([o] { run_convert(*o); });
}

}  // namespace atome::cli
