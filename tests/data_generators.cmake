# The classifier data generators (data/generators/, docs/DATA.md), run at --scale small:
#   DataGenerators.small  determinism (two runs, identical bytes), every head's CSV against its
#                         spec.json (columns, <= 32 features, labels, physical limits), >= 3
#                         groups, and no single feature separating the classes (< 0.90).
#   DataGenerators.text_world  command_intent's and intent_bucket's phrases agree on their bucket.
# The voice head (espeak-ng + sox) is not exercised here. Included by tests/CMakeLists.txt.
# Needs python3 with numpy (python3-numpy, scripts/install-deps.sh).
find_package(Python3 COMPONENTS Interpreter QUIET)
set(atome_numpy_python "")
foreach(py IN ITEMS "${Python3_EXECUTABLE}" /usr/bin/python3)
  if(py AND NOT atome_numpy_python)
    execute_process(COMMAND "${py}" -c "import numpy" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(atome_numpy_python "${py}")
    endif()
  endif()
endforeach()
if(NOT atome_numpy_python)
  message(STATUS "python3 with numpy missing: DataGenerators.* tests not added")
else()
  add_test(NAME DataGenerators.small
    COMMAND ${atome_numpy_python} ${PROJECT_SOURCE_DIR}/tests/data_generators_test.py
            ${CMAKE_CURRENT_BINARY_DIR}/data_generators)
  set_tests_properties(DataGenerators.small PROPERTIES TIMEOUT 60 LABELS "data")
  # The two text generators describe one world (the router and the command head agree).
  add_test(NAME DataGenerators.text_world
    COMMAND ${atome_numpy_python} ${PROJECT_SOURCE_DIR}/tests/text_world_test.py)
  set_tests_properties(DataGenerators.text_world PROPERTIES TIMEOUT 60 LABELS "data")
endif()
