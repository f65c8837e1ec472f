// A classifier's input spec, calibration and abstention rule on the host side, and its encoding as
// the metadata section of a 1.3 classifier file (docs/FORMAT.md §17). The engine validates and
// reads the section in place (engine/class_meta.h); this is the writer and a structured reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "host/model_data.h"

namespace atome {

struct ChannelSpec {
  std::string name;
  std::string unit;       // may be empty
  float phys_min = 0.0f;  // both 0: not recorded (then values are not range-checked)
  float phys_max = 0.0f;
};

struct PipelineParam {
  std::string name;
  float value = 0.0f;
};

struct ClassSpec {
  std::vector<std::string> classes;
  std::vector<ChannelSpec> channels;  // C
  uint32_t window = 1;                // T timesteps; features are time-major: index t * C + c
  float sample_rate_hz = 0.0f;        // 0 = not defined (the original's synthetic heads)
  std::string pipeline = "none";
  std::vector<PipelineParam> params;
  uint32_t quant_mode = ATOME_QUANT_GLOBAL;
  std::vector<double> vmin, vmax;  // C * T, time-major
  float temperature = 1.0f;
  uint32_t abstain_rule = ATOME_ABSTAIN_NONE;
  float abstain_threshold = 0.0f;

  uint32_t n_features() const { return static_cast<uint32_t>(channels.size()) * window; }
};

// The section's bytes; throws FormatError with the reason when the spec breaks a §17 rule (the
// engine's validator has the last word: the result always passes it).
std::vector<uint8_t> encode_class_meta(const ClassSpec& spec);

// The spec a loaded model carries; throws Error when it has no metadata section.
ClassSpec class_spec_of(const atome_model& model);

// The model as a 1.3 classifier file: its unembedding dropped, the spec attached. The spec's
// class count must equal the model's.
HostModel with_class_spec(HostModel model, const ClassSpec& spec);

// "global" / "banded" and back (UsageError for another name).
const char* quant_mode_name(uint32_t mode);
uint32_t parse_quant_mode(const std::string& name);
// "none", "max-prob", "margin" and back.
const char* abstain_rule_name(uint32_t rule);
uint32_t parse_abstain_rule(const std::string& name);

}  // namespace atome
