# Signed models on every core (issue 16): scripts/firmware-signed.sh builds the signature firmware
# (libsodium's Ed25519 verifier from Debian's source package, built freestanding) and compares its
# lines with a host twin on Debian's libsodium. Registered with the other firmware tests
# (ATOME_BUILD_FIRMWARE_TESTS, the release preset); needs the cross compilers, QEMU and
# scripts/get-libsodium-source.sh (scripts/install-deps.sh --firmware runs it).
if(NOT ATOME_BUILD_FIRMWARE_TESTS OR NOT TARGET atome OR NOT TARGET atome_signing)
  return()
endif()
# Signs a model with the firmware's test key (the host half of the test).
add_executable(atome_sign_test_model ${PROJECT_SOURCE_DIR}/firmware/tools/sign_test_model.cpp)
target_include_directories(atome_sign_test_model PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_sign_test_model PRIVATE atome_signing)
# The signature firmware's checks on the host engine and Debian's libsodium.
add_executable(atome_verify_twin ${PROJECT_SOURCE_DIR}/firmware/verify_twin.cpp
               ${PROJECT_SOURCE_DIR}/firmware/app/signed_checks.cpp
               ${PROJECT_SOURCE_DIR}/firmware/app/generation.cpp)
target_include_directories(atome_verify_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_verify_twin PRIVATE atome_engine atome_crypto_port)

# core, attention window, tokens, flips. The micro:bit (M0, 16 KB of RAM) holds no 22 KB copy of
# the model for the flips, and its arena must leave the verifier its stack: window 2, 10,832
# bytes of state, leaves 5,552 bytes of stack; the checks use 4,852 (its "#" line).
foreach(run "m0|2|4|0" "m3|64|4|1" "m4|64|4|1" "m4f|64|4|1" "m7|64|4|1" "rv32imc|64|4|1")
  string(REPLACE "|" ";" f "${run}")
  list(GET f 0 core)
  list(GET f 1 window)
  list(GET f 2 tokens)
  list(GET f 3 flips)
  if(core STREQUAL "m0")
    set(sizer $<TARGET_FILE:atome_firmware_twin_q15_lut2>)
  else()
    set(sizer $<TARGET_FILE:atome_firmware_twin_q15_lut4>)
  endif()
  add_test(NAME firmware.${core}.signed
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-signed.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-signed $<TARGET_FILE:atome>
            $<TARGET_FILE:atome_sign_test_model> $<TARGET_FILE:atome_verify_twin> ${sizer}
            ${window} ${tokens} ${flips})
  set_tests_properties(firmware.${core}.signed PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                       TIMEOUT 600)
endforeach()
