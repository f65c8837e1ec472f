// `atome classify --wav`: a recorded clip for a head's audio front end (docs/APPS.md §13). A small,
// strict reader of the one WAV layout the device's front end takes: RIFF/WAVE, a "fmt " chunk of
// PCM (format 1), 1 channel, 16 bits per sample at the rate the caller names, and a "data" chunk of
// whole samples. Other chunks (LIST, fact, ...) are skipped; their odd sizes get RIFF's pad byte.
//
// Anything else is a FormatError of one line naming the file and the problem: an empty or
// truncated file, no RIFF/WAVE header, a chunk running past the RIFF size or the file, a RIFF size
// beyond the file, a missing or repeated "fmt " / "data" chunk, a short "fmt " chunk, another
// format (float, extensible, compressed), stereo, 8/24/32-bit samples, another rate, inconsistent
// block align or byte rate, a "data" chunk of an odd number of bytes, or no samples. Nothing is
// read outside the given bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace atome {

struct WavClip {
  uint32_t sample_rate_hz = 0;
  std::vector<int16_t> samples;  // little-endian int16 PCM, in order
};

// want_rate_hz: the only sample rate accepted (the front end's); name: the file, for messages.
WavClip read_wav(const uint8_t* data, size_t size, uint32_t want_rate_hz, const std::string& name);

}  // namespace atome
