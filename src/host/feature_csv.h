// `atome classify --csv`: raw feature rows, one input per row, checked against a classifier's
// input spec. Layout (docs/FORMAT.md §17.5): comma-separated, n_features = C * T numbers per row in
// time-major order (t0: channel 0 .. C-1, t1: ...). An optional first line names the columns:
// the channel names when T = 1, else "name[t]". Blank lines are skipped.
//
// Every problem is a FormatError of one line naming the file, the row (its line number) and the
// column (1-based, with its channel and timestep): an empty file, a row with the wrong number of
// values, an empty or non-numeric field, NaN or infinity, a value outside its channel's physical
// range (when the file records one), a header naming another column.
#pragma once

#include <string>
#include <vector>

#include "host/class_spec.h"

namespace atome {

// The expected name of feature `index` ("name" or "name[t]").
std::string feature_column_name(const ClassSpec& spec, uint32_t index);

std::vector<std::vector<double>> read_feature_csv(const std::string& text, const ClassSpec& spec,
                                                  const std::string& name);

}  // namespace atome
