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
#include "format/model_data.h"

namespace atome {
namespace {

using namespace format;

void put_u16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v);
  b[off + 1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_f32(std::vector<uint8_t>& b, size_t off, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  put_u32(b, off, u);
}
uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
size_t align_up(size_t v) {
  return (v + kAlign - 1) / kAlign * kAlign;
}

}  // namespace

std::vector<uint8_t> write_native(const HostModel& m) {
  const atome_config& c = m.config;
  if (validate_config(c) != ATOME_OK) throw FormatError("cannot write: invalid model config");
  const uint32_t count = tensor_count(c);
  if (m.tensors.size() != count)
    throw FormatError("cannot write: expected " + std::to_string(count) + " tensors, have " +
                      std::to_string(m.tensors.size()));
  // Layout: header, table, then each tensor at the next 16-byte boundary.
  const size_t table = kHeaderBytes;
  const size_t payload = align_up(table + static_cast<size_t>(count) * kTensorEntryBytes);
  std::vector<size_t> offsets(count);
  size_t end = payload;
  for (uint32_t t = 0; t < count; ++t) {
    const TensorSpec spec = canonical_tensor(c, t);
    const HostTensor& h = m.tensors[t];
    if (h.kind != spec.kind || h.layer != spec.layer || h.dtype != spec.dtype ||
        h.rows != spec.rows || h.cols != spec.cols)
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " does not match the canonical order for this config");
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    if ((h.dtype == kDtypeF32 ? h.values.size() : h.trits.size()) != n)
      throw FormatError("cannot write: tensor " + std::to_string(t) + " has the wrong length");
    offsets[t] = align_up(end);
    end = offsets[t] + tensor_bytes(spec.dtype, spec.rows, spec.cols);
  }
  const size_t file_bytes = align_up(end);
  if (file_bytes > 0xFFFFFFFFu) throw FormatError("cannot write: model larger than 4 GiB");
  std::vector<uint8_t> b(file_bytes, 0);
  std::memcpy(b.data() + kOffMagic, kMagic, 8);
  put_u16(b, kOffVersionMajor, kVersionMajor);
  put_u16(b, kOffVersionMinor, kVersionMinor);
  put_u32(b, kOffHeaderBytes, kHeaderBytes);
  put_u32(b, kOffFileBytes, static_cast<uint32_t>(file_bytes));
  put_u32(b, kOffFlags, 0);
  put_u32(b, kOffTensorCount, count);
  put_u32(b, kOffTableOffset, static_cast<uint32_t>(table));
  put_u32(b, kOffPayloadOffset, static_cast<uint32_t>(payload));
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
  for (uint32_t t = 0; t < count; ++t) {
    const HostTensor& h = m.tensors[t];
    const size_t e = table + static_cast<size_t>(t) * kTensorEntryBytes;
    put_u16(b, e + kTeKind, h.kind);
    put_u16(b, e + kTeLayer, h.layer);
    b[e + kTeDtype] = h.dtype;
    put_u32(b, e + kTeRows, h.rows);
    put_u32(b, e + kTeCols, h.cols);
    put_f32(b, e + kTeScale, h.dtype == kDtypeF32 ? 1.0f : h.scale);
    put_u32(b, e + kTeOffset, static_cast<uint32_t>(offsets[t]));
    put_u32(b, e + kTeBytes, static_cast<uint32_t>(tensor_bytes(h.dtype, h.rows, h.cols)));
    uint8_t* dst = b.data() + offsets[t];
    if (h.dtype == kDtypeTrit2 && !(h.scale >= 0.0f && h.scale - h.scale == 0.0f))
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " has a negative or non-finite scale");
    if (h.dtype == kDtypeF32) {
      for (float v : h.values) {
        if (!(v == v) || v - v != 0.0f) throw FormatError("cannot write: non-finite weight");
      }
      std::memcpy(dst, h.values.data(), h.values.size() * 4);
    } else {
      const size_t row_bytes = (h.cols + 3) / 4;
      for (uint32_t r = 0; r < h.rows; ++r) {
        for (uint32_t j = 0; j < h.cols; ++j) {
          const int8_t v = h.trits[static_cast<size_t>(r) * h.cols + j];
          if (v < -1 || v > 1) throw FormatError("cannot write: trit outside {-1, 0, 1}");
          const unsigned code = v == 0 ? 0u : (v > 0 ? 1u : 3u);
          dst[r * row_bytes + j / 4] |= static_cast<uint8_t>(code << (2 * (j % 4)));
        }
      }
    }
  }
  put_u32(b, kOffCrc, atome_crc32(0, b.data(), b.size()));  // CRC field is zero while summed
  return b;
}

HostModel read_native(const std::vector<uint8_t>& file) {
  // The engine loader wants 4-byte alignment; vector storage from new[] is at least that.
  atome_model model;
  const atome_status st = atome_model_load(&model, file.data(), file.size());
  if (st != ATOME_OK) throw FormatError(atome_status_str(st));
  HostModel m;
  m.config = model.config;
  for (uint32_t t = 0; t < model.tensor_count; ++t) {
    const uint8_t* e = model.tensor_table + static_cast<size_t>(t) * kTensorEntryBytes;
    HostTensor h;
    h.kind = static_cast<uint16_t>(e[kTeKind] | (e[kTeKind + 1] << 8));
    h.layer = static_cast<uint16_t>(e[kTeLayer] | (e[kTeLayer + 1] << 8));
    h.dtype = e[kTeDtype];
    h.rows = get_u32(e + kTeRows);
    h.cols = get_u32(e + kTeCols);
    std::memcpy(&h.scale, e + kTeScale, 4);
    const uint8_t* src = file.data() + get_u32(e + kTeOffset);
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    if (h.dtype == kDtypeF32) {
      h.values.resize(n);
      std::memcpy(h.values.data(), src, n * 4);
    } else {
      h.trits.resize(n);
      const size_t row_bytes = (h.cols + 3) / 4;
      for (uint32_t r = 0; r < h.rows; ++r) {
        for (uint32_t j = 0; j < h.cols; ++j) {
          const unsigned code = (src[r * row_bytes + j / 4] >> (2 * (j % 4))) & 3u;
          h.trits[static_cast<size_t>(r) * h.cols + j] = code == 0 ? 0 : (code == 1 ? 1 : -1);
        }
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

std::vector<uint8_t> read_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw FormatError("cannot open " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw FormatError("cannot read " + path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormatError("cannot open " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw FormatError("cannot read " + path);
  return bytes;
}

// Atomic replace: a unique temporary file in the same directory, written and fsync'ed, renamed
// over the target, then the directory fsync'ed — after a crash or power loss the target is the
// old file or the complete new one, never a torn write.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  const size_t slash = path.find_last_of('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    throw FormatError("cannot create a temporary file next to " + path + ": " +
                      std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw FormatError("cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw FormatError("cannot write " + tmp + ": " + why);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw FormatError("cannot rename " + tmp + " to " + path + ": " + why);
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace atome
