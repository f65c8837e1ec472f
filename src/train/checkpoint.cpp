// Checkpoint file (see checkpoint.h).
#include "train/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "atome/atome.h"
#include "host/byte_io.h"
#include "host/file_io.h"
#include "host/model_data.h"

namespace atome::train {
namespace {

constexpr char kMagic[8] = {'A', 'T', 'O', 'M', 'E', 'C', 'K', 'P'};
constexpr uint32_t kVersion = 1;

void put_floats(std::vector<uint8_t>& out, const std::vector<float>& v) {
  append_bytes(out, v.data(), v.size() * sizeof(float));  // host is little-endian
}

}  // namespace

std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ckpt) {
  if (ckpt.adam_m.size() != ckpt.params.size() || ckpt.adam_v.size() != ckpt.params.size())
    throw std::logic_error("checkpoint: moment sizes differ from the parameters");
  if (ckpt.json.size() > UINT32_MAX || ckpt.params.size() > UINT32_MAX)
    throw std::logic_error("checkpoint: too large for the u32 size fields");
  std::vector<uint8_t> bytes(kMagic, kMagic + 8);
  append_u32(bytes, kVersion);
  append_u32(bytes, static_cast<uint32_t>(ckpt.json.size()));
  bytes.insert(bytes.end(), ckpt.json.begin(), ckpt.json.end());
  append_u32(bytes, static_cast<uint32_t>(ckpt.params.size()));
  put_floats(bytes, ckpt.params);
  put_floats(bytes, ckpt.adam_m);
  put_floats(bytes, ckpt.adam_v);
  append_u32(bytes, atome_crc32(0, bytes.data(), bytes.size()));
  return bytes;
}

void write_checkpoint(const std::string& path, const Checkpoint& ckpt) {
  write_file_atomic(path, serialize_checkpoint(ckpt));
}

Checkpoint parse_checkpoint(const std::vector<uint8_t>& bytes, const std::string& name) {
  auto fail = [&](const std::string& why) -> void {
    throw std::runtime_error("checkpoint " + name + ": " + why);
  };
  // magic, version, json_bytes, n, crc: the smallest image (empty JSON, no parameters).
  constexpr size_t kMinBytes = 8 + 4 + 4 + 4 + 4;
  if (bytes.size() < kMinBytes || std::memcmp(bytes.data(), kMagic, 8) != 0)
    fail("not an Atome checkpoint");
  const size_t body = bytes.size() - 4;  // >= 20
  if (read_u32(bytes.data() + body) != atome_crc32(0, bytes.data(), body))
    fail("CRC mismatch (truncated or corrupted)");
  if (read_u32(bytes.data() + 8) != kVersion) fail("unsupported checkpoint version");
  // Sizes come from the file: compare them with what is left, never add them up (no overflow
  // whatever the width of size_t).
  const size_t json_bytes = read_u32(bytes.data() + 12);
  if (json_bytes > body - 16 - 4) fail("truncated");  // the JSON and the u32 n after it
  Checkpoint c;
  c.json.assign(reinterpret_cast<const char*>(bytes.data() + 16), json_bytes);
  size_t at = 16 + json_bytes;
  const size_t n = read_u32(bytes.data() + at);
  at += 4;
  constexpr size_t kPerParam = 3 * sizeof(float);  // param, adam_m, adam_v
  const size_t rest = body - at;
  if (rest % kPerParam != 0 || rest / kPerParam != n)
    fail("array sizes do not match the file size");
  for (std::vector<float>* v : {&c.params, &c.adam_m, &c.adam_v}) {
    v->resize(n);
    if (n != 0) std::memcpy(v->data(), bytes.data() + at, n * sizeof(float));
    at += n * sizeof(float);
  }
  return c;
}

Checkpoint read_checkpoint(const std::string& path) {
  return parse_checkpoint(read_file(path), path);
}

}  // namespace atome::train
