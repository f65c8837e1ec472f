# Precompiled headers for the host targets whose files all parse the same large header-only
# libraries (CLI11, nlohmann-json, GoogleTest): each of their files spent most of its compile time
# re-parsing them (cmd_inspect.cpp: ~10 s at -O2, ~24 s under ASan), and the test command builds
# the host code three times (release, portable, ASan). Never for the engine, apps/ or firmware:
# their files must keep compiling alone, with no dependency. ATOME_PCH=OFF checks that every host
# file still includes what it uses. Not for the trainer: GCC 12 crashed (an internal compiler error
# in its IPA pass) on gemm.cpp, compiled at -O3 under ASan with a precompiled header built at -O1.
option(ATOME_PCH "Precompile the host targets' large third-party headers" ON)

function(atome_precompile target)
  if(ATOME_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# Unity builds (CMake's UNITY_BUILD) for the same targets: their files instantiate the same
# templates (nlohmann-json, GoogleTest, std containers) and each instantiation was compiled once per
# file; in batches of a few files it is compiled once per batch. Off by default (a developer's
# incremental rebuild recompiles a whole batch); the test command turns it on for its clean builds.
option(ATOME_UNITY "Unity-build the host targets that precompile headers (clean builds)" OFF)

function(atome_unity target)
  if(ATOME_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()
