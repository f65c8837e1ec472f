// Every ternary kernel gives the same bits as the portable one (the summation-order contract),
// and the portable one computes sum(trit * x) as its definition says.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/ternary.h"

namespace atome {
namespace {

struct RandomMatrix {
  std::vector<uint8_t> packed;
  std::vector<int> trits;
  atome_trits view{};
};

RandomMatrix make_matrix(uint32_t rows, uint32_t cols, std::mt19937_64& rng) {
  RandomMatrix m;
  const uint32_t row_bytes = (cols + 3) / 4;
  m.packed.assign(static_cast<size_t>(rows) * row_bytes, 0);
  m.trits.resize(static_cast<size_t>(rows) * cols);
  std::uniform_int_distribution<int> trit(-1, 1);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t j = 0; j < cols; ++j) {
      const int v = trit(rng);
      m.trits[r * cols + j] = v;
      const unsigned code = v == 0 ? 0u : (v > 0 ? 1u : 3u);
      m.packed[r * row_bytes + j / 4] |= static_cast<uint8_t>(code << (2 * (j % 4)));
    }
  }
  m.view = {m.packed.data(), rows, cols, row_bytes, 0.0371f, 0, ATOME_PACKING_TRIT2};
  return m;
}

std::vector<float> random_vector(uint32_t n, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = normal(rng);
  return x;
}

TEST(Kernel, PortableMatchesDefinitionInContractOrder) {
  std::mt19937_64 rng(1);
  for (uint32_t cols : {1u, 3u, 4u, 7u, 8u, 9u, 16u, 33u, 64u, 256u}) {
    RandomMatrix m = make_matrix(5, cols, rng);
    const std::vector<float> x = random_vector(cols, rng);
    std::vector<float> out(5);
    ternary_matvec_portable(out.data(), m.view, x.data());
    for (uint32_t r = 0; r < 5; ++r) {
      float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (uint32_t j = 0; j < cols; ++j) {
        const int t = m.trits[r * cols + j];
        if (t > 0) lane[j % 8] += x[j];
        if (t < 0) lane[j % 8] += -x[j];
        if (t == 0) lane[j % 8] += 0.0f;
      }
      const float expect = m.view.scale * reduce_lanes8(lane);
      EXPECT_EQ(std::memcmp(&out[r], &expect, 4), 0) << "cols " << cols << " row " << r;
    }
  }
}

TEST(Kernel, Avx2MatchesPortableBitForBit) {
#if defined(ATOME_HAVE_AVX2)
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  std::mt19937_64 rng(2);
  for (uint32_t rows : {1u, 3u, 4u, 5u, 16u, 64u, 256u}) {
    for (uint32_t cols : {1u, 2u, 5u, 8u, 12u, 15u, 16u, 17u, 63u, 64u, 100u, 256u, 1000u}) {
      RandomMatrix m = make_matrix(rows, cols, rng);
      const std::vector<float> x = random_vector(cols, rng);
      std::vector<float> a(rows), b(rows);
      ternary_matvec_portable(a.data(), m.view, x.data());
      ternary_matvec_avx2(b.data(), m.view, x.data());
      ASSERT_EQ(std::memcmp(a.data(), b.data(), rows * sizeof(float)), 0) << rows << "x" << cols;
    }
  }
#else
  GTEST_SKIP() << "built without the AVX2 kernel (not an x86-64 AVX2 build machine)";
#endif
}

// Finite inputs only, so that every output is a finite number whose bits the two kernels must
// agree on (a NaN anywhere would make most outputs NaN and the comparison nearly vacuous). The
// sizes cover every remainder of the kernel's blocks: rows mod 4 (row quads, then the AVX2 tail)
// and cols mod 16 and mod 8 (blocks of sixteen, the scalar tail), plus wide rows.
TEST(Kernel, Avx512MatchesPortableBitForBitOnFiniteInputs) {
#if defined(ATOME_HAVE_AVX512)
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq"))
    GTEST_SKIP() << "this CPU has no AVX-512F/DQ";
  std::mt19937_64 rng(4);
  int compared = 0;
  for (uint32_t rows : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 13u, 64u, 67u, 256u}) {
    for (uint32_t cols :
         {1u,  2u,  3u,  5u,  7u,  8u,  9u,   12u,  15u,  16u,  17u,  23u,   24u,
          31u, 33u, 47u, 63u, 64u, 65u, 100u, 127u, 255u, 256u, 257u, 1000u, 1023u}) {
      RandomMatrix m = make_matrix(rows, cols, rng);
      const std::vector<float> x = random_vector(cols, rng);
      for (float v : x) ASSERT_TRUE(std::isfinite(v));
      std::vector<float> a(rows), b(rows);
      ternary_matvec_portable(a.data(), m.view, x.data());
      ternary_matvec_avx512(b.data(), m.view, x.data());
      for (uint32_t r = 0; r < rows; ++r) {
        ASSERT_TRUE(std::isfinite(a[r])) << rows << "x" << cols << " row " << r;
        ASSERT_EQ(std::memcmp(&a[r], &b[r], sizeof(float)), 0)
            << rows << "x" << cols << " row " << r << ": portable " << a[r] << ", avx512 " << b[r];
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 10000);
#else
  GTEST_SKIP() << "built without the AVX-512 kernel (not an AVX-512 build machine)";
#endif
}

// Non-finite activations, a separate case: a zero trit must contribute +0.0, never inf * 0 or a
// NaN. Rows whose trits at the inf and NaN columns are zero must stay finite (and equal the
// portable kernel's bits); the other rows must be non-finite in both kernels, bit for bit.
TEST(Kernel, Avx512MatchesPortableOnNonFiniteInputs) {
#if defined(ATOME_HAVE_AVX512)
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq"))
    GTEST_SKIP() << "this CPU has no AVX-512F/DQ";
  std::mt19937_64 rng(6);
  int finite_rows = 0, nonfinite_rows = 0;
  for (uint32_t rows : {4u, 5u, 8u, 64u}) {
    for (uint32_t cols : {5u, 17u, 24u, 100u, 256u}) {
      RandomMatrix m = make_matrix(rows, cols, rng);
      std::vector<float> x = random_vector(cols, rng);
      const uint32_t inf_col = 1, nan_col = cols - 2;  // one in a block, one in the tail
      x[inf_col] = INFINITY;
      x[nan_col] = NAN;
      // Even rows: zero trits at both non-finite columns.
      for (uint32_t r = 0; r < rows; r += 2) {
        for (uint32_t j : {inf_col, nan_col}) {
          m.packed[r * m.view.row_bytes + j / 4] &= static_cast<uint8_t>(~(3u << (2 * (j % 4))));
          m.trits[r * cols + j] = 0;
        }
      }
      std::vector<float> a(rows), b(rows);
      ternary_matvec_portable(a.data(), m.view, x.data());
      ternary_matvec_avx512(b.data(), m.view, x.data());
      for (uint32_t r = 0; r < rows; ++r) {
        const bool zeroed = r % 2 == 0;
        const bool touched = m.trits[r * cols + inf_col] != 0 || m.trits[r * cols + nan_col] != 0;
        if (zeroed) {
          ASSERT_TRUE(std::isfinite(a[r]) && std::isfinite(b[r]))
              << rows << "x" << cols << " row " << r << ": " << a[r] << " vs " << b[r];
          ++finite_rows;
        } else if (touched) {
          ASSERT_FALSE(std::isfinite(a[r])) << rows << "x" << cols << " row " << r;
          ASSERT_FALSE(std::isfinite(b[r])) << rows << "x" << cols << " row " << r;
          ++nonfinite_rows;
        }
        ASSERT_EQ(std::memcmp(&a[r], &b[r], sizeof(float)), 0)
            << rows << "x" << cols << " row " << r;
      }
    }
  }
  EXPECT_GT(finite_rows, 50);
  EXPECT_GT(nonfinite_rows, 50);
#else
  GTEST_SKIP() << "built without the AVX-512 kernel (not an AVX-512 build machine)";
#endif
}

TEST(Kernel, ScoresAvx2MatchesPortableBitForBit) {
#if defined(ATOME_HAVE_AVX2)
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  std::mt19937_64 rng(3);
  for (uint32_t n : {1u, 7u, 8u, 9u, 16u, 63u, 64u, 65u, 256u}) {
    for (int rep = 0; rep < 20; ++rep) {
      const std::vector<float> a = random_vector(n, rng), b = random_vector(n, rng);
      const uint32_t count = 1 + rep % 5;
      const std::vector<float> keys = random_vector(n * count, rng);
      std::vector<float> p(count), v(count);
      scores_portable(p.data(), a.data(), keys.data(), count, n, 8.0f);
      scores_avx2(v.data(), a.data(), keys.data(), count, n, 8.0f);
      ASSERT_EQ(std::memcmp(p.data(), v.data(), count * 4), 0) << "n " << n;
    }
  }
#else
  GTEST_SKIP() << "built without the AVX2 kernel (not an x86-64 AVX2 build machine)";
#endif
}

TEST(Kernel, ConvTapsAvx2MatchesPortableBitForBit) {
#if defined(ATOME_HAVE_AVX2)
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  std::mt19937_64 rng(5);
  for (uint32_t channels : {1u, 7u, 8u, 9u, 64u, 100u, 256u}) {
    for (uint32_t kernel : {1u, 3u, 4u, 5u, 8u, 9u, 13u}) {
      RandomMatrix m = make_matrix(channels, kernel, rng);
      std::vector<std::vector<float>> history(kernel);
      std::vector<const float*> lag(kernel);
      for (uint32_t k = 0; k < kernel; ++k) {
        history[k] = random_vector(channels, rng);
        lag[k] = history[k].data();
      }
      for (uint32_t taps = 1; taps <= kernel; ++taps) {
        std::vector<float> a(channels), b(channels);
        conv_taps_portable(a.data(), m.view, lag.data(), taps);
        conv_taps_avx2(b.data(), m.view, lag.data(), taps);
        ASSERT_EQ(std::memcmp(a.data(), b.data(), channels * sizeof(float)), 0)
            << channels << " channels, K " << kernel << ", taps " << taps;
      }
    }
  }
#else
  GTEST_SKIP() << "built without the AVX2 kernels (not an x86-64 AVX2 build machine)";
#endif
}

TEST(Kernel, SelectedKernelIsNamed) {
  const std::string name = ternary_kernel_name();
  EXPECT_TRUE(name == "portable" || name == "avx2" || name == "avx512") << name;
}

}  // namespace
}  // namespace atome
