# Chooses the ternary kernel at configure time. "auto" picks the widest kernel that the compiler
# accepts and this build machine can run (avx512 > avx2 > portable). Every kernel this machine can
# run is compiled, so that tests compare them bit for bit with the portable one.
include(CheckCXXSourceRuns)
set(ATOME_HAVE_AVX2 OFF)
set(ATOME_HAVE_AVX512 OFF)
set(ATOME_HAVE_I8_AVX512 OFF)
set(ATOME_HAVE_I8_AVX512_VNNI OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  set(CMAKE_REQUIRED_FLAGS "-mavx2")
  check_cxx_source_runs("
    #include <immintrin.h>
    int main() {
      __m256i v = _mm256_srlv_epi32(_mm256_set1_epi32(12), _mm256_set1_epi32(2));
      return _mm256_extract_epi32(v, 0) == 3 ? 0 : 1;
    }" ATOME_AVX2_RUNS)
  set(CMAKE_REQUIRED_FLAGS "-mavx512f -mavx512dq")
  check_cxx_source_runs("
    #include <immintrin.h>
    int main() {
      __m512 x = _mm512_broadcast_f32x8(_mm256_set1_ps(2.0f));
      __mmask16 k = _mm512_test_epi32_mask(_mm512_set1_epi32(5), _mm512_set1_epi32(4));
      __m512 y = _mm512_mask_add_ps(x, k, x, x);
      return _mm512_reduce_add_ps(y) == 64.0f ? 0 : 1;
    }" ATOME_AVX512_RUNS)
  # The integer kernel's AVX-512: BW (byte lanes, mask tests) and, where present, VNNI (vpdpbusd).
  set(CMAKE_REQUIRED_FLAGS "-mavx2 -mavx512f -mavx512bw")
  check_cxx_source_runs("
    #include <immintrin.h>
    int main() {
      __mmask64 k = _mm512_test_epi8_mask(_mm512_set1_epi8(5), _mm512_set1_epi8(4));
      __m512i v = _mm512_maskz_mov_epi8(k, _mm512_set1_epi8(3));
      v = _mm512_madd_epi16(_mm512_maddubs_epi16(_mm512_set1_epi8(1), v), _mm512_set1_epi16(1));
      return _mm512_reduce_add_epi32(v) == 192 ? 0 : 1;
    }" ATOME_AVX512BW_RUNS)
  set(CMAKE_REQUIRED_FLAGS "-mavx2 -mavx512f -mavx512bw -mavx512vnni")
  check_cxx_source_runs("
    #include <immintrin.h>
    int main() {
      __m512i v = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(1),
                                      _mm512_set1_epi8(-3));
      return _mm512_reduce_add_epi32(v) == -192 ? 0 : 1;
    }" ATOME_AVX512VNNI_RUNS)
  unset(CMAKE_REQUIRED_FLAGS)
  if(ATOME_AVX2_RUNS AND ATOME_AVX512BW_RUNS)
    set(ATOME_HAVE_I8_AVX512 ON)
    if(ATOME_AVX512VNNI_RUNS)
      set(ATOME_HAVE_I8_AVX512_VNNI ON)
    endif()
  endif()
  if(ATOME_AVX2_RUNS)
    set(ATOME_HAVE_AVX2 ON)
    if(ATOME_AVX512_RUNS)
      set(ATOME_HAVE_AVX512 ON)
    endif()
  endif()
endif()

if(ATOME_KERNEL STREQUAL "auto")
  if(ATOME_HAVE_AVX512)
    set(ATOME_KERNEL_SELECTED avx512)
  elseif(ATOME_HAVE_AVX2)
    set(ATOME_KERNEL_SELECTED avx2)
  else()
    set(ATOME_KERNEL_SELECTED portable)
  endif()
elseif(ATOME_KERNEL STREQUAL "avx512")
  if(NOT ATOME_HAVE_AVX512)
    message(FATAL_ERROR "ATOME_KERNEL=avx512 but this compiler/machine cannot build or run AVX-512")
  endif()
  set(ATOME_KERNEL_SELECTED avx512)
elseif(ATOME_KERNEL STREQUAL "avx2")
  if(NOT ATOME_HAVE_AVX2)
    message(FATAL_ERROR "ATOME_KERNEL=avx2 but this compiler/machine cannot build or run AVX2")
  endif()
  set(ATOME_KERNEL_SELECTED avx2)
elseif(ATOME_KERNEL STREQUAL "portable")
  set(ATOME_KERNEL_SELECTED portable)
else()
  message(FATAL_ERROR "ATOME_KERNEL must be auto, portable, avx2 or avx512")
endif()
message(STATUS "Atome ternary kernel: ${ATOME_KERNEL_SELECTED} "
               "(AVX2 available: ${ATOME_HAVE_AVX2}, AVX-512: ${ATOME_HAVE_AVX512})")

# The integer (int8-activation) ternary kernel, src/engine/ternary_i8.h. "auto" = avx512 > avx2 >
# portable on x86 hosts (lut and dsp are the firmware's, chosen per core in firmware/CMakeLists.txt;
# lut may be selected here too, e.g. to test it as the engine's kernel).
if(ATOME_I8_KERNEL STREQUAL "auto")
  if(ATOME_HAVE_I8_AVX512)
    set(ATOME_I8_KERNEL_SELECTED avx512)
  elseif(ATOME_HAVE_AVX2)
    set(ATOME_I8_KERNEL_SELECTED avx2)
  else()
    set(ATOME_I8_KERNEL_SELECTED portable)
  endif()
elseif(ATOME_I8_KERNEL STREQUAL "avx512")
  if(NOT ATOME_HAVE_I8_AVX512)
    message(FATAL_ERROR "ATOME_I8_KERNEL=avx512 but this compiler/machine cannot build or run AVX-512BW")
  endif()
  set(ATOME_I8_KERNEL_SELECTED avx512)
elseif(ATOME_I8_KERNEL STREQUAL "avx2")
  if(NOT ATOME_HAVE_AVX2)
    message(FATAL_ERROR "ATOME_I8_KERNEL=avx2 but this compiler/machine cannot build or run AVX2")
  endif()
  set(ATOME_I8_KERNEL_SELECTED avx2)
elseif(ATOME_I8_KERNEL STREQUAL "dsp")
  message(FATAL_ERROR "ATOME_I8_KERNEL=dsp is for Cortex-M4/M7 firmware (firmware/CMakeLists.txt)")
elseif(ATOME_I8_KERNEL MATCHES "^(portable|lut)$")
  set(ATOME_I8_KERNEL_SELECTED ${ATOME_I8_KERNEL})
else()
  message(FATAL_ERROR "ATOME_I8_KERNEL must be auto, portable, lut, dsp, avx2 or avx512")
endif()
message(STATUS "Atome integer ternary kernel: ${ATOME_I8_KERNEL_SELECTED} "
               "(AVX-512BW: ${ATOME_HAVE_I8_AVX512}, VNNI: ${ATOME_HAVE_I8_AVX512_VNNI})")
