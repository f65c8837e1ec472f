# The bench report (scripts/bench_report.py) against the `atome bench --json` it renders:
#   BenchReport.renders_fresh_output  a fresh, tiny bench of the shipped model renders (the
#                                     script reads the schema the CLI writes today);
#   BenchReport.docs_in_sync          docs/RESULTS.md holds exactly the rendering of the saved
#                                     docs/bench/*.json (the table was generated, not edited).
# Included by tests/CMakeLists.txt. Needs python3 and bash.
find_package(Python3 COMPONENTS Interpreter QUIET)
find_program(ATOME_BASH bash)
if(NOT Python3_Interpreter_FOUND OR NOT ATOME_BASH OR NOT TARGET atome)
  message(STATUS "python3, bash or the atome CLI missing: BenchReport.* tests not added")
else()
  set(bench_dir ${CMAKE_CURRENT_BINARY_DIR}/bench_report)
  add_test(NAME BenchReport.renders_fresh_output
    COMMAND ${ATOME_BASH} -c "set -euo pipefail; mkdir -p \"$1\"
      \"$2\" bench --model \"$3/models/atome-stories-944k.atome\" --windows 8,16 --tokens 4 \
        --repeat 1 --json > \"$1/fresh.json\"
      \"$4\" \"$3/scripts/bench_report.py\" --print \"$1/fresh.json\" > \"$1/fresh.md\"
      grep -q '^| atome-stories-944k.atome | 16 | ' \"$1/fresh.md\""
      bash ${bench_dir} $<TARGET_FILE:atome> ${PROJECT_SOURCE_DIR} ${Python3_EXECUTABLE})
  file(GLOB bench_saved CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/bench/*.json)
  add_test(NAME BenchReport.docs_in_sync
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/bench_report.py --check
            --results ${PROJECT_SOURCE_DIR}/docs/RESULTS.md ${bench_saved})
  set_tests_properties(BenchReport.renders_fresh_output BenchReport.docs_in_sync
                       PROPERTIES TIMEOUT 60 LABELS "bench_report")
endif()
