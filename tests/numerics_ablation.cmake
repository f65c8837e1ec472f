# tools/numerics_ablation.py (the per-approximation cost of q15, docs/RESULTS.md §11) checked
# against the engine on four short stories with the default model: all switches off must give
# `atome eval`'s f32 bits per byte, all on its q15 ones. Included by tests/CMakeLists.txt. Needs
# bash and a python3 with numpy (skipped with code 77 without numpy, a failure when CI=true).
# About 10 s.
find_program(ATOME_BASH bash)
if(NOT ATOME_BASH)
  message(STATUS "bash not found: NumericsAblation.* tests not added")
elseif(NOT TARGET atome)
  message(STATUS "atome CLI not built: NumericsAblation.* tests not added")
else()
  add_test(NAME NumericsAblation.SelfChecks
    COMMAND ${ATOME_BASH} ${PROJECT_SOURCE_DIR}/tools/check_numerics_ablation.sh
            $<TARGET_FILE:atome> ${PROJECT_SOURCE_DIR}/models/atome-stories-944k.atome
            ${CMAKE_CURRENT_BINARY_DIR}/numerics_ablation)
  set_tests_properties(NumericsAblation.SelfChecks PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS "numerics_ablation")
endif()
