#include "host/numerics_convert.h"

#include <algorithm>
#include <cmath>

#include "engine/format.h"
#include "engine/numerics.h"

namespace atome {
namespace {

// round(value * 2^frac) to nearest, ties away from zero, within +-limit; throws naming the tensor.
int32_t to_fixed(double value, int frac, int64_t limit, const HostTensor& t, const char* what) {
  const double scaled = std::ldexp(value, frac);
  const double rounded = std::round(scaled);
  if (!(std::fabs(rounded) <= static_cast<double>(limit)))
    throw FormatError(
        std::string("cannot convert to q15: ") + tensor_kind_name(t.kind) +
        (t.layer == format::kGlobalLayer ? "" : " of layer " + std::to_string(t.layer)) + " has " +
        what + " " + std::to_string(value) + " outside its fixed-point range");
  return static_cast<int32_t>(rounded);
}

}  // namespace

const char* numerics_name(uint32_t numerics) {
  switch (numerics) {
    case ATOME_NUMERICS_F32:
      return "f32";
    case ATOME_NUMERICS_A8:
      return "a8";
    case ATOME_NUMERICS_Q15:
      return "q15";
  }
  return "?";
}

bool numerics_from_name(const std::string& name, uint32_t* numerics) {
  for (uint32_t mode : {ATOME_NUMERICS_F32, ATOME_NUMERICS_A8, ATOME_NUMERICS_Q15}) {
    if (name == numerics_name(mode)) {
      *numerics = mode;
      return true;
    }
  }
  return false;
}

uint32_t parse_numerics(const std::string& name) {
  uint32_t numerics = 0;
  if (!numerics_from_name(name, &numerics))
    throw UsageError("--numerics must be f32, a8 or q15 (got \"" + name + "\")");
  return numerics;
}

HostModel convert_numerics(const HostModel& in, uint32_t numerics) {
  const uint32_t from = in.config.numerics;
  if (numerics == from) return in;
  if (from == ATOME_NUMERICS_Q15)
    throw FormatError(
        "the model is already q15: its float parameters are gone, convert from the "
        "f32 or a8 model");
  HostModel out;
  out.config = in.config;
  out.class_meta = in.class_meta;  // the input spec does not depend on the numerics
  out.config.numerics = numerics;
  out.config.act_bits = numerics == ATOME_NUMERICS_F32 ? 32 : 8;
  out.config.norm_eps_q24 = 0;
  if (numerics != ATOME_NUMERICS_Q15) {
    out.tensors = in.tensors;
    return out;
  }
  out.config.norm_eps_q24 = static_cast<uint32_t>(
      std::max<double>(1.0, std::round(std::ldexp(static_cast<double>(in.config.norm_eps), 24))));
  for (uint32_t i = 0; i < in.tensors.size(); ++i) {
    const HostTensor& t = in.tensors[i];
    HostTensor q = host_tensor(format::canonical_tensor(out.config, i, trit_dtype(in)));
    if (format::is_trit_dtype(t.dtype)) {
      q.trits = t.trits;
      q.scale_q24 = to_fixed(t.scale, 24, int64_t{format::kAlphaQ24Limit} - 1, t, "alpha");
      q.scale = 0.0f;
    } else {
      q.ints.resize(t.values.size());
      for (size_t k = 0; k < t.values.size(); ++k) {
        if (t.kind == format::kSsmA) {
          // The decay the float engine computes at session start, now computed here; a decay
          // that rounds to +-1.0 is held just inside it.
          const double decay = std::round(std::ldexp(static_cast<double>(tanh_f(t.values[k])), 15));
          q.ints[k] = static_cast<int32_t>(
              std::clamp<double>(decay, -format::kMaxDecayQ15, format::kMaxDecayQ15));
        } else {
          q.ints[k] = to_fixed(t.values[k], 16, format::kMaxQ16Magnitude, t, "value");
        }
      }
    }
    out.tensors.push_back(std::move(q));
  }
  return out;
}

}  // namespace atome
