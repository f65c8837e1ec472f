// Integer ternary kernels (engine/ternary_i8.h): the portable kernel computes sum(trit * x) as its
// definition says, and every other kernel this build has equals it exactly — on random matrices of
// many shapes, on extreme inputs, and on a hand-computed case. (The dsp kernel runs on the M4/M7
// firmware only: firmware/app/kernel_bench.cpp checks it there, CTest firmware.<core>.kernels.)
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/ternary_i8.h"

namespace atome {
namespace {

struct Packed {
  std::vector<uint8_t> bytes;
  std::vector<int> trits;
  atome_trits view{};
};

// Unused code bits of each row's last byte are filled with garbage (kernels must ignore them).
Packed pack(uint32_t rows, uint32_t cols, std::mt19937_64& rng, int only = 2) {
  Packed m;
  const uint32_t row_bytes = (cols + 3) / 4;
  m.bytes.assign(static_cast<size_t>(rows) * row_bytes, 0);
  m.trits.resize(static_cast<size_t>(rows) * cols);
  std::uniform_int_distribution<int> trit(-1, 1);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t j = 0; j < row_bytes * 4; ++j) {
      const int v = only != 2 ? only : trit(rng);
      const unsigned code =
          j >= cols ? static_cast<unsigned>(rng() & 3u) : (v == 0 ? 0u : (v > 0 ? 1u : 3u));
      if (j < cols) m.trits[static_cast<size_t>(r) * cols + j] = v;
      m.bytes[r * row_bytes + j / 4] |= static_cast<uint8_t>(code << (2 * (j % 4)));
    }
  }
  m.view = {m.bytes.data(), rows, cols, row_bytes, 1.0f, 0, ATOME_PACKING_TRIT2};
  return m;
}

std::vector<int8_t> random_x(uint32_t n, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> x(n);
  for (auto& v : x) v = static_cast<int8_t>(d(rng));
  return x;
}

struct Variant {
  std::string name;
  size_t (*scratch_bytes)(uint32_t);
  void (*prepare)(TernaryInput*, const int8_t*, uint32_t, void*);
  void (*matvec)(int32_t*, const atome_trits&, const TernaryInput&);
  bool supported;
};

size_t no_scratch(uint32_t) {
  return 0;
}

std::vector<Variant> variants() {
  std::vector<Variant> v = {
      {"lut", ternary_input_scratch_bytes_lut, ternary_input_prepare_lut, ternary_matvec_i8_lut,
       true},
      {"lut2", ternary_input_scratch_bytes_lut2, ternary_input_prepare_lut2, ternary_matvec_i8_lut2,
       true},
      {"lut4", ternary_input_scratch_bytes_lut4, ternary_input_prepare_lut4, ternary_matvec_i8_lut4,
       true},
      // The selected kernel through the dispatching functions.
      {"selected", ternary_input_scratch_bytes, ternary_input_prepare, ternary_matvec_i8, true},
  };
#if defined(ATOME_HAVE_AVX2)
  v.push_back({"avx2", no_scratch, ternary_input_prepare_portable, ternary_matvec_i8_avx2,
               static_cast<bool>(__builtin_cpu_supports("avx2"))});
#endif
#if defined(ATOME_HAVE_I8_AVX512)
  v.push_back({
    "avx512", no_scratch, ternary_input_prepare_portable, ternary_matvec_i8_avx512,
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
#if defined(ATOME_HAVE_I8_AVX512_VNNI)
            && __builtin_cpu_supports("avx512vnni")
#endif
  });
#endif
  return v;
}

std::vector<int32_t> run(const Variant& k, const Packed& m, const std::vector<int8_t>& x) {
  // 16-byte aligned scratch, with a guard word after it.
  const size_t bytes = k.scratch_bytes(static_cast<uint32_t>(x.size()));
  std::vector<uint64_t> scratch(bytes / 8 + 4, 0xDEADBEEFCAFEF00Dull);
  TernaryInput in;
  void* s =
      reinterpret_cast<void*>((reinterpret_cast<uintptr_t>(scratch.data()) + 15) & ~uintptr_t{15});
  k.prepare(&in, x.data(), static_cast<uint32_t>(x.size()), s);
  EXPECT_EQ(in.n, x.size());
  std::vector<int32_t> out(m.view.rows + 1, 0x5A5A5A5A);
  k.matvec(out.data(), m.view, in);
  EXPECT_EQ(out.back(), 0x5A5A5A5A) << k.name << " wrote past the last row";
  out.pop_back();
  return out;
}

std::vector<int32_t> portable(const Packed& m, const std::vector<int8_t>& x) {
  return run(
      {"portable", no_scratch, ternary_input_prepare_portable, ternary_matvec_i8_portable, true}, m,
      x);
}

TEST(KernelI8, PortableMatchesDefinition) {
  std::mt19937_64 rng(11);
  for (uint32_t cols : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 33u, 64u, 255u}) {
    const Packed m = pack(6, cols, rng);
    const std::vector<int8_t> x = random_x(cols, rng);
    const std::vector<int32_t> got = portable(m, x);
    for (uint32_t r = 0; r < 6; ++r) {
      int32_t expect = 0;
      for (uint32_t j = 0; j < cols; ++j) expect += m.trits[r * cols + j] * x[j];
      EXPECT_EQ(got[r], expect) << "cols " << cols << " row " << r;
    }
  }
}

TEST(KernelI8, HandComputed) {
  // Row 0 = {+1, -1, 0, +1, -1}, row 1 = {0, 0, 0, 0, -1}; x = {3, 5, 7, -2, 127}.
  const uint8_t bytes[4] = {0x01 | 0x0C | 0x40, 0x03, 0x00, 0x03};
  const atome_trits w{bytes, 2, 5, 2, 1.0f, 0, ATOME_PACKING_TRIT2};
  Packed m;
  m.view = w;
  const std::vector<int8_t> x = {3, 5, 7, -2, 127};
  EXPECT_EQ(portable(m, x), (std::vector<int32_t>{3 - 5 - 2 - 127, -127}));
  for (const Variant& k : variants()) {
    if (!k.supported) continue;
    EXPECT_EQ(run(k, m, x), (std::vector<int32_t>{-131, -127})) << k.name;
  }
}

TEST(KernelI8, EveryVariantEqualsPortable) {
  std::mt19937_64 rng(12);
  std::vector<uint32_t> cols_list;
  for (uint32_t c = 1; c <= 70; ++c) cols_list.push_back(c);
  for (uint32_t c : {95u, 96u, 97u, 127u, 128u, 129u, 191u, 192u, 200u, 255u, 256u, 257u, 300u})
    cols_list.push_back(c);
  const uint32_t rows_list[] = {1u, 2u, 3u, 5u, 17u, 64u, 99u, 300u};
  size_t cases = 0;
  for (const Variant& k : variants()) {
    if (!k.supported) {
      std::printf("[kernel-i8] %s: not supported by this CPU, skipped\n", k.name.c_str());
      continue;
    }
    for (uint32_t cols : cols_list) {
      const uint32_t rows = rows_list[(cols * 7 + k.name.size()) % 8];
      const Packed m = pack(rows, cols, rng);
      const std::vector<int8_t> x = random_x(cols, rng);
      ASSERT_EQ(run(k, m, x), portable(m, x)) << k.name << " " << rows << "x" << cols;
      ++cases;
    }
    for (uint32_t rows : rows_list) {  // every row count at a few column counts
      for (uint32_t cols : {1u, 31u, 64u, 300u}) {
        const Packed m = pack(rows, cols, rng);
        const std::vector<int8_t> x = random_x(cols, rng);
        ASSERT_EQ(run(k, m, x), portable(m, x)) << k.name << " " << rows << "x" << cols;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 0u);
  std::printf("[kernel-i8] selected %s; %zu cases\n", ternary_i8_kernel_name(), cases);
}

TEST(KernelI8, ExtremeInputs) {
  std::mt19937_64 rng(13);
  for (uint32_t cols : {1u, 4u, 63u, 64u, 65u, 257u, 300u}) {
    for (int xv : {127, -127, 0}) {
      for (int only : {1, -1, 0, 2}) {  // all +1, all -1, all 0, random
        const Packed m = pack(7, cols, rng, only);
        const std::vector<int8_t> x(cols, static_cast<int8_t>(xv));
        const std::vector<int32_t> ref = portable(m, x);
        if (only != 2) {
          for (int32_t v : ref) EXPECT_EQ(v, only * xv * static_cast<int32_t>(cols));
        }
        for (const Variant& k : variants()) {
          if (!k.supported) continue;
          EXPECT_EQ(run(k, m, x), ref) << k.name << " cols " << cols << " x " << xv;
        }
      }
    }
  }
}

}  // namespace
}  // namespace atome
