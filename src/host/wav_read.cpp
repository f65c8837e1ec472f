#include "host/wav_read.h"

#include "host/errors.h"

namespace atome {
namespace {

uint32_t wav_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint16_t wav_le16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | p[1] << 8);
}

bool wav_id_is(const uint8_t* p, const char* id) {
  return p[0] == uint8_t(id[0]) && p[1] == uint8_t(id[1]) && p[2] == uint8_t(id[2]) &&
         p[3] == uint8_t(id[3]);
}

// A chunk id for a message: printable ASCII as is, other bytes as \xNN.
std::string wav_id_text(const uint8_t* p) {
  static const char kHex[] = "0123456789abcdef";
  std::string s = "'";
  for (int i = 0; i < 4; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'' && p[i] != '\\') {
      s += char(p[i]);
    } else {
      s += "\\x";
      s += kHex[p[i] >> 4];
      s += kHex[p[i] & 15];
    }
  }
  return s + "'";
}

}  // namespace

WavClip read_wav(const uint8_t* data, size_t size, uint32_t want_rate_hz, const std::string& name) {
  const auto fail = [&name](const std::string& what) -> FormatError {
    return FormatError(name + ": " + what);
  };
  if (size == 0) throw fail("empty file, not a WAV file");
  if (size < 12 || !wav_id_is(data, "RIFF") || !wav_id_is(data + 8, "WAVE"))
    throw fail("not a WAV file (no RIFF/WAVE header)");
  const uint64_t riff_end = 8 + uint64_t(wav_le32(data + 4));
  if (riff_end > size)
    throw fail("truncated: the RIFF header says " + std::to_string(riff_end) +
               " bytes, the file has " + std::to_string(size));
  if (riff_end < 12) throw fail("RIFF size " + std::to_string(riff_end - 8) + " is too small");
  const uint8_t* fmt = nullptr;
  const uint8_t* samples = nullptr;
  uint64_t fmt_bytes = 0, data_bytes = 0;
  uint64_t pos = 12;
  while (pos < riff_end) {
    if (riff_end - pos < 8)
      throw fail("truncated chunk header at byte " + std::to_string(pos) + " (" +
                 std::to_string(riff_end - pos) + " bytes left, 8 needed)");
    const uint8_t* head = data + pos;
    const uint64_t bytes = wav_le32(head + 4);
    const uint64_t body = pos + 8;
    if (bytes > riff_end - body)
      throw fail("chunk " + wav_id_text(head) + " at byte " + std::to_string(pos) + " has " +
                 std::to_string(bytes) + " bytes, beyond the end of the RIFF data (" +
                 std::to_string(riff_end - body) + " bytes left)");
    if (wav_id_is(head, "fmt ")) {
      if (fmt != nullptr) throw fail("more than one 'fmt ' chunk");
      fmt = data + body;
      fmt_bytes = bytes;
    } else if (wav_id_is(head, "data")) {
      if (samples != nullptr) throw fail("more than one 'data' chunk");
      samples = data + body;
      data_bytes = bytes;
    }
    // RIFF pads an odd-sized chunk to an even size; a missing pad at the very end is tolerated.
    pos = body + bytes + (bytes & 1u);
  }
  if (fmt == nullptr) throw fail("no 'fmt ' chunk");
  if (samples == nullptr) throw fail("no 'data' chunk");
  if (fmt_bytes < 16)
    throw fail("'fmt ' chunk of " + std::to_string(fmt_bytes) + " bytes, at least 16 needed");
  const uint16_t format = wav_le16(fmt), channels = wav_le16(fmt + 2);
  const uint32_t rate = wav_le32(fmt + 4), byte_rate = wav_le32(fmt + 8);
  const uint16_t block_align = wav_le16(fmt + 12), bits = wav_le16(fmt + 14);
  if (format != 1)
    throw fail("audio format " + std::to_string(format) +
               (format == 3        ? " (float)"
                : format == 0xFFFE ? " (extensible)"
                                   : "") +
               ", only PCM (1) is read");
  if (channels != 1) throw fail(std::to_string(channels) + " channels, mono (1) needed");
  if (bits != 16) throw fail(std::to_string(bits) + "-bit samples, 16-bit needed");
  if (rate != want_rate_hz)
    throw fail("sample rate " + std::to_string(rate) + " Hz, the front end needs " +
               std::to_string(want_rate_hz) + " Hz");
  if (block_align != 2 || byte_rate != 2 * uint64_t(rate))
    throw fail("inconsistent 'fmt ' chunk (block align " + std::to_string(block_align) +
               ", byte rate " + std::to_string(byte_rate) + " for 16-bit mono at " +
               std::to_string(rate) + " Hz)");
  if (data_bytes % 2 != 0)
    throw fail("'data' chunk of " + std::to_string(data_bytes) +
               " bytes, not a whole number of 16-bit samples");
  if (data_bytes == 0) throw fail("no samples (empty 'data' chunk)");
  WavClip clip;
  clip.sample_rate_hz = rate;
  clip.samples.resize(data_bytes / 2);
  for (size_t i = 0; i < clip.samples.size(); ++i)
    clip.samples[i] = static_cast<int16_t>(wav_le16(samples + 2 * i));
  return clip;
}

}  // namespace atome
