// Encoding of the classifier metadata section (docs/FORMAT.md §17) and its structured reading.
#include "host/class_spec.h"

#include <cstring>

#include "engine/class_meta.h"
#include "engine/format.h"
#include "host/byte_io.h"

namespace atome {
namespace {

using namespace class_meta;

void append_string(std::vector<uint8_t>& b, const std::string& s, const std::string& what) {
  if (s.size() > 255) throw FormatError(what + " is longer than 255 bytes: '" + s + "'");
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7F)
      throw FormatError(what + " contains a control character: '" + s + "'");
  }
  b.push_back(static_cast<uint8_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
  b.push_back(0);
}

}  // namespace

std::vector<uint8_t> encode_class_meta(const ClassSpec& spec) {
  const uint32_t C = static_cast<uint32_t>(spec.channels.size());
  if (C == 0 || C > kMaxChannels)
    throw FormatError("input spec needs 1.." + std::to_string(kMaxChannels) + " channels");
  if (spec.window == 0 || spec.window > kMaxWindow)
    throw FormatError("input spec window must be 1.." + std::to_string(kMaxWindow));
  const uint64_t F = static_cast<uint64_t>(C) * spec.window;
  if (F > kMaxFeatures) throw FormatError("input spec has more than 4096 features");
  if (spec.vmin.size() != F || spec.vmax.size() != F)
    throw FormatError("input spec has " + std::to_string(F) + " features (" + std::to_string(C) +
                      " channels x " + std::to_string(spec.window) + " timesteps) but " +
                      std::to_string(spec.vmin.size()) + " quantisation ranges");
  if (spec.params.size() > kMaxParams) throw FormatError("more than 64 pipeline parameters");
  for (size_t i = 0; i < F; ++i) {
    if (!(spec.vmin[i] < spec.vmax[i]) ||
        spec.vmax[i] - spec.vmin[i] != spec.vmax[i] - spec.vmin[i])
      throw FormatError("quantisation range of feature " + std::to_string(i) +
                        " must be finite with vmin < vmax");
  }
  std::vector<uint8_t> strings;
  append_string(strings, spec.pipeline, "pipeline name");
  for (const ChannelSpec& c : spec.channels) {
    append_string(strings, c.name, "channel name");
    append_string(strings, c.unit, "channel unit");
  }
  for (const PipelineParam& p : spec.params) append_string(strings, p.name, "parameter name");
  for (const std::string& n : spec.classes) append_string(strings, n, "class name");

  const size_t ranges = kHeaderBytes, channels = ranges + 16 * F, params = channels + 8 * C;
  const size_t str = params + 4 * spec.params.size(), end = str + strings.size();
  std::vector<uint8_t> b((end + 15) / 16 * 16, 0);
  std::memcpy(b.data() + kOffMagic, class_meta::kMagic, 8);
  put_u16(b, kOffVersion, kVersion);
  put_u32(b, kOffSectionBytes, static_cast<uint32_t>(b.size()));
  put_u32(b, kOffClasses, static_cast<uint32_t>(spec.classes.size()));
  put_u32(b, kOffChannels, C);
  put_u32(b, kOffWindow, spec.window);
  put_u32(b, kOffQuantMode, spec.quant_mode);
  put_f32(b, kOffSampleRate, spec.sample_rate_hz);
  put_f32(b, kOffTemperature, spec.temperature);
  put_u32(b, kOffAbstainRule, spec.abstain_rule);
  put_f32(b, kOffAbstainThreshold, spec.abstain_threshold);
  put_u32(b, kOffParams, static_cast<uint32_t>(spec.params.size()));
  put_u32(b, kOffStringsBytes, static_cast<uint32_t>(strings.size()));
  for (size_t i = 0; i < F; ++i) {
    put_f64(b, ranges + 16 * i, spec.vmin[i]);
    put_f64(b, ranges + 16 * i + 8, spec.vmax[i]);
  }
  for (size_t c = 0; c < C; ++c) {
    put_f32(b, channels + 8 * c, spec.channels[c].phys_min);
    put_f32(b, channels + 8 * c + 4, spec.channels[c].phys_max);
  }
  for (size_t p = 0; p < spec.params.size(); ++p) put_f32(b, params + 4 * p, spec.params[p].value);
  std::memcpy(b.data() + str, strings.data(), strings.size());
  // The engine's rules are the format's: anything else it would refuse is refused here.
  if (validate(b.data(), b.size(), static_cast<uint32_t>(spec.classes.size())) != ATOME_OK)
    throw FormatError(
        "invalid classifier metadata (check class names, channel names and ranges, temperature > "
        "0, abstention threshold in [0, 1], banded mode with at most 128 features, channel mode "
        "with at most 128 channels)");
  return b;
}

ClassSpec class_spec_of(const atome_model& model) {
  atome_class_info info;
  check_status(atome_model_class_info(&model, &info), "classifier metadata");
  ClassSpec s;
  s.window = info.window_len;
  s.sample_rate_hz = info.sample_rate_hz;
  s.pipeline = info.pipeline;
  s.quant_mode = info.quant_mode;
  s.temperature = info.temperature;
  s.abstain_rule = info.abstain_rule;
  s.abstain_threshold = info.abstain_threshold;
  for (uint32_t c = 0; c < info.n_channels; ++c) {
    const char *name, *unit;
    ChannelSpec ch;
    check_status(atome_model_channel(&model, c, &name, &unit, &ch.phys_min, &ch.phys_max),
                 "channel");
    ch.name = name;
    ch.unit = unit;
    s.channels.push_back(ch);
  }
  for (uint32_t p = 0; p < info.n_params; ++p) {
    const char* name;
    PipelineParam pp;
    check_status(atome_model_pipeline_param(&model, p, &name, &pp.value), "pipeline parameter");
    pp.name = name;
    s.params.push_back(pp);
  }
  for (uint32_t i = 0; i < info.n_features; ++i) {
    double lo, hi;
    check_status(atome_model_feature_range(&model, i, &lo, &hi), "feature range");
    s.vmin.push_back(lo);
    s.vmax.push_back(hi);
  }
  for (uint32_t k = 0; k < info.n_classes; ++k) {
    const char* name;
    check_status(atome_model_class_name(&model, k, &name), "class name");
    s.classes.push_back(name);
  }
  return s;
}

HostModel with_class_spec(HostModel m, const ClassSpec& spec) {
  if (m.config.arch != ATOME_ARCH_CLASSIFIER)
    throw FormatError("an input spec belongs to a classifier; this model is a language model");
  if (spec.classes.size() != m.config.n_classes)
    throw FormatError("the model has " + std::to_string(m.config.n_classes) +
                      " classes but the spec names " + std::to_string(spec.classes.size()));
  std::vector<HostTensor> kept;
  for (HostTensor& t : m.tensors) {
    if (t.kind != format::kUnembed) kept.push_back(std::move(t));
  }
  m.tensors = std::move(kept);
  m.config.no_unembed = 1;
  m.class_meta = encode_class_meta(spec);
  return m;
}

const char* quant_mode_name(uint32_t mode) {
  return mode == ATOME_QUANT_BANDED    ? "banded"
         : mode == ATOME_QUANT_CHANNEL ? "channel"
         : mode == ATOME_QUANT_GLOBAL  ? "global"
                                       : "?";
}

uint32_t parse_quant_mode(const std::string& name) {
  if (name == "global") return ATOME_QUANT_GLOBAL;
  if (name == "banded") return ATOME_QUANT_BANDED;
  if (name == "channel") return ATOME_QUANT_CHANNEL;
  throw UsageError("quantisation mode must be global, banded or channel (got '" + name + "')");
}

const char* abstain_rule_name(uint32_t rule) {
  switch (rule) {
    case ATOME_ABSTAIN_NONE:
      return "none";
    case ATOME_ABSTAIN_MAX_PROB:
      return "max-prob";
    case ATOME_ABSTAIN_MARGIN:
      return "margin";
  }
  return "?";
}

uint32_t parse_abstain_rule(const std::string& name) {
  if (name == "none") return ATOME_ABSTAIN_NONE;
  if (name == "max-prob") return ATOME_ABSTAIN_MAX_PROB;
  if (name == "margin") return ATOME_ABSTAIN_MARGIN;
  throw UsageError("abstention rule must be none, max-prob or margin (got '" + name + "')");
}

}  // namespace atome
