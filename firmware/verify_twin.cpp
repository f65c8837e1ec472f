// The signature firmware's host twin: the same checks (app/signed_checks.cpp) on the host engine
// with Debian's libsodium, printing the lines the firmware prints over semihosting.
//   atome_verify_twin SIGNED UNSIGNED WINDOW TOKENS PROMPT FLIPS      FLIPS: 1, or 0 as on M0
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "app/signed_checks.h"
#include "atome/atome.h"

namespace {

// A 16-byte aligned copy of a file, as a model in flash would be.
struct Image {
  std::vector<max_align_t> words;
  size_t bytes = 0;
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(words.data()); }
};

bool read_image(const char* path, Image* image) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "%s: cannot read\n", path);
    return false;
  }
  std::vector<unsigned char> bytes;
  unsigned char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  image->bytes = bytes.size();
  image->words.assign((bytes.size() + sizeof(max_align_t) - 1) / sizeof(max_align_t) + 1,
                      max_align_t{});
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<unsigned char*>(image->words.data()));
  return true;
}

void print_line(const char* line) {
  std::printf("%s\n", line);
}

size_t state_bytes(const Image& image, uint32_t window) {
  atome_model model;
  const atome_status st = atome_model_load(&model, image.data(), image.bytes);
  if (st != ATOME_OK) {
    std::fprintf(stderr, "model: %s\n", atome_status_str(st));
    return 0;
  }
  return atome_state_bytes(&model, window);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s SIGNED UNSIGNED WINDOW TOKENS PROMPT FLIPS\n", argv[0]);
    return 2;
  }
  Image signed_image, unsigned_image;
  if (!read_image(argv[1], &signed_image) || !read_image(argv[2], &unsigned_image)) return 1;
  const uint32_t window = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  const size_t arena_bytes = state_bytes(signed_image, window);
  if (arena_bytes == 0) return 1;
  std::vector<max_align_t> arena(arena_bytes / sizeof(max_align_t) + 1);
  std::vector<uint8_t> flip_copy(signed_image.bytes);
  atome_signed_checks_input in;
  in.signed_image = signed_image.data();
  in.signed_bytes = signed_image.bytes;
  in.unsigned_image = unsigned_image.data();
  in.unsigned_bytes = unsigned_image.bytes;
  in.flip_copy = std::string_view(argv[6]) == "0" ? nullptr : flip_copy.data();
  in.arena = arena.data();
  in.arena_bytes = arena_bytes;
  in.window = window;
  in.prompt = argv[5];
  in.n_tokens = static_cast<uint32_t>(std::strtoul(argv[4], nullptr, 10));
  return atome_run_signed_checks(&in, print_line);
}
