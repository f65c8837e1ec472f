// Compact q15 layout (FORMAT.md §18): the host writer and reader. Placement is the engine's
// (format::compact_place), so writer and loader cannot disagree on where a tensor lies.
#include "host/compact_format.h"

#include <cstring>
#include <string>

#include "engine/bytes.h"
#include "engine/format.h"
#include "host/byte_io.h"

namespace atome {
namespace {

using namespace format;

bool fits_i16(int64_t v) {
  return v >= -32768 && v <= 32767;
}

// rnd(v, s) of FORMAT.md §16.4: (v + 2^(s-1)) >> s, ties towards +infinity.
int64_t round_shift(int64_t v, uint32_t s) {
  return s == 0 ? v : (v + (int64_t{1} << (s - 1))) >> s;
}

// The smallest shift at which the tensor is exactly int16 << shift; kCompactMaxShift + 1 if none.
uint32_t exact_shift(const std::vector<int32_t>& ints) {
  for (uint32_t s = 0; s <= kCompactMaxShift; ++s) {
    bool ok = true;
    for (int32_t v : ints) {
      const int64_t r = v / (int64_t{1} << s);
      ok = ok && r * (int64_t{1} << s) == v && fits_i16(r);
    }
    if (ok) return s;
  }
  return kCompactMaxShift + 1;
}

// The smallest shift at which a Q24 alpha is exactly u16 << shift; kCompactMaxShift + 1 if none.
uint32_t alpha_shift(int32_t alpha) {
  for (uint32_t s = 0; s <= kCompactMaxShift; ++s) {
    if (alpha >= 0 && (alpha >> s) <= 65535 && ((alpha >> s) << s) == alpha) return s;
  }
  return kCompactMaxShift + 1;
}

void require_q15(const HostModel& m) {
  if (m.config.numerics != ATOME_NUMERICS_Q15)
    throw FormatError("the compact layout holds q15 models only (convert with --numerics q15)");
  if (m.config.no_unembed != 0 || !m.class_meta.empty())
    throw FormatError("the compact layout has no classifier metadata section");
}

}  // namespace

CompactRounding round_for_compact(HostModel* model) {
  require_q15(*model);
  CompactRounding r;
  for (HostTensor& t : model->tensors) {
    if (is_trit_dtype(t.dtype)) {
      // alpha (Q24, in [0, 2^28)) to the nearest u16 << s: below 2^28 still (2^28 is a multiple).
      uint32_t s = 0;
      while (round_shift(t.scale_q24, s) > 65535) ++s;
      const int64_t rounded = round_shift(t.scale_q24, s) * (int64_t{1} << s);
      r.alphas_moved += rounded != t.scale_q24 ? 1 : 0;
      t.scale_q24 = static_cast<int32_t>(rounded);
      r.alphas += 1;
      continue;
    }
    if (t.dtype != kDtypeI32) continue;
    uint32_t s = 0;
    for (;; ++s) {
      bool fits = true;
      for (int32_t v : t.ints) fits = fits && fits_i16(round_shift(v, s));
      if (fits) break;
    }
    for (int32_t& v : t.ints) {
      const int64_t rounded = round_shift(v, s) * (int64_t{1} << s);
      const int64_t change = rounded > v ? rounded - v : v - rounded;
      r.moved += change != 0 ? 1 : 0;
      r.max_change = change > r.max_change ? change : r.max_change;
      v = static_cast<int32_t>(rounded);  // |v| <= 2^27 stays within it: 2^27 is a multiple
    }
    r.values += t.ints.size();
  }
  return r;
}

std::vector<uint8_t> write_compact(const HostModel& m) {
  require_q15(m);
  const atome_config& c = m.config;
  if (validate_config(c) != ATOME_OK) throw FormatError("cannot write: invalid model config");
  const uint32_t count = tensor_count(c);
  if (m.tensors.size() != count)
    throw FormatError("cannot write: expected " + std::to_string(count) + " tensors, have " +
                      std::to_string(m.tensors.size()));
  const uint64_t file_bytes = compact_end(c);
  if (file_bytes > 0xFFFFFFFFu) throw FormatError("cannot write: model larger than 4 GiB");
  std::vector<uint8_t> b(file_bytes, 0);
  std::memcpy(b.data() + kOffMagic, kMagic, 8);
  put_u16(b, kOffVersionMajor, kVersionMajorCompact);
  put_u16(b, kOffVersionMinor, 0);
  put_u32(b, kOffHeaderBytes, kHeaderBytes);
  put_u32(b, kOffFileBytes, static_cast<uint32_t>(file_bytes));
  put_u32(b, kOffFlags, 0);
  put_u32(b, kOffTensorCount, count);
  put_u32(b, kOffTableOffset, kHeaderBytes);  // where the alpha table starts
  put_u32(b, kOffPayloadOffset, static_cast<uint32_t>(compact_place(c, 0).offset));
  put_config_block(b, c);
  put_u32(b, kOffNumerics, c.numerics);
  put_u32(b, kOffNormEpsQ24, c.norm_eps_q24);
  for (uint32_t t = 0; t < count; ++t) {
    const TensorSpec spec = canonical_tensor(c, t, kDtypeTrit3);
    const HostTensor& h = m.tensors[t];
    const bool trit = is_trit_dtype(spec.dtype);
    if (h.kind != spec.kind || h.layer != spec.layer || h.rows != spec.rows ||
        h.cols != spec.cols || trit != is_trit_dtype(h.dtype) || (!trit && h.dtype != kDtypeI32))
      throw FormatError("cannot write: tensor " + std::to_string(t) +
                        " does not match the canonical order for this config");
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    if ((trit ? h.trits.size() : h.ints.size()) != n)
      throw FormatError("cannot write: tensor " + std::to_string(t) + " has the wrong length");
    const CompactPlace at = compact_place(c, t);
    if (trit) {
      if (h.scale_q24 < 0 || static_cast<uint32_t>(h.scale_q24) >= kAlphaQ24Limit)
        throw FormatError("cannot write: tensor " + std::to_string(t) +
                          " has a Q24 scale outside [0, 2^28)");
      const uint32_t s = alpha_shift(h.scale_q24);
      if (s > kCompactMaxShift)
        throw FormatError("cannot write: tensor " + std::to_string(t) +
                          "'s alpha is not u16 << shift: round it first (round_for_compact)");
      put_u16(b, at.alpha, static_cast<uint16_t>(h.scale_q24 >> s));
      b[at.shift] = static_cast<uint8_t>(s);
      const size_t row_bytes = trit_row_bytes(kDtypeTrit3, h.cols);
      for (uint32_t r = 0; r < h.rows; ++r) {
        const int8_t* src = h.trits.data() + static_cast<size_t>(r) * h.cols;
        for (uint32_t i = 0; i < h.cols; ++i) {
          if (src[i] < -1 || src[i] > 1) throw FormatError("cannot write: trit outside {-1, 0, 1}");
        }
        pack_trits3(src, h.cols, b.data() + at.offset + r * row_bytes);
      }
    } else {
      const uint32_t s = exact_shift(h.ints);
      if (s > kCompactMaxShift)
        throw FormatError("cannot write: tensor " + std::to_string(t) + " (" +
                          tensor_kind_name(h.kind) +
                          ") is not int16 << shift: round it first (round_for_compact)");
      b[at.shift] = static_cast<uint8_t>(s);
      for (size_t i = 0; i < n; ++i)
        put_u16(b, at.offset + 2 * i,
                static_cast<uint16_t>(static_cast<int16_t>(h.ints[i] / (int32_t{1} << s))));
    }
  }
  put_u32(b, kOffCrc, image_crc32(b.data(), b.size()));
  return b;
}

HostModel read_compact(const atome_model& model) {
  HostModel m;
  m.config = model.config;
  for (uint32_t t = 0; t < model.tensor_count; ++t) {
    const TensorSpec spec = canonical_tensor(model.config, t, kDtypeTrit3);
    HostTensor h = host_tensor(spec);
    h.scale = 0.0f;
    const size_t n = static_cast<size_t>(h.rows) * h.cols;
    if (is_trit_dtype(spec.dtype)) {
      const atome_trits w = tensor_trits(model, t);
      h.scale_q24 = w.scale_q24;
      h.trits.resize(n);
      for (uint32_t r = 0; r < h.rows; ++r)  // the loader has checked every byte
        (void)unpack_trits3(w.data + r * w.row_bytes, h.cols, h.trits.data() + r * h.cols);
    } else {
      uint32_t shift = 0;
      const int16_t* v = tensor_i16(model, t, &shift);
      h.ints.resize(n);
      for (size_t i = 0; i < n; ++i) h.ints[i] = v[i] * (int32_t{1} << shift);
    }
    m.tensors.push_back(std::move(h));
  }
  return m;
}

}  // namespace atome
