# StateOverflow.Abi32 (issue 12 j): on a 32-bit core, a valid window whose session state does not
# fit in size_t must be ATOME_ERR_STATE_TOO_LARGE, not ATOME_ERR_BAD_WINDOW. The host is 64-bit,
# where that cannot happen, so tests/state_overflow.sh builds the engine's portable sources (with
# the engine's own flags) and tests/state_overflow_abi32.cpp with -m32 (g++-multilib, which
# scripts/install-deps.sh installs) and runs them on a model tests/state_overflow_model.cpp
# writes. Without a working -m32 toolchain the test fails under CI and is skipped otherwise.
find_program(ATOME_BASH bash)
if(NOT ATOME_BASH OR NOT TARGET atome_engine OR NOT TARGET atome_host)
  return()
endif()
add_executable(atome_state_overflow_model ${CMAKE_CURRENT_SOURCE_DIR}/state_overflow_model.cpp)
target_include_directories(atome_state_overflow_model PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(atome_state_overflow_model PRIVATE atome_host)
add_dependencies(atome_tests atome_state_overflow_model)

# Checked again at every configure until it succeeds (apt-get install g++-multilib, reconfigure).
if(NOT ATOME_HAVE_M32)
  unset(ATOME_HAVE_M32 CACHE)
endif()
include(CheckCXXSourceRuns)
set(CMAKE_REQUIRED_FLAGS -m32)
set(CMAKE_REQUIRED_LINK_OPTIONS -m32)
set(CMAKE_REQUIRED_QUIET ON)
check_cxx_source_runs("#include <cstdio>
#include <cstdint>
int main() { std::printf(\"%zu\", sizeof(std::size_t)); return sizeof(void*) == 4 ? 0 : 1; }"
                      ATOME_HAVE_M32)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
unset(CMAKE_REQUIRED_QUIET)

if(NOT ATOME_HAVE_M32)
  message(STATUS "StateOverflow.Abi32: no working -m32 toolchain (install g++-multilib)")
  add_test(NAME StateOverflow.Abi32 COMMAND sh -c
    "echo 'no working ${CMAKE_CXX_COMPILER} -m32 (install g++-multilib)'; ${PROJECT_SOURCE_DIR}/scripts/in-ci.sh && exit 1; exit 77")
else()
  # The engine's portable sources and compile options, as src/engine/CMakeLists.txt sets them.
  get_target_property(engine_dir atome_engine SOURCE_DIR)
  get_target_property(engine_sources atome_engine SOURCES)
  get_target_property(engine_options atome_engine COMPILE_OPTIONS)
  list(FILTER engine_sources EXCLUDE REGEX "avx")
  # The verified load needs the crypto port (libsodium), which this 32-bit test does not link.
  list(FILTER engine_sources EXCLUDE REGEX "model_verify")
  # Sanitizers (the asan and fuzz presets) are not part of the engine's contract, and their
  # runtimes have no 32-bit build here: the -m32 build leaves them out.
  list(FILTER engine_options EXCLUDE REGEX "sanitize")
  set(engine_paths "")
  foreach(src ${engine_sources})
    get_filename_component(path ${src} ABSOLUTE BASE_DIR ${engine_dir})
    list(APPEND engine_paths ${path})
  endforeach()
  string(REPLACE ";" " " engine_flags "${engine_options}")
  add_test(NAME StateOverflow.Abi32
    COMMAND ${ATOME_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/state_overflow.sh
            ${CMAKE_CURRENT_BINARY_DIR}/state_overflow ${CMAKE_CXX_COMPILER}
            $<TARGET_FILE:atome_state_overflow_model> ${PROJECT_SOURCE_DIR} "${engine_flags}"
            ${engine_paths})
endif()
set_tests_properties(StateOverflow.Abi32 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
