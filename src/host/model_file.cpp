// See model_file.h.
#include "host/model_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ios>

#include "engine/bytes.h"
#include "engine/format.h"
#include "host/errors.h"
#include "host/file_io.h"
#include "host/text_format.h"

namespace atome {
namespace {

bool is_native(const std::vector<uint8_t>& f) {
  return f.size() >= sizeof format::kMagic &&
         std::memcmp(f.data(), format::kMagic, sizeof format::kMagic) == 0;
}

// The CRC the header claims and the one the bytes have, to make a checksum error actionable.
std::string crc_detail(const uint8_t* image, size_t bytes) {
  if (bytes < format::kHeaderBytes) return "";
  const uint32_t covered = read_u32(image + format::kOffFileBytes);
  if (covered > bytes || covered < format::kOffCrc + 4) return "";
  const uint32_t stored = read_u32(image + format::kOffCrc);
  return " (stored " + hex32(stored) + ", computed " + hex32(format::image_crc32(image, covered)) +
         ")";
}

// atome::read_file, with messages that name the file and the reason: its own say only "cannot
// open PATH", and reading a directory escapes as a bare std::ios_base::failure.
std::vector<uint8_t> read_model_bytes(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw Error(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, not a model file");
  try {
    return read_file(path);
  } catch (const FormatError&) {
    throw Error(path + ": cannot read (" + std::strerror(errno) + ")");
  } catch (const std::ios_base::failure& e) {
    throw Error(path + ": cannot read (" + e.what() + ")");
  }
}

}  // namespace

const char* source_format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kNative:
      return "native";
    case SourceFormat::kLegacyLm:
      return "legacy ATOME01";
    case SourceFormat::kLegacyClassifier:
      return "legacy ATOMECL01";
  }
  return "?";
}

SourceFormat detect_format(const std::vector<uint8_t>& file, const std::string& path) {
  if (is_native(file)) return SourceFormat::kNative;
  // ATOMECL01 first: "ATOME01" is not a prefix of it, but be explicit about precedence anyway.
  if (is_legacy_classifier(file)) return SourceFormat::kLegacyClassifier;
  if (is_legacy_lm(file)) return SourceFormat::kLegacyLm;
  if (file.empty()) throw Error(path + ": file is empty");
  throw Error(path + ": not an Atome model (magic is none of ATOMENAT, ATOME01, ATOMECL01)");
}

std::string describe_dims(const ModelDims& d) {
  return "d=" + std::to_string(d.d_model) + " layers=" + std::to_string(d.n_layers) +
         " d_head=" + std::to_string(d.d_head) + " kernel=" + std::to_string(d.conv_kernel) +
         " top_k=" + std::to_string(d.top_k);
}

ModelDims resolve_legacy_dims(const std::vector<uint8_t>& file, const std::string& path,
                              const LegacyDimFlags& flags) {
  ModelDims dims;  // kernel 5, top_k 4: the only values the published models use
  const bool guessed = guess_legacy_dims(file, &dims);
  if (!guessed) dims.d_model = dims.n_layers = dims.d_head = 0;
  if (flags.d_model) dims.d_model = flags.d_model;
  if (flags.n_layers) dims.n_layers = flags.n_layers;
  if (flags.d_head) dims.d_head = flags.d_head;
  if (flags.conv_kernel) dims.conv_kernel = flags.conv_kernel;
  if (flags.top_k) dims.top_k = flags.top_k;
  std::string missing;
  if (!dims.d_model) missing += " --d";
  if (!dims.n_layers) missing += " --layers";
  if (!dims.d_head) missing += " --d-head";
  if (!missing.empty())
    throw UsageError(path + ": legacy file of " + std::to_string(file.size()) +
                     " bytes matches no published configuration; give its dimensions with"
                     " `atome convert` flags" +
                     missing + " (and --kernel/--top-k if not 5/4)");
  return dims;
}

NativeImage read_as_native(const std::string& path, const LegacyDimFlags& flags) {
  NativeImage out;
  std::vector<uint8_t> file = read_model_bytes(path);
  out.file_bytes = file.size();
  out.source = detect_format(file, path);
  if (out.source == SourceFormat::kNative) {
    out.bytes = std::move(file);
    return out;
  }
  out.legacy_dims = resolve_legacy_dims(file, path, flags);
  try {
    out.bytes = write_native(read_legacy(file, out.legacy_dims));
  } catch (const FormatError& e) {
    throw Error(path + ": " + e.what());  // the reader's message does not name the file
  }
  return out;
}

void load_or_throw(atome_model* model, const uint8_t* image, size_t bytes,
                   const std::string& path) {
  const atome_status st = atome_model_load(model, image, bytes);
  if (st == ATOME_OK) return;
  std::string msg = path + ": " + atome_status_str(st);
  if (st == ATOME_ERR_CHECKSUM) msg += crc_detail(image, bytes);
  throw Error(msg);
}

void validate_image(const std::vector<uint8_t>& image, const std::string& path) {
  (void)model_from_image(image, path);
}

ModelFile model_from_image(const std::vector<uint8_t>& image, const std::string& name) {
  ModelFile m;
  m.path = name;
  m.file_bytes = image.size();
  m.image.assign(image);
  load_or_throw(&m.model, m.image.data(), m.image.size(), name);
  return m;
}

ModelFile load_model_file(const std::string& path) {
  NativeImage native = read_as_native(path);
  ModelFile m;
  m.path = path;
  m.source = native.source;
  m.file_bytes = native.file_bytes;
  m.legacy_dims = native.legacy_dims;
  m.image.assign(native.bytes);
  load_or_throw(&m.model, m.image.data(), m.image.size(), path);
  return m;
}

}  // namespace atome
