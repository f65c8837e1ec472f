// atome export --model F [--c-header OUT.h [--symbol NAME]] [--native OUT]
//              [--packing trit2|trit3|auto [--max-bytes N]]
//
// Writes the model's native image — the file itself, or the conversion of a legacy file — as a
// C header for firmware (a 16-byte-aligned `static const uint8_t NAME[]` plus NAME_len, via
// atome::to_c_header) and/or as a native model file. At least one output is required. The image
// is validated with atome_model_load first, so an export never embeds a model the engine would
// refuse at boot. Outputs are written atomically. --packing re-packs the trits first (as `atome
// convert --packing`: auto keeps trit2, the fastest, unless only trit3 fits in --max-bytes, the
// target's flash budget for the model).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/validate.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/model_file.h"

namespace atome::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string c_header;
  std::string native;
  std::string symbol = "atome_model_image";
  std::string packing;  // empty: keep the model's
  std::string max_bytes = "0";
};

bool is_c_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

void run_export(const ExportOptions& o) {
  if (o.c_header.empty() && o.native.empty())
    throw UsageError("nothing to export: give --c-header OUT.h and/or --native OUT");
  if (!is_c_identifier(o.symbol))
    throw UsageError("--symbol must be a C identifier (got '" + o.symbol + "')");

  const uint64_t max_bytes = parse_uint(o.max_bytes, "--max-bytes", 0, UINT32_MAX);
  if (max_bytes != 0 && o.packing != "auto") throw UsageError("--max-bytes needs --packing auto");
  NativeImage native = read_as_native(o.model);
  validate_image(native.bytes, o.model);
  if (!o.packing.empty()) {
    native.bytes = repack_native(native.bytes, o.packing, max_bytes);
    validate_image(native.bytes, o.model);
  }

  if (!o.c_header.empty()) {
    const std::string text = to_c_header(native.bytes, o.symbol);
    write_file_atomic(o.c_header, std::vector<uint8_t>(text.begin(), text.end()));
    std::printf("%s: C header, symbol %s, %zu image bytes\n", o.c_header.c_str(), o.symbol.c_str(),
                native.bytes.size());
  }
  if (!o.native.empty()) {
    write_file_atomic(o.native, native.bytes);
    std::printf("%s: native model, %zu bytes\n", o.native.c_str(), native.bytes.size());
  }
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Export a model as a C header and/or native file");
  cmd->add_option("--model", o->model, "Model file (native or legacy)")->required();
  cmd->add_option("--c-header", o->c_header, "Write the native image as a C array header here");
  cmd->add_option("--symbol", o->symbol, "Array name in the C header")->capture_default_str();
  cmd->add_option("--native", o->native, "Write the native model file here");
  cmd->add_option("--packing", o->packing,
                  "Trit packing: trit2 (fastest), trit3 (5 trits a byte, smallest), auto (trit2 "
                  "unless only trit3 fits --max-bytes); default: the model's")
      ->check(CLI::IsMember({"trit2", "trit3", "auto"}));
  cmd->add_option("--max-bytes", o->max_bytes,
                  "With --packing auto: the largest image the target's flash takes")
      ->type_name("UINT");
  cmd->callback([o] { run_export(*o); });
}

}  // namespace atome::cli
