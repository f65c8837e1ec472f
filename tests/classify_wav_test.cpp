// `atome classify --wav` (docs/APPS.md §13): a recorded clip through the device's integer audio
// front end prints exactly what `--csv` prints for the frame atome_audio_front_frame makes of it,
// whose tokens are also the device tokeniser's (atome_tok_run); voice-like and sound_scene-like
// heads whose files name the generators' MFCC front ends. Every malformed WAV, a clip of another
// length and a head without an audio front end are one error line. The WAV files are written byte
// by byte here: no tool needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "atome/apps.h"
#include "cli_run.h"
#include "host/class_spec.h"
#include "host/errors.h"
#include "host/feature_tokenize.h"
#include "host/model_data.h"
#include "host/model_file.h"
#include "host/numerics_convert.h"
#include "host/wav_read.h"
#include "random_model.h"
#include "voiced_clip.h"

namespace atome::test {
namespace {

// The fmt chunk's fields; the defaults are what the voice and sound_scene front ends take.
struct WavcliFmt {
  uint16_t format = 1, channels = 1;
  uint32_t rate = 16000;
  uint16_t bits = 16;
  uint32_t fmt_bytes = 16;
};

void wavcli_put32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
void wavcli_put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(uint8_t(v));
  b.push_back(uint8_t(v >> 8));
}
void wavcli_chunk(std::vector<uint8_t>& b, const char* id, const std::vector<uint8_t>& body) {
  b.insert(b.end(), id, id + 4);
  wavcli_put32(b, uint32_t(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  if (body.size() % 2) b.push_back(0);  // RIFF's pad byte
}

// A WAV image: RIFF header, optional chunks before fmt, fmt, optional chunks between, data.
std::vector<uint8_t> wavcli_image(const std::vector<int16_t>& samples, const WavcliFmt& f = {},
                                  bool with_fmt = true, bool with_data = true,
                                  const std::vector<uint8_t>& between = {}) {
  std::vector<uint8_t> fmt;
  const uint16_t block = uint16_t(f.channels * (f.bits / 8));
  wavcli_put16(fmt, f.format);
  wavcli_put16(fmt, f.channels);
  wavcli_put32(fmt, f.rate);
  wavcli_put32(fmt, f.rate * block);
  wavcli_put16(fmt, block);
  wavcli_put16(fmt, f.bits);
  fmt.resize(f.fmt_bytes, 0);
  std::vector<uint8_t> data;
  for (int16_t s : samples) wavcli_put16(data, uint16_t(s));
  std::vector<uint8_t> body = {'W', 'A', 'V', 'E'};
  if (with_fmt) wavcli_chunk(body, "fmt ", fmt);
  body.insert(body.end(), between.begin(), between.end());
  if (with_data) wavcli_chunk(body, "data", data);
  std::vector<uint8_t> b = {'R', 'I', 'F', 'F'};
  wavcli_put32(b, uint32_t(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

void wavcli_set32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

// The voice (4 ceps x 8 segments, CMVN over the speech span, 1 s) or sound_scene (8 channels x 4
// segments, 0.5 s) head as its generator's metadata names it (FORMAT.md §17.2): what
// atome_audio_front_from_model recognises. Random q15 weights.
std::vector<uint8_t> wavcli_head(bool voice, uint64_t seed) {
  ClassSpec s;
  const uint32_t n_classes = voice ? 5 : 4;
  for (uint32_t k = 0; k < n_classes; ++k) s.classes.push_back("k" + std::to_string(k));
  if (voice) {
    for (uint32_t c = 0; c < 4; ++c) s.channels.push_back({"c" + std::to_string(c), "", 0, 0});
    s.channels[3].phys_min = -1.0f;  // clipped by the front end, as the generator clips
    s.channels[3].phys_max = 1.0f;
    s.window = 8;
  } else {
    for (const char* c : {"level", "mfcc1", "mfcc2", "mfcc3", "mfcc4", "mfcc5", "flux", "c0_sd"})
      s.channels.push_back({c, "", 0, 0});
    s.window = 4;
  }
  s.sample_rate_hz = 16000;
  s.pipeline = "mfcc";
  s.params = {{"fs_hz", 16000},
              {"frame", 400},
              {"hop", 160},
              {"nfft", 512},
              {"n_mel", 26},
              {"f_lo_hz", 20},
              {"f_hi_hz", 8000},
              {"segments", float(s.window)},
              {"clip_s", voice ? 1.0f : 0.5f}};
  if (voice) {
    s.params.push_back({"cmvn", 1});
    s.params.push_back({"n_ceps", 4});
    s.params.push_back({"endpoint_db", 4});
    s.params.push_back({"sd_floor", 0.01f});
  }
  s.quant_mode = ATOME_QUANT_BANDED;
  s.vmin.assign(s.n_features(), voice ? -3.0 : -60.0);
  s.vmax.assign(s.n_features(), voice ? 3.0 : 20.0);
  s.temperature = 1.0f;
  s.abstain_rule = ATOME_ABSTAIN_MARGIN;
  s.abstain_threshold = 0.05f;
  const atome_config cfg = small_config(16, 1, 4, 3, 2, ATOME_PATH_ALL, n_classes);
  return write_native(
      convert_numerics(with_class_spec(random_model(cfg, seed), s), ATOME_NUMERICS_Q15));
}

class ClassifyWav : public CliTest {
 protected:
  std::string head(bool voice) {
    const std::string p = path(voice ? "voice.atome" : "scene.atome");
    write_bytes(p, wavcli_head(voice, voice ? 41 : 42));
    return p;
  }
  std::string wav(const std::string& name, const std::vector<uint8_t>& bytes) {
    write_bytes(path(name), bytes);
    return shell_quote(path(name));
  }
  // The CSV row of the frame the device's front end makes of `clip`: each int32 feature as the
  // decimal of value * 2^-frac[c] (exact: %.17g round-trips binary64).
  std::string csv_row(const std::string& model, const std::vector<int16_t>& clip) {
    const ModelFile m = load_model_file(model);
    atome_audio_front fe{};
    atome_tokenizer tok{};
    EXPECT_EQ(atome_audio_front_from_model(&m.model, &fe), ATOME_APPS_OK);
    EXPECT_EQ(atome_tok_prepare(&tok, &m.model), ATOME_APPS_OK);
    atome_mfcc_work work;
    std::vector<int32_t> frame(tok.n_features);
    EXPECT_EQ(
        atome_audio_front_frame(&fe, &tok, clip.data(), clip.size(), &work, frame.data(), nullptr),
        ATOME_APPS_OK);
    std::string row;
    std::vector<double> values;
    for (size_t i = 0; i < frame.size(); ++i) {
      values.push_back(std::ldexp(double(frame[i]), -int(tok.frac[i % tok.n_channels])));
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", values.back());
      row += (i ? "," : "") + std::string(buf);
    }
    // The host's binary64 tokens of these values are the device tokeniser's of the frame.
    std::vector<uint8_t> device(tok.n_features);
    EXPECT_EQ(atome_tok_run(&tok, frame.data(), frame.size(), device.data(), nullptr),
              ATOME_APPS_OK);
    const std::vector<uint32_t> host = tokenize_features(class_spec_of(m.model), values);
    EXPECT_EQ(host, std::vector<uint32_t>(device.begin(), device.end()));
    return row + "\n";
  }
  CliResult classify(const std::string& model, const std::string& input_flags) {
    return run("classify --model " + shell_quote(model) + " " + input_flags);
  }
};

// Several clips of each head through --wav print, line for line and byte for byte, what --csv
// prints for the device front end's frames; also with a LIST chunk (odd size, padded) before the
// data, and with the files given by repeating the flag.
TEST_F(ClassifyWav, ClipsClassifyExactlyAsCsvOfTheDeviceFrame) {
  for (const bool voice : {true, false}) {
    const std::string model = head(voice);
    const size_t n = voice ? 16000 : 8000;
    std::string files, repeated, csv;
    for (uint32_t k = 0; k < 4; ++k) {
      const std::vector<int16_t> clip =
          voiced_clip(n, 7 + k, 110.0 + 170.0 * k, size_t(1000 + 500 * k) % (n / 2));
      std::vector<uint8_t> list;
      if (k == 1) wavcli_chunk(list, "LIST", {'I', 'N', 'F', 'O', 'x'});
      const std::string f =
          wav("clip" + std::to_string(k) + ".wav", wavcli_image(clip, {}, true, true, list));
      files += " " + f;
      repeated += " --wav " + f;
      csv += csv_row(model, clip);
    }
    std::ofstream(path("frames.csv")) << csv;
    for (const char* json : {" --json", ""}) {
      const CliResult want = classify(model, "--csv " + shell_quote(path("frames.csv")) + json);
      ASSERT_EQ(want.exit_code, 0) << want.err;
      EXPECT_EQ(std::count(want.out.begin(), want.out.end(), '\n'), 4) << want.out;
      // Not a trivial comparison: the clips' lines differ.
      std::vector<std::string> lines;
      for (size_t at = 0, nl; (nl = want.out.find('\n', at)) != std::string::npos; at = nl + 1)
        lines.push_back(want.out.substr(at, nl - at));
      std::sort(lines.begin(), lines.end());
      EXPECT_GT(std::unique(lines.begin(), lines.end()) - lines.begin(), 1) << want.out;
      const CliResult got = classify(model, "--wav" + files + json);
      ASSERT_EQ(got.exit_code, 0) << got.err;
      EXPECT_EQ(got.out, want.out) << (voice ? "voice" : "scene");
      const CliResult again = classify(model, repeated.substr(1) + json);
      ASSERT_EQ(again.exit_code, 0) << again.err;
      EXPECT_EQ(again.out, want.out);
    }
  }
}

// Every malformed WAV, a clip of another length, a head without an audio front end and a second
// input flag: exit code != 0, one line naming the file and what is wrong.
TEST_F(ClassifyWav, BadClipsAreOneLineNamingTheProblem) {
  const std::string voice = head(true), scene = head(false);
  const std::vector<int16_t> one_s = voiced_clip(16000, 3, 200.0, 2000);
  const auto bad = [&](const std::string& name, const std::vector<uint8_t>& bytes,
                       const std::string& needle, const std::string& model = "") {
    const std::string f = wav(name, bytes);
    SCOPED_TRACE(name);
    const CliResult r = classify(model.empty() ? voice : model, "--wav " + f);
    expect_one_line_error(r, 1, needle);
    if (std::getenv("WAVCLI_SHOW")) std::fputs(r.err.c_str(), stderr);
    EXPECT_NE(r.err.find(name), std::string::npos) << "file not named: " << r.err;
  };
  bad("empty.wav", {}, "empty file");
  std::vector<uint8_t> rifx = wavcli_image(one_s);
  rifx[3] = 'X';
  bad("rifx.wav", rifx, "not a WAV file (no RIFF/WAVE header)");
  bad("short.wav", {'R', 'I', 'F', 'F'}, "not a WAV file");
  WavcliFmt f;
  f.channels = 2;
  bad("stereo.wav", wavcli_image(one_s, f), "2 channels, mono (1) needed");
  for (uint16_t bits : {8, 24, 32}) {
    f = {};
    f.bits = bits;
    bad("bits" + std::to_string(bits) + ".wav", wavcli_image(one_s, f),
        std::to_string(bits) + "-bit samples, 16-bit needed");
  }
  f = {};
  f.format = 3;
  f.bits = 32;
  bad("float.wav", wavcli_image(one_s, f), "audio format 3 (float), only PCM (1)");
  f = {};
  f.format = 0xFFFE;
  bad("extensible.wav", wavcli_image(one_s, f), "audio format 65534 (extensible)");
  f = {};
  f.rate = 8000;
  bad("rate8k.wav", wavcli_image(std::vector<int16_t>(8000), f),
      "sample rate 8000 Hz, the front end needs 16000 Hz");
  f = {};
  f.rate = 44100;
  bad("rate44k.wav", wavcli_image(one_s, f), "sample rate 44100 Hz", scene);
  f = {};
  f.fmt_bytes = 14;
  bad("shortfmt.wav", wavcli_image(one_s, f), "'fmt ' chunk of 14 bytes, at least 16 needed");
  std::vector<uint8_t> align = wavcli_image(one_s);
  align[32] = 4;  // block align 4 for 16-bit mono
  bad("align.wav", align, "inconsistent 'fmt ' chunk (block align 4");
  std::vector<uint8_t> cut = wavcli_image(one_s);
  cut.resize(cut.size() - 100);
  bad("truncated.wav", cut, "truncated: the RIFF header says 32044 bytes, the file has 31944");
  std::vector<uint8_t> over = wavcli_image(one_s);
  wavcli_set32(over, 40, 32002);  // the data chunk's size beyond the RIFF data
  bad("datasize.wav", over, "chunk 'data' at byte 36 has 32002 bytes, beyond the end");
  std::vector<uint8_t> huge = wavcli_image(one_s);
  wavcli_set32(huge, 16, 0xFFFFFFF0u);  // the fmt chunk's size
  bad("fmtsize.wav", huge, "chunk 'fmt ' at byte 12 has 4294967280 bytes, beyond the end");
  std::vector<uint8_t> riff_big = wavcli_image(one_s);
  wavcli_set32(riff_big, 4, 0xFFFFFFFFu);
  bad("riffsize.wav", riff_big, "truncated: the RIFF header says 4294967303 bytes");
  std::vector<uint8_t> odd = wavcli_image(one_s);
  odd.push_back(0);
  odd.push_back(0);
  wavcli_set32(odd, 40, 32001);  // an odd data size (its pad byte present)
  wavcli_set32(odd, 4, uint32_t(odd.size() - 8));
  bad("odd.wav", odd, "'data' chunk of 32001 bytes, not a whole number of 16-bit samples");
  std::vector<uint8_t> tail = wavcli_image(one_s);
  tail.insert(tail.end(), {'J', 'U', 'N', 'K'});
  wavcli_set32(tail, 4, uint32_t(tail.size() - 8));
  bad("chunkhead.wav", tail, "truncated chunk header at byte 32044 (4 bytes left, 8 needed)");
  bad("nofmt.wav", wavcli_image(one_s, {}, false), "no 'fmt ' chunk");
  bad("nodata.wav", wavcli_image(one_s, {}, true, false), "no 'data' chunk");
  std::vector<uint8_t> two_data;
  wavcli_chunk(two_data, "data", {1, 2});
  bad("twodata.wav", wavcli_image(one_s, {}, true, true, two_data), "more than one 'data' chunk");
  bad("nosamples.wav", wavcli_image({}), "no samples (empty 'data' chunk)");
  // Length: refused, not padded or cut, with the length needed.
  bad("short_clip.wav", wavcli_image(std::vector<int16_t>(15999)),
      "the head's front end needs exactly 16000 (1 s at 16000 Hz)");
  bad("long_scene.wav", wavcli_image(one_s),
      "16000 samples (1 s); the head's front end needs exactly 8000 (0.5 s at 16000 Hz)", scene);
  // A good clip after a bad one in the same call: still one error line, for the bad file.
  const std::string good = wav("good.wav", wavcli_image(one_s));
  expect_one_line_error(classify(voice, "--wav " + good + " " + wav("e.wav", {})), 1, "e.wav");

  // A head whose file names no audio front end, and --wav with another input.
  const std::string no_front = std::string(ATOME_SOURCE_DIR) + "/models/task-bad-reading-q15.atome";
  expect_one_line_error(classify(no_front, "--wav " + good), 2,
                        "has no audio front end --wav can run");
  expect_one_line_error(classify(voice, "--wav " + good + " --tokens 1,2"), 2,
                        "give exactly one of --tokens, --csv and --wav");
}

// --fit: a short clip padded with silence, a long one cropped to its start, classify as those
// clips written out exactly; without the matching --fit they are refused, naming the flag.
TEST_F(ClassifyWav, FitPadsOrCropsOnlyWhenAsked) {
  const std::string voice = head(true);
  const std::vector<int16_t> long_clip = voiced_clip(20000, 5, 180.0, 3000);
  std::vector<int16_t> short_clip(long_clip.begin(), long_clip.begin() + 12000);
  std::vector<int16_t> padded = short_clip, cropped = long_clip;
  padded.resize(16000, 0);
  cropped.resize(16000);
  const std::string s = wav("short.wav", wavcli_image(short_clip));
  const std::string l = wav("long.wav", wavcli_image(long_clip));
  const CliResult want_pad = classify(voice, "--json --wav " + wav("p.wav", wavcli_image(padded)));
  const CliResult want_crop =
      classify(voice, "--json --wav " + wav("c.wav", wavcli_image(cropped)));
  ASSERT_EQ(want_pad.exit_code, 0) << want_pad.err;
  ASSERT_EQ(want_crop.exit_code, 0) << want_crop.err;
  EXPECT_NE(want_pad.out, want_crop.out);
  EXPECT_EQ(classify(voice, "--json --fit pad --wav " + s).out, want_pad.out);
  EXPECT_EQ(classify(voice, "--json --fit crop --wav " + l).out, want_crop.out);
  EXPECT_EQ(classify(voice, "--json --fit pad-crop --wav " + s + " " + l).out,
            want_pad.out + want_crop.out);
  expect_one_line_error(classify(voice, "--wav " + s), 1, "or give --fit pad");
  expect_one_line_error(classify(voice, "--fit crop --wav " + s), 1,
                        "12000 samples (0.75 s); the head's front end needs exactly 16000");
  expect_one_line_error(classify(voice, "--fit pad --wav " + l), 1, "or give --fit crop");
  expect_one_line_error(classify(voice, "--fit both --wav " + l), 2, "--fit");
  std::ofstream(path("x.csv")) << "1\n";
  expect_one_line_error(classify(voice, "--fit pad --csv " + shell_quote(path("x.csv"))), 2,
                        "--fit applies to --wav clips only");
}

// The reader alone: the samples in order, little-endian and signed; an unknown chunk before fmt
// skipped.
TEST(WavRead, SamplesInOrderAndUnknownChunksSkipped) {
  std::vector<uint8_t> junk;
  wavcli_chunk(junk, "junk", {9, 9, 9});
  std::vector<uint8_t> img = wavcli_image({0, 1, -1, 32767, -32768});
  img.insert(img.begin() + 12, junk.begin(), junk.end());
  wavcli_set32(img, 4, uint32_t(img.size() - 8));
  const WavClip c = read_wav(img.data(), img.size(), 16000, "x.wav");
  EXPECT_EQ(c.sample_rate_hz, 16000u);
  EXPECT_EQ(c.samples, (std::vector<int16_t>{0, 1, -1, 32767, -32768}));
  // Every prefix of the image is refused as a FormatError (under ASan: never read past it).
  for (size_t n = 0; n < img.size(); ++n)
    EXPECT_THROW(read_wav(img.data(), n, 16000, "x.wav"), FormatError) << n;
}

}  // namespace
}  // namespace atome::test
