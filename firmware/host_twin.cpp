// The firmware's host twin: the same generation code (app/generation.cpp) on the host engine,
// printing the lines the firmware prints over semihosting, so a test can diff them.
//   atome_firmware_twin MODEL WINDOW TOKENS PROMPT     the lines
//   atome_firmware_twin --state-bytes MODEL WINDOW     atome_state_bytes for the firmware's arena
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "app/generation.h"
#include "atome/atome.h"

namespace {

std::vector<unsigned char> read_all(const char* path) {
  std::vector<unsigned char> bytes;
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return bytes;
  unsigned char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

void print_line(const char* line) {
  std::printf("%s\n", line);
}

}  // namespace

int main(int argc, char** argv) {
  const bool sizing = argc == 4 && std::string_view(argv[1]) == "--state-bytes";
  if (!sizing && argc != 5) {
    std::fprintf(stderr, "usage: %s MODEL WINDOW TOKENS PROMPT | --state-bytes MODEL WINDOW\n",
                 argv[0]);
    return 2;
  }
  const char* path = argv[sizing ? 2 : 1];
  const std::vector<unsigned char> file = read_all(path);
  // A 16-byte aligned copy, as a model in flash would be.
  std::vector<max_align_t> image((file.size() + sizeof(max_align_t) - 1) / sizeof(max_align_t));
  std::copy(file.begin(), file.end(), reinterpret_cast<unsigned char*>(image.data()));
  const uint32_t window = static_cast<uint32_t>(std::strtoul(argv[sizing ? 3 : 2], nullptr, 10));
  atome_model model;
  const atome_status st = atome_model_load(&model, image.data(), file.size());
  if (st != ATOME_OK) {
    std::fprintf(stderr, "%s: %s\n", path, atome_status_str(st));
    return 1;
  }
  const size_t bytes = atome_state_bytes(&model, window);
  if (sizing) {
    std::printf("%zu\n", bytes);
    return bytes ? 0 : 1;
  }
  std::vector<max_align_t> arena(bytes / sizeof(max_align_t) + 1);
  return atome_run_generation(
      reinterpret_cast<const uint8_t*>(image.data()), file.size(), arena.data(), bytes, window,
      argv[4], static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)), print_line);
}
