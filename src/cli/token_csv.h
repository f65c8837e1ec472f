// `atome eval --per-token FILE`: one CSV row per prediction, for analyses the summary of
// --router-stats does not make (by position, by byte, per story, ...).
//
// Columns, in this order (a header row names them):
//   span     index of the story (story mode) or chunk (chunk mode), from 0
//   pos      position in the span of the input byte (0: the span's first byte); the target is
//            the byte at pos + 1
//   input    the byte fed, 0-255
//   target   the byte predicted, 0-255
//   loss     -ln softmax(logits)[target] in nats (exact double: the column sums to eval's nats)
//   H0 ..    router entropy of each layer, nats, in [0, ln n_paths]
//   H_mean   their mean over layers
//   r0_conv, r0_ssm, r0_attn, r1_conv, ...   each layer's router mixture (sums to 1), only for
//            the pathways the model has
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/evaluate.h"
#include "host/router_stats.h"

namespace atome::cli {

// The CSV text of a trace made by evaluate_spans over `spans` of `stream`.
std::string token_csv(const std::vector<uint8_t>& stream, const std::vector<Span>& spans,
                      const RouterTrace& trace);

// Throws Error naming `flag` unless `path` could be written: its folder exists and it is not
// itself a folder. Checked before a long evaluation rather than after it.
void check_output_path(const std::string& path, const std::string& flag);

}  // namespace atome::cli
