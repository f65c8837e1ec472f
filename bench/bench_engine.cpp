// Google Benchmark: the ternary kernels side by side (ratios within one run are what count) and
// greedy decoding on a 944K-shaped model. Single thread. Run:
//   ./build/release/bench/atome_bench --benchmark_format=json
// The 944K reference model is used when ../shared is present (ATOME_SHARED_DIR overrides);
// otherwise a random model of the same shape (same cost: the work does not depend on values).
#include <benchmark/benchmark.h>
#include <sys/stat.h>

#include <cstdlib>
#include <random>

#include "engine/ternary.h"
#include "engine/ternary_i8.h"
#include "host/byte_io.h"
#include "model_helpers.h"
#include "random_model.h"

namespace {

using namespace atome;

struct Matrix {
  std::vector<uint8_t> packed;
  std::vector<float> x, out;
  atome_trits view{};
  Matrix(uint32_t rows, uint32_t cols, bool trit3 = false) {
    std::mt19937_64 rng(1);
    const uint32_t row_bytes = trit3 ? (cols + 4) / 5 : (cols + 3) / 4;
    packed.resize(static_cast<size_t>(rows) * row_bytes);
    if (trit3) {
      std::vector<int8_t> t(cols);
      for (uint32_t r = 0; r < rows; ++r) {
        for (auto& v : t) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        pack_trits3(t.data(), cols, packed.data() + static_cast<size_t>(r) * row_bytes);
      }
    } else {
      for (auto& b : packed) {
        uint8_t v = static_cast<uint8_t>(rng());
        v &= static_cast<uint8_t>(~((v >> 1) & ~v & 0x55u) << 1);  // no invalid 10 codes
        b = v;
      }
    }
    x.resize(cols, 0.5f);
    out.resize(rows);
    view = {packed.data(),
            rows,
            cols,
            row_bytes,
            0.01f,
            0,
            trit3 ? ATOME_PACKING_TRIT3 : ATOME_PACKING_TRIT2};
  }
};

// One 256x256-ish matvec per iteration with the given kernel; skipped where the CPU lacks it.
void BM_Matvec(benchmark::State& state, MatvecFn kernel, bool cpu_supported) {
  if (!cpu_supported) {
    state.SkipWithError("this CPU lacks the kernel's instructions");
    return;
  }
  Matrix m(static_cast<uint32_t>(state.range(0)), static_cast<uint32_t>(state.range(1)));
  for (auto _ : state) {
    kernel(m.out.data(), m.view, m.x.data());
    benchmark::DoNotOptimize(m.out.data());
  }
  state.counters["trits/s"] =
      benchmark::Counter(static_cast<double>(state.range(0) * state.range(1)),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_Matvec, Portable, ternary_matvec_portable, true)
    ->Args({256, 256})
    ->Args({64, 256})
    ->Args({256, 64});
#if defined(ATOME_HAVE_AVX2)
BENCHMARK_CAPTURE(BM_Matvec, Avx2, ternary_matvec_avx2, __builtin_cpu_supports("avx2"))
    ->Args({256, 256})
    ->Args({64, 256})
    ->Args({256, 64});
#endif
#if defined(ATOME_HAVE_AVX512)
BENCHMARK_CAPTURE(BM_Matvec, Avx512, ternary_matvec_avx512,
                  __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
    ->Args({256, 256})
    ->Args({64, 256})
    ->Args({256, 64});
#endif

// The integer kernels (int8 activations): one prepare of the input per iteration (as each matrix
// of a layer's shared input pays a share of it) and one matvec.
using PrepareFn = void (*)(TernaryInput*, const int8_t*, uint32_t, void*);
using ScratchFn = size_t (*)(uint32_t);
using MatvecI8Fn = void (*)(int32_t*, const atome_trits&, const TernaryInput&);
size_t no_scratch(uint32_t) {
  return 0;
}

void BM_MatvecI8(benchmark::State& state, ScratchFn scratch_bytes, PrepareFn prepare,
                 MatvecI8Fn kernel, bool cpu_supported) {
  if (!cpu_supported) {
    state.SkipWithError("this CPU lacks the kernel's instructions");
    return;
  }
  Matrix m(static_cast<uint32_t>(state.range(0)), static_cast<uint32_t>(state.range(1)));
  std::vector<int8_t> x(m.view.cols);
  std::mt19937_64 rng(2);
  for (auto& v : x) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  std::vector<uint64_t> scratch(scratch_bytes(m.view.cols) / 8 + 2);
  std::vector<int32_t> acc(m.view.rows);
  for (auto _ : state) {
    TernaryInput in;
    prepare(&in, x.data(), m.view.cols, scratch.data());
    kernel(acc.data(), m.view, in);
    benchmark::DoNotOptimize(acc.data());
  }
  state.counters["trits/s"] =
      benchmark::Counter(static_cast<double>(state.range(0) * state.range(1)),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_Matvec, Portable_float, ternary_matvec_portable, true)->Args({256, 1024});
#if defined(ATOME_HAVE_AVX2)
BENCHMARK_CAPTURE(BM_Matvec, Avx2_float, ternary_matvec_avx2, __builtin_cpu_supports("avx2"))
    ->Args({256, 1024});
#endif
#if defined(ATOME_HAVE_AVX512)
BENCHMARK_CAPTURE(BM_Matvec, Avx512_float, ternary_matvec_avx512,
                  __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
    ->Args({256, 1024});
#endif
BENCHMARK_CAPTURE(BM_MatvecI8, I8Portable, no_scratch, ternary_input_prepare_portable,
                  ternary_matvec_i8_portable, true)
    ->Args({256, 256})
    ->Args({256, 1024});
BENCHMARK_CAPTURE(BM_MatvecI8, I8Lut2, ternary_input_scratch_bytes_lut2, ternary_input_prepare_lut2,
                  ternary_matvec_i8_lut2, true)
    ->Args({256, 256})
    ->Args({256, 1024});
BENCHMARK_CAPTURE(BM_MatvecI8, I8Lut4, ternary_input_scratch_bytes_lut4, ternary_input_prepare_lut4,
                  ternary_matvec_i8_lut4, true)
    ->Args({256, 256})
    ->Args({256, 1024});
#if defined(ATOME_HAVE_AVX2)
BENCHMARK_CAPTURE(BM_MatvecI8, I8Avx2, no_scratch, ternary_input_prepare_portable,
                  ternary_matvec_i8_avx2, __builtin_cpu_supports("avx2"))
    ->Args({256, 256})
    ->Args({256, 1024});
#endif
#if defined(ATOME_HAVE_I8_AVX512)
BENCHMARK_CAPTURE(BM_MatvecI8, I8Avx512, no_scratch, ternary_input_prepare_portable,
                  ternary_matvec_i8_avx512,
                  __builtin_cpu_supports("avx512bw")
#if defined(ATOME_HAVE_I8_AVX512_VNNI)
                      && __builtin_cpu_supports("avx512vnni")
#endif
                      )
    ->Args({256, 256})
    ->Args({256, 1024});
#endif

// trit2 vs trit3 through the build's dispatchers (ternary_matvec, ternary_matvec_i8): trit3 is
// decoded per chunk of rows (engine/trit3.h) and then runs the same kernel.
void BM_Packing(benchmark::State& state, bool trit3, bool int8) {
  Matrix m(static_cast<uint32_t>(state.range(0)), static_cast<uint32_t>(state.range(1)), trit3);
  std::vector<int8_t> x(m.view.cols, 3);
  std::vector<uint64_t> scratch(ternary_input_scratch_bytes(m.view.cols) / 8 + 2);
  std::vector<int32_t> acc(m.view.rows);
  TernaryInput in;
  ternary_input_prepare(&in, x.data(), m.view.cols, scratch.data());
  for (auto _ : state) {
    if (int8) {
      ternary_matvec_i8(acc.data(), m.view, in);
      benchmark::DoNotOptimize(acc.data());
    } else {
      ternary_matvec(m.out.data(), m.view, m.x.data());
      benchmark::DoNotOptimize(m.out.data());
    }
  }
  state.counters["trits/s"] =
      benchmark::Counter(static_cast<double>(state.range(0) * state.range(1)),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_Packing, Float_trit2, false, false)->Args({256, 64})->Args({256, 1024});
BENCHMARK_CAPTURE(BM_Packing, Float_trit3, true, false)->Args({256, 64})->Args({256, 1024});
BENCHMARK_CAPTURE(BM_Packing, I8_trit2, false, true)->Args({256, 64})->Args({256, 1024});
BENCHMARK_CAPTURE(BM_Packing, I8_trit3, true, true)->Args({256, 64})->Args({256, 1024});

test::LoadedModel model_944k() {
  const char* env = std::getenv("ATOME_SHARED_DIR");
  const std::string path = std::string(env ? env : ATOME_DEFAULT_SHARED_DIR) +
                           "/reference/original-models/atome_944k.atome01";
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return test::load_legacy_as_native(path);
  return test::load_native_image(
      write_native(test::random_model(test::small_config(256, 8, 64, 5, 4), 1)));
}

// 240 greedy tokens after a 16-byte prompt, window 256 (the original needs 112 s for this).
void BM_Greedy944k(benchmark::State& state, bool trit3) {
  static const test::LoadedModel m2 = model_944k();
  static const test::LoadedModel m3 = test::load_native_image(
      write_native(with_trit_dtype(read_native(m2.image), format::kDtypeTrit3)));
  const test::LoadedModel& m = trit3 ? m3 : m2;
  OwnedSession session(m.model, 256, test::kNoStateLimit);
  const char prompt[] = "Once upon a time";
  for (auto _ : state) {
    atome_session_reset(session.get());
    const float* logits = nullptr;
    for (const char* p = prompt; *p; ++p)
      atome_step(session.get(), static_cast<uint8_t>(*p), &logits);
    for (int i = 0; i < 240; ++i) atome_step(session.get(), atome_argmax(logits, 256), &logits);
    benchmark::DoNotOptimize(logits);
  }
  state.counters["tok/s"] =
      benchmark::Counter(240.0 + 16.0, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_Greedy944k, trit2, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Greedy944k, trit3, true)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
