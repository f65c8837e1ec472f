# Chooses the ternary kernel at configure time. "auto" picks AVX2 when the compiler accepts it
# and this build machine can run it; the portable kernel is always built (tests compare them).
include(CheckCXXSourceRuns)
set(ATOME_HAVE_AVX2 OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  set(CMAKE_REQUIRED_FLAGS "-mavx2")
  check_cxx_source_runs("
    #include <immintrin.h>
    int main() {
      __m256i v = _mm256_srlv_epi32(_mm256_set1_epi32(12), _mm256_set1_epi32(2));
      return _mm256_extract_epi32(v, 0) == 3 ? 0 : 1;
    }" ATOME_AVX2_RUNS)
  unset(CMAKE_REQUIRED_FLAGS)
  if(ATOME_AVX2_RUNS)
    set(ATOME_HAVE_AVX2 ON)
  endif()
endif()

if(ATOME_KERNEL STREQUAL "auto")
  if(ATOME_HAVE_AVX2)
    set(ATOME_KERNEL_SELECTED avx2)
  else()
    set(ATOME_KERNEL_SELECTED portable)
  endif()
elseif(ATOME_KERNEL STREQUAL "avx2")
  if(NOT ATOME_HAVE_AVX2)
    message(FATAL_ERROR "ATOME_KERNEL=avx2 but this compiler/machine cannot build or run AVX2")
  endif()
  set(ATOME_KERNEL_SELECTED avx2)
elseif(ATOME_KERNEL STREQUAL "portable")
  set(ATOME_KERNEL_SELECTED portable)
else()
  message(FATAL_ERROR "ATOME_KERNEL must be auto, portable or avx2")
endif()
message(STATUS "Atome ternary kernel: ${ATOME_KERNEL_SELECTED} (AVX2 available: ${ATOME_HAVE_AVX2})")
