// The raw-audio app (docs/APPS.md §13): recorded int16 microphone clips through each audio head's
// front end (atome_audio_front_frame), tokeniser, session and calibration, one line per clip.
// Shared by the firmware (audio_main.cpp: models and clips as C arrays in flash) and its host twin
// (firmware/audio_twin.cpp: the same arrays read from files), so that the two print the same
// lines exactly when every integer on the path is the same.
#ifndef ATOME_FIRMWARE_AUDIO_RUN_H
#define ATOME_FIRMWARE_AUDIO_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "atome/apps.h"
#include "atome/atome.h"

enum { ATOME_AUDIO_MAX_HEADS = 2 };

struct AudioHeadSpec {
  const char* name;      // the apps.json head name (voice, sound_scene)
  const uint8_t* image;  // the model file, 16-byte aligned
  uint32_t image_bytes;  // the front end comes from the file (atome_audio_front_from_model)
};

struct AudioClip {
  uint32_t head;   // index into heads
  uint32_t label;  // the generator's label (printed, not used)
  const int16_t* samples;
  uint32_t n_samples;
};

struct AudioRunInput {
  uint32_t n_heads;  // 1..ATOME_AUDIO_MAX_HEADS
  const AudioHeadSpec* heads;
  uint32_t n_clips;
  const AudioClip* clips;
  uint8_t* pool;  // one session shared by the heads (ATOME_STATE_ALIGN aligned)
  size_t pool_bytes;
  atome_model* models;  // n_heads of them
  // Called before the front end, between it and the head, and after the head (NULL: not called):
  // the firmware's instruction-count marker (QEMU plugin mark=).
  void (*mark)(void);
};

// One line per head first, "head NAME front KIND N_SAMPLES SEGMENTS N_CEPS FLOOR_DB" (what
// atome_audio_front_from_model read from its file), then one line per clip:
//   clip I head NAME label L fe STATUS clipped K frame 0xD tokens 0xD in S c C p P m M a A L=l,..
// (frame / tokens: logits_digest.h over the int32 frame and the tokens packed 4 a word); returns
// 0, or 1 after one "error: ..." line.
int atome_audio_run(const AudioRunInput& in, void (*emit)(const char* line));

#endif  // ATOME_FIRMWARE_AUDIO_RUN_H
