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
  std::string json;  // options and counters, owned by the trainer (run_options.h)
  std::vector<float> params, adam_m, adam_v;
};

// The file image (layout above). Throws std::logic_error if the moment arrays differ in size
// from the parameters or a size does not fit the u32 fields.
std::vector<uint8_t> serialize_checkpoint(const Checkpoint& ckpt);
// serialize_checkpoint, written atomically to `path`.
void write_checkpoint(const std::string& path, const Checkpoint& ckpt);

// Parses a checkpoint image; `name` stands for the file in messages. Throws std::runtime_error
// naming it when the image is truncated, corrupted (CRC) or of another version. Every size comes
// from the image and is checked against its length before use (fuzz/fuzz_train_inputs.cpp);
// an accepted image re-serialises to the same bytes.
Checkpoint parse_checkpoint(const std::vector<uint8_t>& bytes, const std::string& name);
// parse_checkpoint(read_file(path), path): also throws std::runtime_error when the file is
// missing or unreadable.
Checkpoint read_checkpoint(const std::string& path);

}  // namespace atome::train
