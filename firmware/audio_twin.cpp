// The raw-audio firmware's host twin (scripts/firmware-audio.sh): the same app code
// (app/audio_run.cpp) on the same models and clips, read from the files scripts/audio_clips.py
// writes beside the firmware's header (audio_clips.txt: the heads and clips; audio_clips.s16: the
// samples), built with the host compiler against the host's engine and apps library.
//
//   atome_audio_twin DIR
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/audio_run.h"

namespace {

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR (audio_clips.txt, audio_clips.s16, the models)\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::ifstream manifest(dir + "/audio_clips.txt");
  const std::vector<uint8_t> pcm = read_all(dir + "/audio_clips.s16");
  std::vector<std::vector<uint8_t>> images;  // 16-byte aligned copies below
  std::vector<AudioHeadSpec> heads;
  std::vector<std::string> names;
  std::vector<AudioClip> clips;
  std::vector<std::vector<int16_t>> samples;
  names.reserve(ATOME_AUDIO_MAX_HEADS);
  std::string line;
  size_t at = 0;  // byte offset into audio_clips.s16
  while (std::getline(manifest, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "head") {  // head NAME MODEL (then the generator's front end: not read here)
      std::string name, model;
      AudioHeadSpec h{};
      in >> name >> model;
      names.push_back(name);
      images.push_back(read_all(dir + "/" + model));
      heads.push_back(h);
    } else if (kind == "clip") {  // clip HEAD LABEL N_SAMPLES ROW
      AudioClip c{};
      in >> c.head >> c.label;
      if (c.head >= heads.size()) return 2;
      in >> c.n_samples;
      std::vector<int16_t> s(c.n_samples);
      for (uint32_t i = 0; i < c.n_samples && at + 1 < pcm.size(); ++i, at += 2)
        s[i] = int16_t(uint16_t(pcm[at] | pcm[at + 1] << 8));
      samples.push_back(std::move(s));
      clips.push_back(c);
    }
  }
  // Model images at a 16-byte aligned address (the engine's requirement), as in flash.
  std::vector<std::vector<uint64_t>> aligned_images;
  for (size_t h = 0; h < heads.size(); ++h) {
    aligned_images.emplace_back((images[h].size() + 15) / 8 + 2);
    uint8_t* p = reinterpret_cast<uint8_t*>(aligned_images.back().data());
    while (reinterpret_cast<uintptr_t>(p) % 16 != 0) p += 8;
    std::copy(images[h].begin(), images[h].end(), p);
    heads[h].image = p;
    heads[h].image_bytes = uint32_t(images[h].size());
    heads[h].name = names[h].c_str();
  }
  for (size_t c = 0; c < clips.size(); ++c) clips[c].samples = samples[c].data();
  alignas(16) static uint8_t pool[1 << 20];
  atome_model models[ATOME_AUDIO_MAX_HEADS];
  AudioRunInput run{};
  run.n_heads = uint32_t(heads.size());
  run.heads = heads.data();
  run.n_clips = uint32_t(clips.size());
  run.clips = clips.data();
  run.pool = pool;
  run.pool_bytes = sizeof pool;
  run.models = models;
  return atome_audio_run(run, [](const char* l) { std::printf("%s\n", l); });
}
