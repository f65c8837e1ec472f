# Precompiled headers for the host targets whose files all parse the same large header-only
# libraries (CLI11, nlohmann-json, GoogleTest): each of their files spent most of its compile time
# re-parsing them (cmd_inspect.cpp: ~10 s at -O2, ~24 s under ASan), and the test command builds
# the host code three times (release, portable, ASan). Never for the engine, apps/ or firmware:
# their files must keep compiling alone, with no dependency. ATOME_PCH=OFF checks that every host
# file still includes what it uses.
option(ATOME_PCH "Precompile the host targets' large third-party headers" ON)

function(atome_precompile target)
  if(ATOME_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
