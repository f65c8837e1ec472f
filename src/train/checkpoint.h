// Training checkpoints: everything a run needs to continue exactly where it stopped (options,
// step, best validation score, master weights, AdamW moments), in one file written atomically
// (temporary file + fsync + rename), so a run killed at any instant leaves the previous complete
// checkpoint. Layout (little-endian):
//   "ATOMECKP"  u32 version (1)  u32 json_bytes  json (the options and counters)
//   f32 params[n]  f32 adam_m[n]  f32 adam_v[n]  u32 crc32 of every byte before it
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atome::train {

struct Checkpoint {
  std::string json;  // options and counters, owned by the trainer (trainer.cpp)
  std::vector<float> params, adam_m, adam_v;
};

void write_checkpoint(const std::string& path, const Checkpoint& ckpt);
// Throws std::runtime_error naming the file when it is missing, truncated, corrupted (CRC) or of
// another version.
Checkpoint read_checkpoint(const std::string& path);

}  // namespace atome::train
