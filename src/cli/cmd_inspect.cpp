// atome inspect FILE [--json]
//
// Everything a native image says about itself: format version, architecture config, pathways,
// parameter count, sizes, CRC-32, signature block, the tensor table, and the session memory for a
// few windows. A legacy file is converted in memory first and the report describes that native
// image (it says so, with the dimensions used); its CRC is then the image's, not the file's.
// Only valid models are inspected: atome_model_load must accept the image, so a damaged file is
// reported as an error (for a CRC mismatch, with the stored and computed values).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/json_f32.h"
#include "engine/bytes.h"
#include "engine/format.h"
#include "host/class_spec.h"
#include "host/model_config.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "host/text_format.h"

namespace atome::cli {
namespace {

using namespace format;

constexpr uint32_t kReportWindows[] = {64, 256, 1024};

struct InspectOptions {
  std::string path;
  bool json = false;
};

// One tensor table entry, decoded (the engine exposes only the raw table).
struct TensorRow {
  uint32_t index;
  uint16_t kind;
  uint16_t layer;
  uint8_t dtype;
  uint32_t rows, cols;
  float scale;        // f32 / a8 trits: alpha
  int32_t scale_q24;  // q15 trits: alpha in Q24
  uint32_t offset, bytes;
  uint32_t shift;  // a compact file's vector: value = int16 << shift
};

// A compact file's vectors are int16 << shift; no dtype code says so (it has no table).
constexpr uint8_t kShownI16 = 0xF0;

bool is_compact(const atome_model& m) {
  return m.format_major == kVersionMajorCompact;
}

// A compact file (FORMAT.md §18) has no table: the row from the config, as the loader places it.
TensorRow compact_row(const atome_model& m, uint32_t i) {
  const TensorSpec s = canonical_tensor(m.config, i, kDtypeTrit3);
  const CompactPlace at = compact_place(m.config, i);
  const bool trit = is_trit_dtype(s.dtype);
  const uint64_t bytes =
      trit ? tensor_bytes(kDtypeTrit3, s.rows, s.cols) : static_cast<uint64_t>(s.rows) * s.cols * 2;
  const uint32_t shift = m.image[at.shift];
  const uint32_t q24 = trit ? static_cast<uint32_t>(read_u16(m.image + at.alpha)) << shift : 0u;
  float scale;  // the Q24 bits read as binary32, as a v1 q15 file's scale field
  __builtin_memcpy(&scale, &q24, 4);
  return TensorRow{i,
                   s.kind,
                   s.layer,
                   trit ? static_cast<uint8_t>(kDtypeTrit3) : kShownI16,
                   s.rows,
                   s.cols,
                   scale,
                   static_cast<int32_t>(q24),
                   static_cast<uint32_t>(at.offset),
                   static_cast<uint32_t>(bytes),
                   shift};
}

TensorRow tensor_row(const atome_model& m, uint32_t i) {
  if (is_compact(m)) return compact_row(m, i);
  const uint8_t* e = m.tensor_table + static_cast<size_t>(i) * kTensorEntryBytes;
  return TensorRow{i,
                   read_u16(e + kTeKind),
                   read_u16(e + kTeLayer),
                   e[kTeDtype],
                   read_u32(e + kTeRows),
                   read_u32(e + kTeCols),
                   read_f32(e + kTeScale),
                   static_cast<int32_t>(read_u32(e + kTeScale)),
                   read_u32(e + kTeOffset),
                   read_u32(e + kTeBytes),
                   0};
}

const char* dtype_name(uint8_t dtype) {
  return dtype == kDtypeF32     ? "f32"
         : dtype == kDtypeTrit2 ? "trit2"
         : dtype == kDtypeTrit3 ? "trit3"
         : dtype == kDtypeI32   ? "i32"
         : dtype == kShownI16   ? "i16"
                                : "?";
}

// The file's trit packing: "trit2" (2 bits a trit) or "trit3" (5 trits a byte).
const char* packing_name(const atome_model& m) {
  return m.embed.packing == ATOME_PACKING_TRIT3 ? "trit3" : "trit2";
}

const char* arch_name(uint32_t arch) {
  return arch == ATOME_ARCH_LM ? "lm" : arch == ATOME_ARCH_CLASSIFIER ? "classifier" : "?";
}

// "conv+ssm+attn", or "none".
std::string joined_pathways(uint32_t mask) {
  std::string s;
  for (const std::string& name : pathway_names(mask)) s += (s.empty() ? "" : "+") + name;
  return s.empty() ? "none" : s;
}

std::string version_string(const atome_model& m) {
  return std::to_string(read_u16(m.image + kOffVersionMajor)) + "." +
         std::to_string(m.format_minor);
}

// The signature block's key id and version (the engine checks the block's shape, not the
// signature: verifying needs a key the user trusts — `atome verify --pubkey-file`). The signature
// bytes are never printed.
atome_signature_info signature_fields(const atome_model& m) {
  atome_signature_info info;
  if (atome_signature_read(m.image, m.image_bytes, &info) != ATOME_OK) info = {};
  return info;
}

JsonF32 config_json(const atome_config& c) {
  return JsonF32{
      {"arch", c.arch},           {"vocab_size", c.vocab_size}, {"d_model", c.d_model},
      {"n_layers", c.n_layers},   {"d_head", c.d_head},         {"conv_kernel", c.conv_kernel},
      {"top_k", c.top_k},         {"pathways", c.pathways},     {"n_paths", c.n_paths},
      {"n_classes", c.n_classes}, {"act_bits", c.act_bits},     {"context_len", c.context_len},
      {"norm_eps", c.norm_eps},   {"numerics", c.numerics},     {"norm_eps_q24", c.norm_eps_q24}};
}

// A trit tensor's alpha as a number: the float (f32, a8) or the Q24 integer / 2^24 (q15).
double alpha(const atome_model& m, const TensorRow& t) {
  return m.config.numerics == ATOME_NUMERICS_Q15 ? t.scale_q24 / 16777216.0 : t.scale;
}

// The classifier metadata section (FORMAT.md §17), when the file has one.
JsonF32 class_meta_json(const atome_model& m) {
  const ClassSpec s = class_spec_of(m);
  JsonF32 channels = JsonF32::array();
  for (const ChannelSpec& c : s.channels)
    channels.push_back(
        {{"name", c.name}, {"unit", c.unit}, {"phys_min", c.phys_min}, {"phys_max", c.phys_max}});
  JsonF32 params = JsonF32::object();
  for (const PipelineParam& p : s.params) params[p.name] = p.value;
  JsonF32 j = {{"classes", s.classes},
               {"channels", channels},
               {"window", s.window},
               {"n_features", s.n_features()},
               {"sample_rate_hz", s.sample_rate_hz},
               {"pipeline", s.pipeline},
               {"params", params},
               {"quant_mode", quant_mode_name(s.quant_mode)},
               {"temperature", s.temperature},
               {"abstain_rule", abstain_rule_name(s.abstain_rule)},
               {"abstain_threshold", s.abstain_threshold},
               {"section_bytes", m.class_meta_bytes}};
  return j;
}

void print_class_meta(const atome_model& m) {
  const ClassSpec s = class_spec_of(m);
  std::printf("\nclassifier metadata (%u bytes):\n", m.class_meta_bytes);
  std::printf("  classes:       ");
  for (size_t i = 0; i < s.classes.size(); ++i)
    std::printf("%s%zu=%s", i ? ", " : "", i, s.classes[i].c_str());
  std::printf("\n  input:         %zu channels x %u timesteps = %u features (time-major), ",
              s.channels.size(), s.window, s.n_features());
  if (s.sample_rate_hz > 0.0f)
    std::printf("%g Hz\n", s.sample_rate_hz);
  else
    std::printf("no sample rate\n");
  for (const ChannelSpec& c : s.channels) {
    std::printf("    %-16s unit %-8s", c.name.c_str(), c.unit.empty() ? "-" : c.unit.c_str());
    if (c.phys_min == 0.0f && c.phys_max == 0.0f)
      std::printf(" physical range not recorded\n");
    else
      std::printf(" physical range [%g, %g]\n", c.phys_min, c.phys_max);
  }
  std::printf("  pipeline:      %s", s.pipeline.c_str());
  for (const PipelineParam& p : s.params) std::printf(" %s=%g", p.name.c_str(), p.value);
  std::printf("\n  quantisation:  %s, per-feature ranges (feature 0: [%.17g, %.17g])\n",
              quant_mode_name(s.quant_mode), s.vmin[0], s.vmax[0]);
  std::printf("  temperature:   %g\n", s.temperature);
  std::printf("  abstain:       %s", abstain_rule_name(s.abstain_rule));
  if (s.abstain_rule != ATOME_ABSTAIN_NONE) std::printf(" < %g", s.abstain_threshold);
  std::printf("\n");
}

void print_json(const ModelFile& f) {
  const atome_model& m = f.model;
  JsonF32 j;
  j["path"] = f.path;
  j["source_format"] = source_format_name(f.source);
  j["converted_in_memory"] = f.source != SourceFormat::kNative;
  if (f.source != SourceFormat::kNative) {
    const ModelDims& d = f.legacy_dims;
    j["legacy_dims"] = {{"d_model", d.d_model},
                        {"n_layers", d.n_layers},
                        {"d_head", d.d_head},
                        {"conv_kernel", d.conv_kernel},
                        {"top_k", d.top_k}};
  }
  j["format_version"] = version_string(m);
  j["file_bytes"] = f.file_bytes;
  j["image_bytes"] = m.image_bytes;
  j["arch"] = arch_name(m.config.arch);
  j["config"] = config_json(m.config);
  j["numerics"] = numerics_name(m.config.numerics);
  j["pathways"] = joined_pathways(m.config.pathways);
  j["layout"] = is_compact(m) ? "compact" : "v1";
  j["packing"] = packing_name(m);
  j["param_count"] = atome_model_param_count(&m);
  j["crc32"] = {{"stored", hex32(read_u32(m.image + kOffCrc))}, {"ok", true}};
  j["signature"] = {{"present", m.has_signature != 0}, {"signed_bytes", m.signed_bytes}};
  if (m.has_signature) {
    const atome_signature_info sig = signature_fields(m);
    j["signature"]["key_id"] = hex_bytes(sig.key_id, sizeof sig.key_id);
    j["signature"]["model_version"] = sig.model_version;
  }
  JsonF32 state = JsonF32::object();
  for (uint32_t w : kReportWindows) state[std::to_string(w)] = atome_state_bytes(&m, w);
  j["state_bytes"] = state;
  JsonF32 tensors = JsonF32::array();
  for (uint32_t i = 0; i < m.tensor_count; ++i) {
    const TensorRow t = tensor_row(m, i);
    // "scale": the entry's field read as binary32, as stored; a q15 file keeps alpha there in
    // Q24 (FORMAT.md §16.2), so its trit tensors also get scale_q24 and alpha = scale_q24 / 2^24.
    JsonF32 row = {{"index", t.index},
                   {"kind", tensor_kind_name(t.kind)},
                   {"layer", t.layer == kGlobalLayer ? JsonF32(nullptr) : JsonF32(t.layer)},
                   {"dtype", dtype_name(t.dtype)},
                   {"rows", t.rows},
                   {"cols", t.cols},
                   {"scale", t.scale},
                   {"offset", t.offset},
                   {"bytes", t.bytes}};
    if (is_compact(m)) row["shift"] = t.shift;
    if (m.config.numerics == ATOME_NUMERICS_Q15 && is_trit_dtype(t.dtype)) {
      row["scale_q24"] = t.scale_q24;
      row["alpha"] = alpha(m, t);
    }
    tensors.push_back(row);
  }
  j["tensors"] = tensors;
  if (m.class_meta == nullptr) {
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  j["classifier"] = class_meta_json(m);
  // The quantisation ranges are binary64 in the file: added through a double-valued document
  // (the f32 serializer would round them). Re-reading the f32 text as doubles prints the same
  // shortest decimals for every other number.
  nlohmann::ordered_json out = nlohmann::ordered_json::parse(j.dump());
  const ClassSpec spec = class_spec_of(m);
  out["classifier"]["ranges"] = {{"vmin", spec.vmin}, {"vmax", spec.vmax}};
  std::printf("%s\n", out.dump(2).c_str());
}

void print_text(const ModelFile& f) {
  const atome_model& m = f.model;
  const atome_config& c = m.config;
  std::printf("file:            %s\n", f.path.c_str());
  if (f.source == SourceFormat::kNative) {
    std::printf("format:          native %s\n", version_string(m).c_str());
  } else {
    std::printf(
        "format:          %s, converted in memory to native %s (%s);\n"
        "                 everything below describes the converted image\n",
        source_format_name(f.source), version_string(m).c_str(),
        describe_dims(f.legacy_dims).c_str());
  }
  std::printf("file bytes:      %llu\n", static_cast<unsigned long long>(f.file_bytes));
  if (f.source != SourceFormat::kNative) std::printf("image bytes:     %zu\n", m.image_bytes);
  std::printf("arch:            %s (%u)\n", arch_name(c.arch), c.arch);
  std::printf("layout:          %s\n",
              is_compact(m) ? "compact (no tensor table; vectors int16 << shift, FORMAT.md §18)"
                            : "v1 (tensor table)");
  std::printf("packing:         %s\n", packing_name(m));
  std::printf("vocab_size:      %u\n", c.vocab_size);
  std::printf("d_model:         %u\n", c.d_model);
  std::printf("n_layers:        %u\n", c.n_layers);
  std::printf("d_head:          %u\n", c.d_head);
  std::printf("conv_kernel:     %u\n", c.conv_kernel);
  std::printf("top_k:           %u\n", c.top_k);
  std::printf("pathways:        %s (mask %u, n_paths %u)\n", joined_pathways(c.pathways).c_str(),
              c.pathways, c.n_paths);
  std::printf("n_classes:       %u\n", c.n_classes);
  std::printf("act_bits:        %u\n", c.act_bits);
  std::printf("numerics:        %s", numerics_name(c.numerics));
  if (c.numerics == ATOME_NUMERICS_Q15) std::printf(" (norm_eps_q24 %u)", c.norm_eps_q24);
  std::printf("\n");
  std::printf("context_len:     %u%s\n", c.context_len, c.context_len ? "" : " (unknown)");
  std::printf("norm_eps:        %s\n", short_float(c.norm_eps).c_str());
  std::printf("parameters:      %llu\n",
              static_cast<unsigned long long>(atome_model_param_count(&m)));
  std::printf("crc32:           %s (ok)\n", hex32(read_u32(m.image + kOffCrc)).c_str());
  if (m.has_signature) {
    const atome_signature_info sig = signature_fields(m);
    std::printf(
        "signature:       present (not verified: atome verify), key id %s, model version %u\n",
        hex_bytes(sig.key_id, sizeof sig.key_id).c_str(), sig.model_version);
  } else {
    std::printf("signature:       none\n");
  }
  std::printf("state bytes:    ");
  for (uint32_t w : kReportWindows) std::printf(" window %u: %zu;", w, atome_state_bytes(&m, w));
  std::printf("\n");
  if (m.class_meta != nullptr) print_class_meta(m);
  std::printf("\ntensors (%u):\n", m.tensor_count);
  std::printf("  %5s  %-11s  %5s  %-5s  %11s  %13s  %8s  %8s\n", "index", "kind", "layer", "dtype",
              "shape", "scale", "offset", "bytes");
  for (uint32_t i = 0; i < m.tensor_count; ++i) {
    const TensorRow t = tensor_row(m, i);
    const std::string layer = t.layer == kGlobalLayer ? "-" : std::to_string(t.layer);
    const std::string shape = std::to_string(t.rows) + "x" + std::to_string(t.cols);
    // f32 tensors have no scale (the file stores 1.0).
    const std::string scale =
        is_trit_dtype(t.dtype) ? short_float(static_cast<float>(alpha(m, t))) : "-";
    const std::string dtype =
        t.dtype == kShownI16 ? "i16<<" + std::to_string(t.shift) : std::string(dtype_name(t.dtype));
    std::printf("  %5u  %-11s  %5s  %-5s  %11s  %13s  %8u  %8u\n", t.index,
                tensor_kind_name(t.kind), layer.c_str(), dtype.c_str(), shape.c_str(),
                scale.c_str(), t.offset, t.bytes);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Describe a model file (native or legacy)");
  cmd->add_option("FILE", o->path, "Model file")->required();
  cmd->add_flag("--json", o->json, "Print one JSON object instead of text");
  cmd->callback([o] {
    const ModelFile f = load_model_file(o->path);
    if (o->json) {
      print_json(f);
    } else {
      print_text(f);
    }
  });
}

}  // namespace atome::cli
