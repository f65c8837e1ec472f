// `atome apps run --stream FRAMES.csv`: the recorded sensor stream, one frame per head and period
// (docs/APPS.md §10.5).
//
// Layout: a header line "period,head,values..." (the fields after "head" are free text), then one
// row per (period, head): the period number, the head's name as apps.json names it, and its
// window's values in physical units, time-major (t0: channel 0 .. C-1, t1: ...). Periods start at 0
// and go up by 0 or 1 from one row to the next; a head appears at most once per period; a head
// without a row in a period has no frame that period. Blank lines are skipped.
//
// What the reader refuses (a FormatError of one line naming the row and the column): a missing or
// wrong header, a period that is not an integer or breaks the order, an unknown head, a head twice
// in one period, a field that is not a number or "nan" (any case), more than 4096 values.
// What it keeps, as bad frames with a defined status for the runner (never an error): NaN or
// infinity among the values, and a value count other than the head's.
//
// Operator rows (docs/APPS.md §10, "Operator rows"): a head name cannot start with '@' (apps.json
// refuses it), so these never clash with a head:
//   P,@command,"TEXT"   a typed request for the text interpreter, as one CSV-quoted field: the
//                       text between the quotes, "" for one quote; commas are kept. Any bytes but
//                       a newline; its length is the interpreter's to judge (empty or over 32
//                       bytes: a bad-text decision, not a reader error).
//   P,@resume           the operator's explicit resume (no text head has a "resume" class).
// They belong to period P and are applied in file order before that period's step. Refused with
// row and column: an unquoted or unterminated text, anything after the closing quote, a field
// after @resume, another '@' word.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/apps.h"

namespace atome {

struct StreamFrame {
  bool present = false;
  bool non_finite = false;     // a NaN or infinite value: the frame is bad
  std::vector<double> values;  // as read (count may differ from the head's: a bad frame)
};

// An operator row: a typed request, or the explicit resume.
struct StreamOperator {
  enum Kind { kCommand, kResume } kind = kCommand;
  std::string text;  // kCommand: the request's bytes
  size_t row = 0;    // in the file, for messages
};

// periods[p][h]: head h's frame in period p (h in the order of `heads`); operators[p]: period p's
// operator rows in file order (same length as periods).
struct AppsStream {
  std::vector<std::vector<StreamFrame>> periods;
  std::vector<std::vector<StreamOperator>> operators;
};

AppsStream read_apps_stream(const std::string& text, const std::vector<std::string>& heads,
                            const std::string& name);

// A frame's values in the tokeniser's input format (docs/APPS.md §4): value t * C + c becomes
// value * 2^frac[c], rounded to nearest, saturated to int32 (the tokeniser then flags it when the
// channel records a physical range). Host-side only: a device's ADC gives integers directly. One
// place for `atome apps run` and the firmware app's frames (firmware/apps_twin.cpp), so that both
// feed the runner the same integers. The frame must be present and finite.
std::vector<int32_t> apps_frame_fixed(const StreamFrame& frame, const atome_tokenizer& tok);

}  // namespace atome
