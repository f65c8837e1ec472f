// The compact q15 layout (FORMAT.md §18, version 2.0) on the host: rounding a q15 model's vectors
// to int16 << shift, writing the table-free file, and reading one back into a HostModel.
#pragma once
#include <cstdint>
#include <vector>

#include "atome/atome.h"
#include "host/model_data.h"

namespace atome {

// What rounding a model's vectors for the compact layout changed.
struct CompactRounding {
  uint64_t values = 0;        // vector values in the model
  uint64_t moved = 0;         // of them, changed by the rounding
  int64_t max_change = 0;     // largest |rounded - original| (Q16, Q15 for the SSM decay)
  uint64_t alphas = 0;        // trit tensors' alphas (Q24)
  uint64_t alphas_moved = 0;  // of them, changed (to the nearest u16 << shift)
};

// Rounds every vector tensor of a q15 model in place to the nearest int16 << s, s the smallest
// shift at which every value of the tensor fits (ties towards +infinity, FORMAT.md §16.4's rnd),
// and every trit alpha (Q24) to the nearest uint16 << s likewise: after it, write_compact stores
// the model exactly. A FormatError for a model that is not q15.
CompactRounding round_for_compact(HostModel* model);

// The compact image of a q15 model whose every vector value is int16 << s for one s per tensor
// (round_for_compact's output, or a model read from a compact file); trits are written as trit3
// rows whatever the model's packing. A FormatError names the first value that is not.
std::vector<uint8_t> write_compact(const HostModel& model);

// read_native's half for a compact model the engine has loaded: the vectors as int32 (v16 <<
// shift) and the trits as trit3, so that write_native of the result is the v1 file with the
// same values.
HostModel read_compact(const atome_model& model);

}  // namespace atome
