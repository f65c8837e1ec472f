# Independent reader (tools/atome_reader.py, written from docs/FORMAT.md alone) vs the atome CLI.
# Included by tests/CMakeLists.txt.  Needs python3 (standard library only; the signed test also
# python3-cryptography) and bash; the fixture
# toy_60k.atome01 under $ATOME_SHARED_DIR or <repo>/../shared (skipped with code 77 if absent,
# a failure when CI=true).
find_package(Python3 COMPONENTS Interpreter QUIET)
find_program(ATOME_BASH bash)
if(NOT Python3_Interpreter_FOUND OR NOT ATOME_BASH)
  message(STATUS "python3 or bash not found: IndependentReader.* tests not added")
elseif(NOT TARGET atome)
  message(STATUS "atome CLI not built: IndependentReader.* tests not added")
else()
  foreach(mode inspect corrupt forward)
    add_test(NAME IndependentReader.${mode}
      COMMAND ${CMAKE_COMMAND} -E env PYTHON3=${Python3_EXECUTABLE}
              ${ATOME_BASH} ${PROJECT_SOURCE_DIR}/tools/check_independent_reader.sh
              $<TARGET_FILE:atome> ${CMAKE_CURRENT_BINARY_DIR}/independent_reader/${mode} ${mode})
    set_tests_properties(IndependentReader.${mode} PROPERTIES
      SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS "independent_reader")
  endforeach()
  # Signed models (FORMAT.md section 8): the reader's verify (Ed25519 via python3-cryptography,
  # i.e. OpenSSL) and `atome verify` (libsodium) agree, case by case and on sampled bit flips.
  # Needs no fixture (the repository's 60K model); skipped (77) without the cryptography package.
  add_test(NAME IndependentReader.signed
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/check_signed_reader.py
            $<TARGET_FILE:atome> ${CMAKE_CURRENT_BINARY_DIR}/independent_reader/signed)
  set_tests_properties(IndependentReader.signed PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS "independent_reader")
endif()
