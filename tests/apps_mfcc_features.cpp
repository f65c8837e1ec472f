// Host driver of the fixed-point MFCC (apps/mfcc.cpp) for scripts/mfcc-agreement.sh: reads clips
// of int16 little-endian audio, writes one feature CSV row per clip (no header), the Q16.16
// results printed exactly. Usage: atome_apps_mfcc_features AUDIO.s16 CLIP_SAMPLES SEGMENTS
// [cmvn N_CEPS [FLOOR_DB] | scene] (cmvn: atome_mfcc_cmvn, the voice head's per-clip CMVN on
// c0..c(N_CEPS-1); with FLOOR_DB atome_mfcc_cmvn_span, voice's version 3, the segments over the
// speech span; scene: atome_mfcc_scene, the sound_scene head's level, c1..c5, flux and c0_sd).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "atome/apps.h"

int main(int argc, char** argv) {
  const bool cmvn = (argc == 6 || argc == 7) && std::string(argv[4]) == "cmvn";
  const bool scene = argc == 5 && std::string(argv[4]) == "scene";
  if (argc != 4 && !cmvn && !scene) {
    std::fprintf(stderr,
                 "usage: %s AUDIO.s16 CLIP_SAMPLES SEGMENTS [cmvn N_CEPS [FLOOR_DB] | scene]\n",
                 argv[0]);
    return 2;
  }
  const long floor_db = argc == 7 ? std::strtol(argv[6], nullptr, 10) : -1;  // -1: whole clip
  const long n_ceps = cmvn    ? std::strtol(argv[5], nullptr, 10)
                      : scene ? long(ATOME_MFCC_SCENE_NCH)
                              : long(ATOME_MFCC_NCEP);
  FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 1;
  }
  const long clip = std::strtol(argv[2], nullptr, 10);
  const long segments = std::strtol(argv[3], nullptr, 10);
  if (clip <= 0 || segments <= 0 || segments > ATOME_MFCC_MAX_SEGMENTS || n_ceps <= 0 ||
      n_ceps > ATOME_MFCC_NCEP || (argc == 7 && (floor_db < 0 || floor_db > 1000))) {
    std::fprintf(stderr, "error: bad CLIP_SAMPLES, SEGMENTS, N_CEPS or FLOOR_DB\n");
    std::fclose(f);
    return 2;
  }
  std::vector<unsigned char> raw(2 * static_cast<size_t>(clip));
  std::vector<int16_t> audio(static_cast<size_t>(clip));
  std::vector<int32_t> out(size_t(segments) * size_t(n_ceps));
  static atome_mfcc_work work;
  while (std::fread(raw.data(), 1, raw.size(), f) == raw.size()) {
    for (long i = 0; i < clip; ++i)
      audio[size_t(i)] = int16_t(uint16_t(raw[2 * size_t(i)] | raw[2 * size_t(i) + 1] << 8));
    const atome_apps_status s =
        cmvn && floor_db >= 0
            ? atome_mfcc_cmvn_span(audio.data(), audio.size(), uint32_t(segments), uint32_t(n_ceps),
                                   uint32_t(floor_db), &work, out.data())
        : cmvn ? atome_mfcc_cmvn(audio.data(), audio.size(), uint32_t(segments), uint32_t(n_ceps),
                                 &work, out.data())
        : scene
            ? atome_mfcc_scene(audio.data(), audio.size(), uint32_t(segments), &work, out.data())
            : atome_mfcc(audio.data(), audio.size(), uint32_t(segments), &work, out.data());
    if (s != ATOME_APPS_OK) {
      std::fprintf(stderr, "error: %s\n", atome_apps_status_str(s));
      std::fclose(f);
      return 1;
    }
    for (size_t i = 0; i < out.size(); ++i) std::printf("%s%.17g", i ? "," : "", out[i] / 65536.0);
    std::printf("\n");
  }
  std::fclose(f);
  return 0;
}
