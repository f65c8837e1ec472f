// Native format writer and host-side reader (docs/FORMAT.md). The engine's own loader
// (src/engine/model_load.cpp) is the validating reader used everywhere; read_native() runs it
// first and then unpacks the tensors for host tools.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "engine/format.h"
#include "host/byte_io.h"
#include "host/compact_format.h"
#include "host/model_data.h"

namespace atome {
namespace {

using namespace format;

size_t align_up(size_t v) {
  return (v + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

void put_config_block(std::vector<uint8_t>& b, const atome_config& c) {
  put_u32(b, kOffArch, c.arch);
  put_u32(b, kOffVocab, c.vocab_size);
  put_u32(b, kOffDModel, c.d_model);
  put_u32(b, kOffLayers, c.n_layers);
  put_u32(b, kOffDHead, c.d_head);
  put_u32(b, kOffConvKernel, c.conv_kernel);
  put_u32(b, kOffTopK, c.top_k);
  put_u32(b, kOffPathways, c.pathways);
  put_u32(b, kOffClasses, c.n_classes);
  put_u32(b, kOffActBits, c.act_bits);
  put_f32(b, kOffNormEps, c.norm_eps);
  put_u32(b, kOffContextLen, c.context_len);
}

std::vector<uint8_t> write_native(const HostModel& m, bool check_config) {
  const atome_config& c = m.config;
  if (check_config && validate_config(c) != ATOME_OK)
    throw FormatError("cannot write: invalid model config");
  const uint32_t count = tensor_count(c);
  if (m.tensors.size() != count)
    throw FormatError("cannot write: expected " + std::to_string(count) + " tensors, have " +
                      std::to_string(m.tensors.size()));
  // One trit packing for the whole file: the embedding's.
  const uint8_t packing = trit_dtype(m);
  // A classifier metadata section goes with a file without unembedding, and only there.
  const bool has_meta = !m.class_meta.empty();
  if (has_meta != (c.no_unembed == 1))
    throw FormatError(
        "cannot write: a classifier metadata section needs no_unembed and vice versa");
  if (has_meta && m.class_meta.size() % kAlign != 0)
    throw FormatError("cannot write: metadata section length is not a multiple of 16");
  // Layout: header, table, [metadata section], then each tensor at the next 16-byte boundary.
  const size_t table = kHeaderBytes;
  const size_t meta = align_up(table + static_cast<size_t>(count) * kTensorEntryBytes);
  const size_t payload = meta + m.class_meta.size();
  std::vector<size_t> offsets(count);
  size_t end = payload;
  for (uint32_t t = 0; t < count; ++t) {
    const TensorSpec spec = canonical_tensor(c, t, packing);
    const HostTensor& h = m.tensors[t];
    if (h.kind != spec.kind || h.layer != spec.layer || h.dtype != spec.dtype ||
        h.rows != spec.rows || h.cols != spec.cols)
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " does not match the canonical order for this config");
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    const size_t have = h.dtype == kDtypeF32   ? h.values.size()
                        : h.dtype == kDtypeI32 ? h.ints.size()
                                               : h.trits.size();
    if (have != n)
      throw FormatError("cannot write: tensor " + std::to_string(t) + " has the wrong length");
    offsets[t] = align_up(end);
    end = offsets[t] + tensor_bytes(spec.dtype, spec.rows, spec.cols);
  }
  const size_t file_bytes = align_up(end);
  if (file_bytes > 0xFFFFFFFFu) throw FormatError("cannot write: model larger than 4 GiB");
  std::vector<uint8_t> b(file_bytes, 0);
  std::memcpy(b.data() + kOffMagic, kMagic, 8);
  put_u16(b, kOffVersionMajor, kVersionMajor);
  // f32 files stay version 1.0, byte for byte as before; a8 / q15 need the 1.1 fields; trit3
  // files say 1.2 (with the 1.1 fields).
  const bool trit3 = packing == kDtypeTrit3;
  const bool numerics_fields = c.numerics != ATOME_NUMERICS_F32 || trit3;
  put_u16(b, kOffVersionMinor,
          has_meta          ? kVersionMinorClassMeta
          : trit3           ? kVersionMinorTrit3
          : numerics_fields ? kVersionMinorNumerics
                            : kVersionMinor);
  put_u32(b, kOffHeaderBytes, kHeaderBytes);
  put_u32(b, kOffFileBytes, static_cast<uint32_t>(file_bytes));
  put_u32(b, kOffFlags, 0);
  put_u32(b, kOffTensorCount, count);
  put_u32(b, kOffTableOffset, static_cast<uint32_t>(table));
  put_u32(b, kOffPayloadOffset, static_cast<uint32_t>(payload));
  put_config_block(b, c);
  if (numerics_fields || has_meta) {
    put_u32(b, kOffNumerics, c.numerics);
    put_u32(b, kOffNormEpsQ24, c.norm_eps_q24);
  }
  if (has_meta) {
    put_u32(b, kOffMetaOffset, static_cast<uint32_t>(meta));
    put_u32(b, kOffMetaBytes, static_cast<uint32_t>(m.class_meta.size()));
    std::memcpy(b.data() + meta, m.class_meta.data(), m.class_meta.size());
  }
  const bool q15 = c.numerics == ATOME_NUMERICS_Q15;
  for (uint32_t t = 0; t < count; ++t) {
    const HostTensor& h = m.tensors[t];
    const size_t e = table + static_cast<size_t>(t) * kTensorEntryBytes;
    put_u16(b, e + kTeKind, h.kind);
    put_u16(b, e + kTeLayer, h.layer);
    b[e + kTeDtype] = h.dtype;
    put_u32(b, e + kTeRows, h.rows);
    put_u32(b, e + kTeCols, h.cols);
    if (h.dtype == kDtypeF32)
      put_f32(b, e + kTeScale, 1.0f);
    else if (h.dtype == kDtypeI32)
      put_u32(b, e + kTeScale, 0);
    else if (q15)
      put_u32(b, e + kTeScale, static_cast<uint32_t>(h.scale_q24));
    else
      put_f32(b, e + kTeScale, h.scale);
    put_u32(b, e + kTeOffset, static_cast<uint32_t>(offsets[t]));
    put_u32(b, e + kTeBytes, static_cast<uint32_t>(tensor_bytes(h.dtype, h.rows, h.cols)));
    uint8_t* dst = b.data() + offsets[t];
    if (is_trit_dtype(h.dtype) && !q15 && !(h.scale >= 0.0f && h.scale - h.scale == 0.0f))
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " has a negative or non-finite scale");
    if (is_trit_dtype(h.dtype) && q15 &&
        (h.scale_q24 < 0 || static_cast<uint32_t>(h.scale_q24) >= kAlphaQ24Limit))
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " has a Q24 scale outside [0, 2^28)");
    if (h.dtype == kDtypeI32) {
      for (size_t i = 0; i < h.ints.size(); ++i)
        put_u32(b, offsets[t] + 4 * i, static_cast<uint32_t>(h.ints[i]));
    } else if (h.dtype == kDtypeF32) {
      for (float v : h.values) {
        if (!(v == v) || v - v != 0.0f) throw FormatError("cannot write: non-finite weight");
      }
      std::memcpy(dst, h.values.data(), h.values.size() * 4);
    } else {
      for (int8_t v : h.trits) {
        if (v < -1 || v > 1) throw FormatError("cannot write: trit outside {-1, 0, 1}");
      }
      // Each row starts on a byte (FORMAT.md): a row is its own packed run.
      const size_t row_bytes = trit_row_bytes(h.dtype, h.cols);
      for (uint32_t r = 0; r < h.rows; ++r) {
        const int8_t* src = h.trits.data() + static_cast<size_t>(r) * h.cols;
        if (h.dtype == kDtypeTrit3)
          pack_trits3(src, h.cols, dst + r * row_bytes);
        else
          pack_trits(src, h.cols, dst + r * row_bytes);
      }
    }
  }
  put_u32(b, kOffCrc, image_crc32(b.data(), b.size()));
  return b;
}

uint8_t trit_dtype(const HostModel& m) {
  return !m.tensors.empty() && m.tensors[0].dtype == kDtypeTrit3 ? kDtypeTrit3 : kDtypeTrit2;
}

HostModel with_trit_dtype(HostModel m, uint8_t dtype) {
  if (!is_trit_dtype(dtype)) throw FormatError("trit packing must be trit2 or trit3");
  for (HostTensor& t : m.tensors) {
    if (is_trit_dtype(t.dtype)) t.dtype = dtype;
  }
  return m;
}

std::vector<uint8_t> repack_native(const std::vector<uint8_t>& image, const std::string& packing,
                                   uint64_t max_bytes) {
  const HostModel m = read_native(image);
  auto as = [&](uint8_t dtype) {
    return trit_dtype(m) == dtype ? image : write_native(with_trit_dtype(m, dtype));
  };
  if (packing == "trit2") return as(kDtypeTrit2);
  if (packing == "trit3") return as(kDtypeTrit3);
  if (packing != "auto")
    throw FormatError("packing must be trit2, trit3 or auto (got '" + packing + "')");
  std::vector<uint8_t> two = as(kDtypeTrit2);
  if (max_bytes == 0 || two.size() <= max_bytes) return two;
  std::vector<uint8_t> three = as(kDtypeTrit3);
  if (three.size() <= max_bytes) return three;
  throw FormatError("no packing fits in " + std::to_string(max_bytes) + " bytes (trit2 " +
                    std::to_string(two.size()) + ", trit3 " + std::to_string(three.size()) + ")");
}

const char* tensor_kind_name(uint16_t kind) {
  switch (kind) {
    case format::kEmbed:
      return "embed";
    case format::kNormGamma:
      return "norm_gamma";
    case format::kNormBeta:
      return "norm_beta";
    case format::kConv:
      return "conv";
    case format::kSsmA:
      return "ssm_a";
    case format::kSsmB:
      return "ssm_b";
    case format::kSsmC:
      return "ssm_c";
    case format::kWq:
      return "wq";
    case format::kWk:
      return "wk";
    case format::kWv:
      return "wv";
    case format::kRouter:
      return "router";
    case format::kFinalGamma:
      return "final_gamma";
    case format::kFinalBeta:
      return "final_beta";
    case format::kUnembed:
      return "unembed";
    case format::kHead:
      return "head";
  }
  return "?";
}

HostTensor host_tensor(const TensorSpec& spec) {
  HostTensor t;
  t.kind = spec.kind;
  t.layer = spec.layer;
  t.dtype = spec.dtype;
  t.rows = spec.rows;
  t.cols = spec.cols;
  return t;
}

HostModel read_native(const std::vector<uint8_t>& file) {
  // The engine loader wants 4-byte alignment; vector storage from new[] is at least that.
  atome_model model;
  const atome_status st = atome_model_load(&model, file.data(), file.size());
  if (st != ATOME_OK) throw FormatError(atome_status_str(st));
  if (model.format_major == kVersionMajorCompact) return read_compact(model);  // no table
  HostModel m;
  m.config = model.config;
  if (model.class_meta != nullptr)
    m.class_meta.assign(model.class_meta, model.class_meta + model.class_meta_bytes);
  for (uint32_t t = 0; t < model.tensor_count; ++t) {
    const uint8_t* e = model.tensor_table + static_cast<size_t>(t) * kTensorEntryBytes;
    HostTensor h;
    h.kind = read_u16(e + kTeKind);
    h.layer = read_u16(e + kTeLayer);
    h.dtype = e[kTeDtype];
    h.rows = read_u32(e + kTeRows);
    h.cols = read_u32(e + kTeCols);
    h.scale = read_f32(e + kTeScale);
    h.scale_q24 = static_cast<int32_t>(read_u32(e + kTeScale));
    if (!is_trit_dtype(h.dtype) || m.config.numerics != ATOME_NUMERICS_Q15) h.scale_q24 = 0;
    if (is_trit_dtype(h.dtype) && m.config.numerics == ATOME_NUMERICS_Q15) h.scale = 0.0f;
    const uint8_t* src = file.data() + read_u32(e + kTeOffset);
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    if (h.dtype == kDtypeI32) {
      h.ints.resize(n);
      for (size_t i = 0; i < n; ++i) h.ints[i] = static_cast<int32_t>(read_u32(src + 4 * i));
    } else if (h.dtype == kDtypeF32) {
      h.values.resize(n);
      std::memcpy(h.values.data(), src, n * 4);
    } else {
      h.trits.resize(n);
      const size_t row_bytes = trit_row_bytes(h.dtype, h.cols);
      for (uint32_t r = 0; r < h.rows; ++r) {
        // The loader has checked every code, so no row fails here.
        int8_t* out = h.trits.data() + static_cast<size_t>(r) * h.cols;
        if (h.dtype == kDtypeTrit3)
          (void)unpack_trits3(src + r * row_bytes, h.cols, out);
        else
          (void)unpack_trits(src + r * row_bytes, h.cols, out);
      }
    }
    m.tensors.push_back(std::move(h));
  }
  return m;
}

std::string to_c_header(const std::vector<uint8_t>& image, const std::string& symbol) {
  bool valid = !symbol.empty() && !(symbol[0] >= '0' && symbol[0] <= '9');
  for (char ch : symbol) {
    valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '_');
  }
  if (!valid) throw FormatError("C symbol name must be a C identifier: '" + symbol + "'");
  std::string out;
  out += "/* Atome model image, generated by `atome export --c-header`. Do not edit. */\n";
  out += "#pragma once\n#include <stddef.h>\n#include <stdint.h>\n\n";
  out += "#ifdef __cplusplus\nalignas(16)\n#else\n_Alignas(16)\n#endif\n";
  out += "static const uint8_t " + symbol + "[" + std::to_string(image.size()) + "] = {";
  char buf[8];
  for (size_t i = 0; i < image.size(); ++i) {
    if (i % 16 == 0) out += "\n ";
    std::snprintf(buf, sizeof buf, " 0x%02x,", image[i]);
    out += buf;
  }
  out += "\n};\nstatic const size_t " + symbol + "_len = " + std::to_string(image.size()) + ";\n";
  return out;
}

}  // namespace atome
