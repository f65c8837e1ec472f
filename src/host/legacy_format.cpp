// The original Atome LM's files: ATOME01 (language model) and ATOMECL01 (classifier). No header
// beyond the magic: the dimensions come from the caller. Layout (little-endian, unaligned):
//   magic | embed | L x (gamma, beta, conv, a, b, c, Wq, Wk, Wv, router) | gamma, beta | unembed
//   [ATOMECL01: int32 n_classes after the magic, head after unembed]
// A ternary tensor is f32 alpha + ceil(n/4) bytes of trits packed contiguously over the whole
// tensor (no row padding), element i at bits 2*(i%4) of byte i/4.
#include <cstring>

#include "engine/format.h"
#include "host/byte_io.h"
#include "host/model_data.h"

namespace atome {
namespace {

constexpr char kLmMagic[] = "ATOME01";    // 7 bytes
constexpr char kClMagic[] = "ATOMECL01";  // 9 bytes

struct Reader {
  const std::vector<uint8_t>& bytes;
  size_t pos;
  const char* what = "";

  void need(size_t n) {
    if (n > bytes.size() || pos > bytes.size() - n)
      throw FormatError(std::string("legacy file truncated while reading ") + what);
  }
  float f32() {
    need(4);
    float f;
    std::memcpy(&f, bytes.data() + pos, 4);
    pos += 4;
    return f;
  }
  HostTensor trits(uint16_t kind, uint16_t layer, uint32_t rows, uint32_t cols) {
    HostTensor t;
    t.kind = kind;
    t.layer = layer;
    t.dtype = format::kDtypeTrit2;
    t.rows = rows;
    t.cols = cols;
    t.scale = f32();
    const size_t n = static_cast<size_t>(rows) * cols;
    need((n + 3) / 4);
    t.trits.resize(n);
    if (!unpack_trits(bytes.data() + pos, n, t.trits.data()))
      throw FormatError(std::string("invalid trit code 0b10 in ") + what);
    if (!(t.scale >= 0.0f && t.scale - t.scale == 0.0f))
      throw FormatError(std::string("negative or non-finite scale in ") + what);
    pos += (n + 3) / 4;
    return t;
  }
  HostTensor floats(uint16_t kind, uint16_t layer, uint32_t n) {
    HostTensor t;
    t.kind = kind;
    t.layer = layer;
    t.dtype = format::kDtypeF32;
    t.rows = 1;
    t.cols = n;
    t.values.resize(n);
    for (uint32_t i = 0; i < n; ++i) t.values[i] = f32();
    return t;
  }
};

uint64_t trit_bytes(uint64_t n) {
  return 4 + (n + 3) / 4;
}

bool starts_with(const std::vector<uint8_t>& f, const char* magic, size_t n) {
  return f.size() >= n && std::memcmp(f.data(), magic, n) == 0;
}

}  // namespace

uint64_t legacy_file_bytes(const ModelDims& dims, uint32_t n_classes) {
  const uint64_t d = dims.d_model, dh = dims.d_head;
  uint64_t bytes = n_classes > 0 ? 9 + 4 : 7;
  bytes += trit_bytes(256 * d);
  bytes += dims.n_layers * (8 * d + trit_bytes(d * dims.conv_kernel) + 12 * d +
                            2 * trit_bytes(dh * d) + trit_bytes(d * d) + trit_bytes(3 * d));
  bytes += 8 * d + trit_bytes(256 * d);
  if (n_classes > 0) bytes += trit_bytes(static_cast<uint64_t>(n_classes) * d);
  return bytes;
}

bool is_legacy_lm(const std::vector<uint8_t>& f) {
  return starts_with(f, kLmMagic, 7);
}
bool is_legacy_classifier(const std::vector<uint8_t>& f) {
  return starts_with(f, kClMagic, 9);
}

bool guess_legacy_dims(const std::vector<uint8_t>& file, ModelDims* dims) {
  uint32_t n_classes = 0;
  if (is_legacy_classifier(file)) {
    if (file.size() < 13) return false;
    int32_t n;
    std::memcpy(&n, file.data() + 9, 4);
    if (n < 1 || n > 16) return false;
    n_classes = static_cast<uint32_t>(n);
  } else if (!is_legacy_lm(file)) {
    return false;
  }
  for (const Preset& p : atome_presets()) {
    if (legacy_file_bytes(p.dims, n_classes) == file.size()) {
      *dims = p.dims;
      return true;
    }
  }
  return false;
}

HostModel read_legacy(const std::vector<uint8_t>& file, const ModelDims& dims) {
  using namespace format;
  uint32_t n_classes = 0;
  size_t pos;
  if (is_legacy_classifier(file)) {
    if (file.size() < 13) throw FormatError("legacy classifier truncated in its header");
    int32_t n;
    std::memcpy(&n, file.data() + 9, 4);
    if (n < 1 || n > 16) throw FormatError("legacy classifier n_classes out of range 1..16");
    n_classes = static_cast<uint32_t>(n);
    pos = 13;
  } else if (is_legacy_lm(file)) {
    pos = 7;
  } else {
    throw FormatError("not a legacy Atome file (magic is neither ATOME01 nor ATOMECL01)");
  }
  HostModel m;
  m.config = make_config(dims, ATOME_PATH_ALL, n_classes);
  if (validate_config(m.config) != ATOME_OK) throw FormatError("invalid legacy dimensions");
  const uint64_t expect = legacy_file_bytes(dims, n_classes);
  if (file.size() != expect) {
    throw FormatError("legacy file is " + std::to_string(file.size()) + " bytes; dimensions d=" +
                      std::to_string(dims.d_model) + " layers=" + std::to_string(dims.n_layers) +
                      " d_head=" + std::to_string(dims.d_head) + " need " + std::to_string(expect));
  }
  const uint32_t d = dims.d_model, dh = dims.d_head;
  Reader r{file, pos};
  r.what = "embed";
  m.tensors.push_back(r.trits(kEmbed, kGlobalLayer, 256, d));
  for (uint32_t l = 0; l < dims.n_layers; ++l) {
    const uint16_t L = static_cast<uint16_t>(l);
    r.what = "block norm";
    m.tensors.push_back(r.floats(kNormGamma, L, d));
    m.tensors.push_back(r.floats(kNormBeta, L, d));
    r.what = "conv";
    m.tensors.push_back(r.trits(kConv, L, d, dims.conv_kernel));
    r.what = "ssm";
    m.tensors.push_back(r.floats(kSsmA, L, d));
    m.tensors.push_back(r.floats(kSsmB, L, d));
    m.tensors.push_back(r.floats(kSsmC, L, d));
    r.what = "attention";
    m.tensors.push_back(r.trits(kWq, L, dh, d));
    m.tensors.push_back(r.trits(kWk, L, dh, d));
    m.tensors.push_back(r.trits(kWv, L, d, d));
    r.what = "router";
    m.tensors.push_back(r.trits(kRouter, L, 3, d));
  }
  r.what = "final norm";
  m.tensors.push_back(r.floats(kFinalGamma, kGlobalLayer, d));
  m.tensors.push_back(r.floats(kFinalBeta, kGlobalLayer, d));
  r.what = "unembed";
  m.tensors.push_back(r.trits(kUnembed, kGlobalLayer, 256, d));
  if (n_classes > 0) {
    r.what = "classifier head";
    m.tensors.push_back(r.trits(kHead, kGlobalLayer, n_classes, d));
  }
  return m;
}

std::vector<uint8_t> write_legacy(const HostModel& m) {
  const atome_config& c = m.config;
  if (c.pathways != ATOME_PATH_ALL)
    throw FormatError("legacy ATOME01 cannot hold an ablated model (all three pathways needed)");
  if (c.vocab_size != 256) throw FormatError("legacy ATOME01 needs a 256-byte vocabulary");
  if (c.n_classes > 16) throw FormatError("legacy ATOMECL01 holds at most 16 classes");
  // The original engine compiles these in; a file with other values would run differently there.
  if (c.conv_kernel != 5 || c.top_k != 4 || c.norm_eps != 1e-5f)
    throw FormatError("legacy ATOME01 needs conv kernel 5, top-k 4 and LayerNorm eps 1e-5");
  std::vector<uint8_t> out;
  auto put = [&](const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  if (c.n_classes > 0) {
    put(kClMagic, 9);
    const int32_t n = static_cast<int32_t>(c.n_classes);
    put(&n, 4);
  } else {
    put(kLmMagic, 7);
  }
  for (const HostTensor& t : m.tensors) {
    if (t.kind == format::kHead && c.no_unembed) {
      // ATOMECL01 always holds an unembedding, which a classifier never uses: a zero one (alpha
      // 0, all trits 0) stands in for the one a 1.3 classifier file does not carry.
      const float zero = 0.0f;
      put(&zero, 4);
      out.resize(out.size() + (static_cast<size_t>(c.vocab_size) * c.d_model + 3) / 4, 0);
    }
    if (t.dtype == format::kDtypeF32) {
      put(t.values.data(), t.values.size() * 4);
      continue;
    }
    put(&t.scale, 4);
    std::vector<uint8_t> packed((t.trits.size() + 3) / 4, 0);
    pack_trits(t.trits.data(), t.trits.size(), packed.data());
    put(packed.data(), packed.size());
  }
  return out;
}

}  // namespace atome
