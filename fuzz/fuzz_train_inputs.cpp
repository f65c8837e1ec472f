// libFuzzer target: the trainer's loaders of untrusted input. The first input byte picks the
// loader (byte % 4), the rest of the input is what it reads:
//   0  parse_checkpoint (checkpoint.bin): throws std::runtime_error, or returns params, adam_m
//      and adam_v of one size, and serialize_checkpoint gives back the input byte for byte;
//   1  text_corpus_from_string (a training / validation text): throws std::runtime_error, or
//      returns tokens holding 0x04 exactly once after each (non-empty) story and nowhere else,
//      with story_starts strictly increasing and inside the tokens;
//   2  options_from_json (run.json): throws std::invalid_argument, or returns options whose
//      options_to_json text reads back (options_from_json) to options with the same text;
//   3  parse_sweep (an experiments/*.json sweep file): throws Error, or returns a sweep with
//      seeds and models, unique seeds and model names usable as directory names, a baseline
//      that is one of the models, and no argument that sets a flag the runner owns.
// Seeds: fuzz/make_corpus.sh writes corpus/train_inputs/ (one valid input per loader).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/errors.h"
#include "host/text_corpus.h"
#include "lab/sweep_file.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace {

namespace train = atome::train;

// A broken invariant: say which, then abort (libFuzzer saves the input as a crash).
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_train_inputs: invariant broken: %s\n", what);
  std::abort();
}

void check_checkpoint(const std::vector<uint8_t>& bytes) {
  train::Checkpoint c;
  try {
    c = train::parse_checkpoint(bytes, "fuzz");
  } catch (const std::runtime_error&) {
    return;
  }
  if (c.adam_m.size() != c.params.size() || c.adam_v.size() != c.params.size())
    fail("checkpoint arrays differ in size");
  if (train::serialize_checkpoint(c) != bytes)
    fail("checkpoint does not re-serialise to its input");
}

void check_text(const std::string& text) {
  atome::TextCorpus corpus;
  try {
    corpus = atome::text_corpus_from_string(text, "fuzz");
  } catch (const std::runtime_error&) {
    return;
  }
  const std::vector<uint8_t>& t = corpus.tokens;
  const std::vector<size_t>& starts = corpus.story_starts;
  if (starts.empty()) fail("a corpus without stories was accepted");
  if (starts[0] != 0) fail("the first story does not start the tokens");
  for (size_t i = 0; i < starts.size(); ++i) {
    if (starts[i] >= t.size()) fail("story start past the tokens");
    if (i > 0 && starts[i] <= starts[i - 1]) fail("story starts not strictly increasing");
    // Empty stories are skipped: at least one byte before each end-of-story byte.
    if (i > 0 && starts[i] - starts[i - 1] < 2) fail("empty story");
  }
  if (t.size() - starts.back() < 2) fail("empty last story");
  // 0x04 exactly at the byte before each next story and at the very end, nowhere else.
  size_t next = 1;  // index in starts of the story after the one being scanned
  for (size_t k = 0; k < t.size(); ++k) {
    const size_t story_end = next < starts.size() ? starts[next] - 1 : t.size() - 1;
    const bool is_end = k == story_end;
    if ((t[k] == atome::kEndOfStory) != is_end) fail("end-of-story byte misplaced");
    if (is_end) ++next;
  }
  if (next != starts.size() + 1) fail("token count does not match the stories");
}

void check_options(const std::string& text) {
  train::TrainOptions o;
  try {
    o = train::options_from_json(text);
  } catch (const std::invalid_argument&) {
    return;
  }
  const std::string once = train::options_to_json(o);
  train::TrainOptions again;
  try {
    again = train::options_from_json(once);
  } catch (const std::invalid_argument&) {
    fail("options_to_json output is rejected by options_from_json");
  }
  if (train::options_to_json(again) != once) fail("options do not round-trip through JSON");
}

void check_sweep(const std::string& text) {
  atome::lab::SweepFile s;
  try {
    s = atome::lab::parse_sweep(text, "fuzz");
  } catch (const atome::Error&) {
    return;
  }
  if (s.name.empty() || s.title.empty()) fail("sweep without a name or title");
  if (s.seeds.empty() || s.models.empty()) fail("sweep without seeds or models");
  if (std::set<uint64_t>(s.seeds.begin(), s.seeds.end()).size() != s.seeds.size())
    fail("a seed twice");
  std::set<std::string> names;
  bool baseline_found = false;
  auto owned = [](const std::string& a) {
    const std::string flag = a.substr(0, a.find('='));
    return flag == "--out" || flag == "--resume" || flag == "--seed" || flag == "--threads";
  };
  for (const std::string& a : s.protocol)
    if (owned(a)) fail("protocol sets a flag the runner owns");
  for (const atome::lab::SweepModel& m : s.models) {
    if (!names.insert(m.name).second) fail("a model name twice");
    if (m.name.empty() || m.name[0] == '.' || m.name.find('/') != std::string::npos)
      fail("a model name that is not a plain directory name");
    if (m.label.empty()) fail("a model without a label");
    for (const std::string& a : m.args)
      if (owned(a)) fail("model args set a flag the runner owns");
    baseline_found = baseline_found || m.name == s.baseline;
  }
  if (!baseline_found) fail("baseline is not one of the models");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t* rest = data + 1;
  const size_t n = size - 1;
  switch (data[0] % 4) {
    case 0:
      check_checkpoint(std::vector<uint8_t>(rest, rest + n));
      break;
    case 1:
      check_text(std::string(reinterpret_cast<const char*>(rest), n));
      break;
    case 2:
      check_options(std::string(reinterpret_cast<const char*>(rest), n));
      break;
    default:
      check_sweep(std::string(reinterpret_cast<const char*>(rest), n));
      break;
  }
  return 0;
}
