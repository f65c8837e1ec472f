# Firmware parity under QEMU (issue 4): for each core, the firmware built from firmware/ with a
# model embedded must print exactly what the host engine prints — every step's greedy token and
# the CRC-32 of its full logits (bit-identical logits) — and exit 0. Registered when
# ATOME_BUILD_FIRMWARE_TESTS is on (the release preset); needs the cross compilers and QEMU that
# scripts/install-deps.sh installs.
if(NOT ATOME_BUILD_FIRMWARE_TESTS OR NOT TARGET atome)
  return()
endif()
add_executable(atome_firmware_twin ${PROJECT_SOURCE_DIR}/firmware/host_twin.cpp
                                   ${PROJECT_SOURCE_DIR}/firmware/app/generation.cpp)
target_include_directories(atome_firmware_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_firmware_twin PRIVATE atome_engine)

set(fw_tools arm-none-eabi-g++ riscv64-unknown-elf-g++ qemu-system-arm qemu-system-riscv32)
set(fw_missing "")
foreach(tool ${fw_tools})
  find_program(fw_path_${tool} ${tool})
  if(NOT fw_path_${tool})
    list(APPEND fw_missing ${tool})
  endif()
endforeach()
if(fw_missing)
  message(STATUS "firmware tests: missing ${fw_missing} (scripts/install-deps.sh installs them)")
  add_test(NAME firmware.tools COMMAND sh -c
    "echo 'missing: ${fw_missing}'; ${PROJECT_SOURCE_DIR}/scripts/in-ci.sh && exit 1; exit 77")
  set_tests_properties(firmware.tools PROPERTIES SKIP_RETURN_CODE 77)
  return()
endif()

set(shared_dir $ENV{ATOME_SHARED_DIR})
if(NOT shared_dir)
  set(shared_dir ${PROJECT_SOURCE_DIR}/../shared)
endif()
set(toy_60k ${shared_dir}/reference/original-models/toy_60k.atome01)
set(atome_944k ${shared_dir}/reference/original-models/atome_944k.atome01)
set(default_model ${PROJECT_SOURCE_DIR}/models/atome-stories-944k.atome)

# core, model name, model file, attention window, generated tokens. The micro:bit (M0) has 16 KB
# of RAM: toy_60k's state at window 2 is 13,184 bytes, which leaves the stack ~3 KB; the 944K
# default model (721,120 bytes of state at window 64, 280,832 bytes of weights) fits the 4 MB
# MPS2 boards and RISC-V virt only, as does the original's atome_944k (converted from ATOME01).
set(fw_runs
  "m0|toy_60k|${toy_60k}|2|32"
  "m3|toy_60k|${toy_60k}|64|32"
  "m4|toy_60k|${toy_60k}|64|32"
  "m4f|toy_60k|${toy_60k}|64|32"
  "m7|toy_60k|${toy_60k}|64|32"
  "rv32imc|toy_60k|${toy_60k}|64|32"
  "m3|default|${default_model}|64|16"
  "m4|default|${default_model}|64|16"
  "m4f|default|${default_model}|64|16"
  "m7|default|${default_model}|64|16"
  "rv32imc|default|${default_model}|64|16"
  "m3|atome_944k|${atome_944k}|64|8"
  "m4|atome_944k|${atome_944k}|64|8"
  "m4f|atome_944k|${atome_944k}|64|8"
  "m7|atome_944k|${atome_944k}|64|8"
  "rv32imc|atome_944k|${atome_944k}|64|8"
  # base-3 packing (5 trits a byte): the same tokens and logits as the host on every core
  "m0|toy_60k_trit3|${toy_60k}|2|32|trit3"
  "m3|toy_60k_trit3|${toy_60k}|64|32|trit3"
  "m4|toy_60k_trit3|${toy_60k}|64|32|trit3"
  "m4f|toy_60k_trit3|${toy_60k}|64|32|trit3"
  "m7|toy_60k_trit3|${toy_60k}|64|32|trit3"
  "rv32imc|toy_60k_trit3|${toy_60k}|64|32|trit3")
foreach(run ${fw_runs})
  string(REPLACE "|" ";" f "${run}")
  list(GET f 0 core)
  list(GET f 1 name)
  list(GET f 2 model)
  list(GET f 3 window)
  list(GET f 4 tokens)
  set(packing "")
  list(LENGTH f fields)
  if(fields GREATER 5)
    list(GET f 5 packing)
  endif()
  add_test(NAME firmware.${core}.${name}
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-parity.sh ${core} ${model} ${window} ${tokens}
            ${CMAKE_BINARY_DIR}/fw/${core}-${name} $<TARGET_FILE:atome> $<TARGET_FILE:atome_firmware_twin>
            ${packing})
  set_tests_properties(firmware.${core}.${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                       TIMEOUT 600)
endforeach()

# Integer ternary kernels on each core (firmware/app/kernel_bench.cpp, no model): every kernel
# compiled for the core (portable, lut2, lut4, and dsp on M4/M4F/M7) equals the portable kernel.
foreach(core m0 m3 m4 m4f m7 rv32imc)
  add_test(NAME firmware.${core}.kernels
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-kernels.sh ${core} ${CMAKE_BINARY_DIR}/fw/${core}-kernels)
  set_tests_properties(firmware.${core}.kernels PROPERTIES LABELS firmware TIMEOUT 600)
endforeach()
