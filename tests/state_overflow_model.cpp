// Host half of the StateOverflow.Abi32 CTest (tests/state_overflow.cmake): writes a small valid
// native model (about 0.9 MB) whose session state at the largest window exceeds 4 GiB, for
// tests/state_overflow_abi32.cpp, built with -m32, to load.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <vector>

#include "atome/atome.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "random_model.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL_OUT\n", argv[0]);
    return 2;
  }
  try {
    // Every pathway, d = d_head = 16, 1024 layers: about 1 MB of file, but the K/V caches alone
    // are 4 * L * W * (d + d_head) = 8 GiB at W = 65536.
    const atome_config c = atome::test::small_config(16, 1024, 16, 4, 4);
    const std::vector<uint8_t> image = atome::write_native(atome::test::random_model(c, 12));
    atome::write_file_atomic(argv[1], image);
    atome_model m;
    const atome_status st = atome_model_load(&m, image.data(), image.size());
    if (st != ATOME_OK) {
      std::fprintf(stderr, "model does not load: %s\n", atome_status_str(st));
      return 1;
    }
    const uint64_t state = atome_state_bytes(&m, ATOME_MAX_WINDOW);
    std::printf("model: %zu bytes; state at window %u: %llu bytes (64-bit engine)\n", image.size(),
                ATOME_MAX_WINDOW, static_cast<unsigned long long>(state));
    if (state <= UINT32_MAX) {
      std::fprintf(stderr, "that state fits 32 bits: pick a larger model\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
