// atome convert IN OUT [--to native|atome01] [--d N --layers N --d-head N --kernel K --top-k K]
//
// Legacy (ATOME01 / ATOMECL01) -> native is the default direction. `--to atome01` goes back to
// the legacy layout (ATOMECL01 when the model has a classifier head) so files can still be fed
// to the original engine. A native input with `--to native` is re-written canonically (any
// signature block is dropped). The output is written atomically: a crash or a bad model never
// leaves a half-written file at OUT.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/validate.h"
#include "engine/format.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"

namespace atome::cli {
namespace {

struct ConvertOptions {
  std::string in;
  std::string out;
  std::string to = "native";
  // Numbers as text (validate.h parses them); "0" = not given.
  std::string d_model = "0", n_layers = "0", d_head = "0", conv_kernel = "0", top_k = "0";
};

void run_convert(const ConvertOptions& o) {
  LegacyDimFlags flags;
  // 0 means "guess", so it is accepted here; the format limits are checked by the reader.
  flags.d_model = parse_u32(o.d_model, "--d", 0, format::kMaxDModel);
  flags.n_layers = parse_u32(o.n_layers, "--layers", 0, format::kMaxLayers);
  flags.d_head = parse_u32(o.d_head, "--d-head", 0, format::kMaxDModel);
  flags.conv_kernel = parse_u32(o.conv_kernel, "--kernel", 0, format::kMaxConvKernel);
  flags.top_k = parse_u32(o.top_k, "--top-k", 0, format::kMaxTopK);

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
  if (o.to == "atome01") {
    out = write_legacy(host);
  } else if (native.source == SourceFormat::kNative) {
    out = write_native(host);
  } else {
    out = native.bytes;
  }
  write_file_atomic(o.out, out);

  std::string from = source_format_name(native.source);
  if (native.source != SourceFormat::kNative)
    from += " (" + describe_dims(native.legacy_dims) + ")";
  const char* to = o.to == "native"            ? "native"
                   : host.config.n_classes > 0 ? "legacy ATOMECL01"
                                               : "legacy ATOME01";
  std::printf("%s: %s, %llu bytes -> %s: %s, %zu bytes\n", o.in.c_str(), from.c_str(),
              static_cast<unsigned long long>(native.file_bytes), o.out.c_str(), to, out.size());
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
