// libFuzzer target: the host-side legacy reader (read_legacy) on arbitrary bytes. It must either
// throw atome::FormatError or return a model that
//   * writes back (write_legacy) to a file of the same size that reads to the same model, and
//   * converts to a native image the engine's loader accepts, which round-trips through
//     read_native / write_native byte for byte (unless a float is non-finite, which the native
//     writer refuses with FormatError).
// Two ways in: (1) the whole input as a file, with the published dimensions guessed from its size;
// (2) the first 3 input bytes choose tiny dimensions and the rest is the file — sizes a fuzzer
// can reach. Corpus directories work as usual: ./fuzz_legacy_read -max_total_time=60 CORPUS_DIR
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "host/model_data.h"

namespace {

using atome::FormatError;
using atome::HostModel;
using atome::ModelDims;

// A broken invariant: say which, then abort (libFuzzer saves the input as a crash).
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_legacy_read: invariant broken: %s\n", what);
  std::abort();
}

bool same_bits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool same_model(const HostModel& a, const HostModel& b) {
  if (std::memcmp(&a.config, &b.config, sizeof a.config) != 0) return false;
  if (a.tensors.size() != b.tensors.size()) return false;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const auto& x = a.tensors[i];
    const auto& y = b.tensors[i];
    if (x.kind != y.kind || x.layer != y.layer || x.dtype != y.dtype || x.rows != y.rows ||
        x.cols != y.cols || !same_bits(x.scale, y.scale) || x.trits != y.trits ||
        x.values.size() != y.values.size())
      return false;
    for (size_t j = 0; j < x.values.size(); ++j) {
      if (!same_bits(x.values[j], y.values[j])) return false;
    }
  }
  return true;
}

void try_read(const std::vector<uint8_t>& file, const ModelDims& dims) {
  HostModel m;
  try {
    m = atome::read_legacy(file, dims);
  } catch (const FormatError&) {
    return;
  }
  const std::vector<uint8_t> again = atome::write_legacy(m);
  if (again.size() != file.size()) fail("write_legacy changed the file size");
  if (!same_model(atome::read_legacy(again, dims), m)) fail("legacy re-read differs");

  std::vector<uint8_t> native;
  try {
    native = atome::write_native(m);
  } catch (const FormatError&) {
    return;  // a non-finite float: legal in the legacy file, refused by the native format
  }
  atome_model model;
  if (atome_model_load(&model, native.data(), native.size()) != ATOME_OK)
    fail("the loader rejected write_native output");
  if (atome::write_native(atome::read_native(native)) != native) fail("native round trip differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> whole(data, data + size);
  ModelDims published;
  if (atome::guess_legacy_dims(whole, &published)) try_read(whole, published);
  // Every input also goes through read_legacy with a fixed small configuration (d 32: the
  // superesp heads), which exercises the magic / header / size checks on arbitrary bytes.
  ModelDims fixed;
  fixed.d_model = 32;
  fixed.n_layers = 2;
  fixed.d_head = 8;
  try_read(whole, fixed);
  if (size >= 3) {
    // Conv kernel 5 and top-k 4 stay at the ModelDims defaults: the original engine compiles
    // them in, and write_legacy refuses anything else.
    ModelDims tiny;
    tiny.d_model = 1u + data[0] % 16u;
    tiny.n_layers = 1u + data[1] % 3u;
    tiny.d_head = 1u + data[2] % 8u;
    try_read(std::vector<uint8_t>(data + 3, data + size), tiny);
  }
  return 0;
}
