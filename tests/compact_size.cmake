# tools/compact_size.py (the table-free layout sizes of docs/RESULTS.md §11, issue 13's flash bar):
# its rounded copy of the shipped q15 60K model loads in the engine and keeps its bits per byte,
# and bad input gives one line (tools/check_compact_size.sh). Included by tests/CMakeLists.txt;
# needs bash and python3 (no numpy). About 1 s.
find_program(ATOME_BASH bash)
find_program(ATOME_PYTHON3 NAMES python3 PATHS /usr/bin)
if(NOT ATOME_BASH OR NOT ATOME_PYTHON3)
  message(STATUS "bash or python3 not found: CompactSize.* tests not added")
elseif(NOT TARGET atome)
  message(STATUS "atome CLI not built: CompactSize.* tests not added")
else()
  add_test(NAME CompactSize.RoundedCopyAndBadInput
    COMMAND ${ATOME_BASH} ${PROJECT_SOURCE_DIR}/tools/check_compact_size.sh $<TARGET_FILE:atome>
            ${PROJECT_SOURCE_DIR}/models/atome-stories-60k-q15.atome
            ${PROJECT_SOURCE_DIR}/models/atome-stories-944k.atome
            ${CMAKE_CURRENT_BINARY_DIR}/compact_size)
  set_tests_properties(CompactSize.RoundedCopyAndBadInput PROPERTIES
    ENVIRONMENT "PYTHON3=${ATOME_PYTHON3}" TIMEOUT 120 LABELS "compact_size")
endif()
