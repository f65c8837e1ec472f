// libFuzzer target: atome_model_load() on arbitrary bytes, then — when the loader accepts the
// image — a short decoding session on it. Checks, beyond "no crash, no ASan/UBSan report":
//   * a rejected image leaves no model view behind;
//   * an accepted image always yields a valid session size, a session, and steps that succeed;
//   * the sampler returns a token id < vocab even on non-finite logits.
// Each input is loaded as is, then again with its CRC-32 recomputed (see below).
// Corpus directories work as usual: ./fuzz_model_load -max_total_time=60 CORPUS_DIR
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "atome/atome.h"
#include "engine/bytes.h"
#include "engine/format.h"

namespace {

constexpr size_t kMaxStateBytes = size_t{64} << 20;  // keep OOM reports about real bugs only

// A broken invariant: say which, then abort (libFuzzer saves the input as a crash).
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_model_load: invariant broken: %s\n", what);
  std::abort();
}

void run_session(const atome_model& model, const uint8_t* data, size_t size) {
  // Window and tokens derived from the input, so a crash reproduces from the saved file alone.
  const uint32_t window = 1u + static_cast<uint32_t>(size % 8);
  const size_t need = atome_state_bytes(&model, window);
  if (need == 0) fail("accepted model has no valid session size");
  if (need > kMaxStateBytes) return;
  const size_t rounded = (need + ATOME_STATE_ALIGN - 1) / ATOME_STATE_ALIGN * ATOME_STATE_ALIGN;
  void* buffer = std::aligned_alloc(ATOME_STATE_ALIGN, rounded);
  if (buffer == nullptr) return;
  atome_session* s = nullptr;
  if (atome_session_init(&s, &model, window, buffer, need) != ATOME_OK || s == nullptr)
    fail("session_init failed on an accepted model");
  atome_sampler sampler;
  atome_sampler_init(&sampler, 0.8f, 0.9f, 40, size);
  atome_sampler_scratch scratch;
  uint32_t token = size > 0 ? data[size - 1] : 0;
  const uint32_t vocab = model.config.vocab_size;
  for (int i = 0; i < 10; ++i) {  // more steps than the window: the K/V ring wraps
    const float* logits = nullptr;
    if (atome_step(s, token, &logits) != ATOME_OK || logits == nullptr) fail("step failed");
    token = (i & 1) ? atome_argmax(logits, vocab) : atome_sample(&sampler, logits, vocab, &scratch);
    if (token >= vocab) fail("sampled token out of range");
    if (atome_session_router(s, 0) == nullptr) fail("no router mixture after a step");
  }
  if (atome_step_no_logits(s, token) != ATOME_OK) fail("step_no_logits failed");
  if (model.config.n_classes > 0) {
    float* out = static_cast<float*>(std::malloc(sizeof(float) * model.config.n_classes));
    if (out != nullptr) {
      if (atome_session_class_logits(s, out, model.config.n_classes) != ATOME_OK)
        fail("class_logits failed on a classifier");
      std::free(out);
    }
  } else {
    float out[1];
    if (atome_session_class_logits(s, out, 1) != ATOME_ERR_NOT_CLASSIFIER)
      fail("class_logits on an LM");
  }
  atome_session_reset(s);
  if (atome_session_position(s) != 0) fail("reset kept the position");
  std::free(buffer);
}

// Loads one image; on success runs a session on it.
void load_and_run(uint8_t* image, size_t size, const uint8_t* data) {
  atome_model model;
  const atome_status st = atome_model_load(&model, image, size);
  if (st == ATOME_OK) {
    if (model.image != image || model.image_bytes != size) fail("model view does not match");
    (void)atome_model_param_count(&model);
    run_session(model, data, size);
  } else if (model.image != nullptr) {
    fail("rejected image left a model view");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exactly sized, 16-aligned heap copy: ASan reports any read past `size`.
  uint8_t* image = static_cast<uint8_t*>(std::malloc(size == 0 ? 1 : size));
  if (image == nullptr) return 0;
  if (size > 0) std::memcpy(image, data, size);
  load_and_run(image, size, data);
  // Mutations almost never keep the CRC-32 right, so the same bytes are tried again with the CRC
  // recomputed (over [0, file_bytes) with the CRC field zeroed): that lets the fuzzer reach the
  // header, config, tensor-table and weight checks behind the checksum.
  using atome::format::kOffCrc;
  if (size >= atome::format::kHeaderBytes) {
    const uint32_t file_bytes = atome::read_u32(image + atome::format::kOffFileBytes);
    if (file_bytes >= kOffCrc + 4 && file_bytes <= size) {
      std::memcpy(image, data, size);
      const uint32_t crc = atome::format::image_crc32(image, file_bytes);
      for (int i = 0; i < 4; ++i) image[kOffCrc + i] = static_cast<uint8_t>(crc >> (8 * i));
      if (crc != atome::read_u32(data + kOffCrc)) load_and_run(image, size, data);
    }
  }
  std::free(image);
  return 0;
}
