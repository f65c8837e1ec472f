// libFuzzer target: `atome classify --wav`'s WAV reader (src/host/wav_read.h) on arbitrary bytes.
// It must return a clip or throw FormatError (one line naming the file); a clip has the rate asked
// for and at least one sample, and its samples are the "data" chunk's bytes: never more than the
// input holds. ASan/UBSan catch any read outside the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "host/errors.h"
#include "host/wav_read.h"

namespace {

[[noreturn]] void wav_fuzz_fail(const char* what) {
  std::fprintf(stderr, "fuzz_wav_read: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  atome::WavClip clip;
  try {
    clip = atome::read_wav(data, size, 16000, "fuzz.wav");
  } catch (const atome::FormatError& e) {
    const std::string what = e.what();
    if (what.rfind("fuzz.wav: ", 0) != 0 || what.find('\n') != std::string::npos)
      wav_fuzz_fail("error not one line naming the file");
    return 0;
  }
  if (clip.sample_rate_hz != 16000) wav_fuzz_fail("another sample rate accepted");
  if (clip.samples.empty()) wav_fuzz_fail("a clip without samples accepted");
  if (44 + 2 * clip.samples.size() > size) wav_fuzz_fail("more samples than the input holds");
  return 0;
}
