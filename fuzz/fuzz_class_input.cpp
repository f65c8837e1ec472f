// libFuzzer target: a classifier's inputs from outside — the metadata section of a 1.3 file
// (FORMAT.md §17) and the feature CSV of `atome classify --csv`. Selector = first byte:
//   even: the rest is a metadata section, placed (zero-padded to 16) in a tiny valid classifier
//         with a correct CRC. The loader must accept it or return BAD_METADATA / BAD_HEADER;
//         when it accepts, the accessors read it whole and re-encoding the spec they give
//         reproduces the section byte for byte.
//   odd:  the rest is CSV text for a fixed 2-channel x 3-step spec. The reader must return rows
//         or throw FormatError; every row tokenises to bytes in range.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine/format.h"
#include "host/aligned_buffer.h"
#include "host/byte_io.h"
#include "host/class_spec.h"
#include "host/feature_csv.h"
#include "host/feature_tokenize.h"
#include "host/model_config.h"
#include "host/model_data.h"

namespace {

using namespace atome;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_class_input: invariant broken: %s\n", what);
  std::abort();
}

ClassSpec fixed_spec() {
  ClassSpec s;
  s.classes = {"a", "b"};
  s.channels = {{"x", "V", -5.0f, 5.0f}, {"y", "", 0.0f, 0.0f}};
  s.window = 3;
  s.quant_mode = ATOME_QUANT_BANDED;
  s.vmin = {-1, -2, -3, -4, -5, -6};
  s.vmax = {1, 2, 3, 4, 5, 6};
  return s;
}

// A tiny valid 1.3 classifier image with the fixed spec; its section is then replaced.
const std::vector<uint8_t>& base_image() {
  static const std::vector<uint8_t> image = [] {
    const atome_config c = make_config({8, 1, 2, 2, 1}, ATOME_PATH_ALL, 2);
    HostModel m;
    m.config = c;
    for (uint32_t i = 0; i < format::tensor_count(c); ++i) {
      HostTensor t = host_tensor(format::canonical_tensor(c, i));
      const size_t n = static_cast<size_t>(t.rows) * t.cols;
      if (t.dtype == format::kDtypeF32)
        t.values.assign(n, 1.0f);
      else
        t.trits.assign(n, 1);
      m.tensors.push_back(t);
    }
    return write_native(with_class_spec(m, fixed_spec()));
  }();
  return image;
}

void fuzz_section(const uint8_t* data, size_t size) {
  const std::vector<uint8_t>& base = base_image();
  const size_t meta = read_u32(base.data() + format::kOffMetaOffset);
  const size_t old_bytes = read_u32(base.data() + format::kOffMetaBytes);
  const size_t padded = (size + 15) / 16 * 16;
  if (padded == 0 || padded > (1u << 16)) return;
  std::vector<uint8_t> f(base.begin(), base.begin() + meta);
  f.insert(f.end(), data, data + size);
  f.resize(meta + padded, 0);
  f.insert(f.end(), base.begin() + meta + old_bytes, base.end());
  // Shift the payload: every tensor offset and the header's offsets move by the difference.
  const int64_t shift = static_cast<int64_t>(padded) - static_cast<int64_t>(old_bytes);
  put_u32(f, format::kOffMetaBytes, static_cast<uint32_t>(padded));
  put_u32(f, format::kOffFileBytes, static_cast<uint32_t>(f.size()));
  put_u32(f, format::kOffPayloadOffset,
          static_cast<uint32_t>(read_u32(f.data() + format::kOffPayloadOffset) + shift));
  const uint32_t count = read_u32(f.data() + format::kOffTensorCount);
  for (uint32_t t = 0; t < count; ++t) {
    const size_t e = format::kHeaderBytes + t * format::kTensorEntryBytes + format::kTeOffset;
    put_u32(f, e, static_cast<uint32_t>(read_u32(f.data() + e) + shift));
  }
  put_u32(f, format::kOffCrc, format::image_crc32(f.data(), f.size()));
  AlignedBuffer buf(f.size());
  std::memcpy(buf.data(), f.data(), f.size());
  atome_model m;
  const atome_status st = atome_model_load(&m, buf.data(), f.size());
  if (st == ATOME_ERR_BAD_METADATA || st == ATOME_ERR_BAD_HEADER) return;
  if (st != ATOME_OK) fail("section corruption reported as another status");
  const std::vector<uint8_t> again = encode_class_meta(class_spec_of(m));
  if (again.size() != m.class_meta_bytes || std::memcmp(again.data(), m.class_meta, again.size()))
    fail("accepted section does not re-encode to itself");
}

void fuzz_csv(const uint8_t* data, size_t size) {
  const ClassSpec spec = fixed_spec();
  std::vector<std::vector<double>> rows;
  try {
    rows = read_feature_csv(std::string(reinterpret_cast<const char*>(data), size), spec, "fuzz");
  } catch (const FormatError&) {
    return;
  }
  for (const auto& row : rows) {
    if (row.size() != spec.n_features()) fail("row of the wrong length accepted");
    for (uint32_t t : tokenize_features(spec, row))
      if (t > 255) fail("token out of byte range");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0)
    fuzz_section(data + 1, size - 1);
  else
    fuzz_csv(data + 1, size - 1);
  return 0;
}
