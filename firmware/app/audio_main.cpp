// Raw-audio firmware entry (docs/APPS.md §13): the voice and sound_scene heads and a few recorded
// int16 clips as C arrays in flash (ATOME_AUDIO_HEADER, written by scripts/audio_clips.py, which
// includes each head's `atome export --c-header`), a static pool for their one shared session
// (ATOME_ARENA_BYTES), one line per clip over semihosting (audio_run.cpp: the same code the host
// twin runs).
#include <stdint.h>

#include "../boot/semihost.h"
#include "audio_run.h"
#include "stack_probe.h"
#include ATOME_AUDIO_HEADER

alignas(16) static uint8_t g_pool[ATOME_ARENA_BYTES];
static atome_model g_models[sizeof kAudioHeads / sizeof kAudioHeads[0]];

// The instruction-count marker (QEMU plugin mark=): its i-th execution prints how many
// instructions ran before it; three per clip (before the front end, after it, after the head).
extern "C" __attribute__((noinline, used)) void atome_bench_mark() {
  __asm volatile("" ::: "memory");
}

int main() {
  stack_probe_paint();
  AudioRunInput in;
  in.n_heads = sizeof kAudioHeads / sizeof kAudioHeads[0];
  in.heads = kAudioHeads;
  in.n_clips = sizeof kAudioClips / sizeof kAudioClips[0];
  in.clips = kAudioClips;
  in.pool = g_pool;
  in.pool_bytes = sizeof g_pool;
  in.models = g_models;
  in.mark = atome_bench_mark;
  const int status = atome_audio_run(in, sh_write_line);
  stack_probe_report(sh_write_line);  // "#": device-only, not compared with the twin
  sh_exit(static_cast<uint32_t>(status));
}
