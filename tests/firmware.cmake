# Firmware parity under QEMU (issue 4): for each core, the firmware built from firmware/ with a
# model embedded must print exactly what the host engine prints — every step's greedy token and
# the 32-bit digest of its full logits (firmware/app/logits_digest.h; bit-identical logits) — and exit 0. Registered when
# ATOME_BUILD_FIRMWARE_TESTS is on (the release preset); needs the cross compilers and QEMU that
# scripts/install-deps.sh installs.
if(NOT ATOME_BUILD_FIRMWARE_TESTS OR NOT TARGET atome)
  return()
endif()
add_executable(atome_firmware_twin ${PROJECT_SOURCE_DIR}/firmware/host_twin.cpp
                                   ${PROJECT_SOURCE_DIR}/firmware/app/generation.cpp)
target_include_directories(atome_firmware_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_firmware_twin PRIVATE atome_engine)

# The q15 firmware's engine built for the host: the same sources and defines as the integer-only
# firmware (ATOME_FLOAT_PATH=0, the lut kernel with the core's group size: 2 on M0, 4 elsewhere),
# so that its `--state-bytes` is the firmware's atome_state_bytes (the lut scratch and the absent
# float router/logits make it differ from the host engine's). Its lines are not what the
# firmware is compared with: that stays the host engine (atome_firmware_twin).
set(fw_engine_sources crc32.cpp format_compact.cpp format_layout.cpp forward_f32.cpp forward_q15.cpp model_load.cpp
    model_verify.cpp signature_block.cpp sampler.cpp session.cpp ternary_portable.cpp ternary_i8_portable.cpp ternary_i8_lut.cpp
    ternary_trit3.cpp)
list(TRANSFORM fw_engine_sources PREPEND ${PROJECT_SOURCE_DIR}/src/engine/)
# name, lut group, classifier metadata validator (1: a classifier firmware, issue 14) + sources
function(atome_add_q15_twin name group classifiers)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/firmware/host_twin.cpp
                 ${PROJECT_SOURCE_DIR}/firmware/app/generation.cpp ${fw_engine_sources} ${ARGN})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/firmware
                             ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(${name} PRIVATE ATOME_FLOAT_PATH=0 ATOME_USE_I8_LUT=1
                             ATOME_I8_LUT_GROUP=${group} ATOME_CLASSIFIER_METADATA=${classifiers})
  # model_verify.cpp's atome_port_* functions: Debian's libsodium (firmware: its sources)
  target_link_libraries(${name} PRIVATE atome_crypto_port)
endfunction()
foreach(group 2 4)
  atome_add_q15_twin(atome_firmware_twin_q15_lut${group} ${group} 0)
endforeach()
# The M0 firmware's engine without the compact layout (ATOME_WITH_COMPACT=0, engine/build_config.h):
# it must refuse a compact file with ATOME_ERR_UNSUPPORTED and still run the same model as a
# version 1 file (FirmwareTwin.BuildWithoutCompactRefusesCompactFiles below).
atome_add_q15_twin(atome_firmware_twin_q15_no_compact 2 0)
target_compile_definitions(atome_firmware_twin_q15_no_compact PRIVATE ATOME_WITH_COMPACT=0)
# The same engine with the classifier metadata validator: its `--state-bytes` sizes a q15
# classifier's arena on M3 and up (scripts/classify-report.sh).
atome_add_q15_twin(atome_firmware_twin_q15_classifier 4 1
                   ${PROJECT_SOURCE_DIR}/src/engine/class_meta.cpp)

# The generation firmware leaves the classifier metadata validator out (ATOME_CLASSIFIER_METADATA=0,
# engine/build_config.h): its engine must refuse a q15 classifier file with ATOME_ERR_UNSUPPORTED,
# which the full host engine loads. Needs one of the original's heads from ../shared.
set(twin_shared_dir $ENV{ATOME_SHARED_DIR})
if(NOT twin_shared_dir)
  set(twin_shared_dir ${PROJECT_SOURCE_DIR}/../shared)
endif()
add_test(NAME FirmwareTwin.LanguageModelBuildRefusesClassifierFiles COMMAND sh -c "
  head=${twin_shared_dir}/reference/original-superesp/agri
  if [ ! -f \$head.atomecl ]; then
    echo \"missing fixture \$head.atomecl\"; ${PROJECT_SOURCE_DIR}/scripts/in-ci.sh && exit 1; exit 77
  fi
  dir=${CMAKE_CURRENT_BINARY_DIR}/lm_only_twin; mkdir -p \$dir
  $<TARGET_FILE:atome> convert \$head.atomecl \$dir/agri.atome --tok \$head.tok.json --tok-mode global >/dev/null || exit 1
  $<TARGET_FILE:atome> convert \$dir/agri.atome \$dir/agri_q15.atome --numerics q15 >/dev/null || exit 1
  $<TARGET_FILE:atome_firmware_twin> --state-bytes \$dir/agri_q15.atome 8 >/dev/null || exit 1
  out=\$($<TARGET_FILE:atome_firmware_twin_q15_lut4> --state-bytes \$dir/agri_q15.atome 8 2>&1) && exit 1
  echo \"\$out\"; case \"\$out\" in *'classifier metadata left out'*) exit 0;; esac; exit 1")
set_tests_properties(FirmwareTwin.LanguageModelBuildRefusesClassifierFiles PROPERTIES
                     SKIP_RETURN_CODE 77)

# The engine without the compact layout refuses a compact file with one clear line (the status
# names what the build left out) and runs the same model as a version 1 file: the lines it prints
# equal the full integer-only engine's. Needs the original's toy_60k from ../shared.
add_test(NAME FirmwareTwin.BuildWithoutCompactRefusesCompactFiles COMMAND sh -c "
  toy=${twin_shared_dir}/reference/original-models/toy_60k.atome01
  if [ ! -f \$toy ]; then
    echo \"missing fixture \$toy\"; ${PROJECT_SOURCE_DIR}/scripts/in-ci.sh && exit 1; exit 77
  fi
  dir=${CMAKE_CURRENT_BINARY_DIR}/no_compact_twin; mkdir -p \$dir
  $<TARGET_FILE:atome> convert \$toy \$dir/toy_q15.atome --numerics q15 >/dev/null || exit 1
  $<TARGET_FILE:atome> convert \$dir/toy_q15.atome \$dir/toy_q15_compact.atome --layout compact >/dev/null || exit 1
  $<TARGET_FILE:atome_firmware_twin_q15_lut2> --state-bytes \$dir/toy_q15_compact.atome 10 >/dev/null || exit 1
  out=\$($<TARGET_FILE:atome_firmware_twin_q15_no_compact> --state-bytes \$dir/toy_q15_compact.atome 10 2>&1) && exit 1
  echo \"\$out\"
  [ \$(printf '%s\\n' \"\$out\" | wc -l) -eq 1 ] || exit 1
  case \"\$out\" in *'compact layout'*'left out'*) ;; *) exit 1;; esac
  $<TARGET_FILE:atome_firmware_twin_q15_lut2> \$dir/toy_q15.atome 10 4 'Once' >\$dir/full.txt || exit 1
  $<TARGET_FILE:atome_firmware_twin_q15_no_compact> \$dir/toy_q15.atome 10 4 'Once' >\$dir/without.txt || exit 1
  cmp \$dir/full.txt \$dir/without.txt")
set_tests_properties(FirmwareTwin.BuildWithoutCompactRefusesCompactFiles PROPERTIES
                     SKIP_RETURN_CODE 77)

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

# core, model name, model file, attention window, generated tokens[, numerics]. The micro:bit (M0)
# has 16 KB of RAM: toy_60k's state at window 2 is 13,184 bytes, which leaves the stack ~3 KB; the
# 944K default model (721,120 bytes of state at window 64, 280,832 bytes of weights) fits the 4 MB
# MPS2 boards and RISC-V virt only, as does the original's atome_944k (converted from ATOME01).
# q15 runs (numerics q15): the model converted at test time with `atome convert --numerics q15`
# into the build directory, run by the integer-only firmware (ATOME_NUMERICS=q15, int32 Q16
# logits). On the micro:bit toy_60k q15 takes window 10: 13,504 bytes of state (lut2 kernel, no
# float logits) leave the stack 2,880 bytes (window 12 would leave 2,224; it uses ~1.1 KB). The
# q15 default model's 280,832 bytes of weights exceed the micro:bit's 256 KB of flash.
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
  "m0|toy_60k_q15|${toy_60k}|10|32|q15"
  "m3|toy_60k_q15|${toy_60k}|64|32|q15"
  "m4|toy_60k_q15|${toy_60k}|64|32|q15"
  "m4f|toy_60k_q15|${toy_60k}|64|32|q15"
  "m7|toy_60k_q15|${toy_60k}|64|32|q15"
  "rv32imc|toy_60k_q15|${toy_60k}|64|32|q15"
  "m3|default_q15|${default_model}|64|16|q15"
  "m4|default_q15|${default_model}|64|16|q15"
  "m4f|default_q15|${default_model}|64|16|q15"
  "m7|default_q15|${default_model}|64|16|q15"
  "rv32imc|default_q15|${default_model}|64|16|q15"
  # base-3 packing (5 trits a byte): the same tokens and logits as the host on every core
  "m0|toy_60k_trit3|${toy_60k}|2|32|f32|trit3"
  "m3|toy_60k_trit3|${toy_60k}|64|32|f32|trit3"
  "m4|toy_60k_trit3|${toy_60k}|64|32|f32|trit3"
  "m4f|toy_60k_trit3|${toy_60k}|64|32|f32|trit3"
  "m7|toy_60k_trit3|${toy_60k}|64|32|f32|trit3"
  "rv32imc|toy_60k_trit3|${toy_60k}|64|32|f32|trit3"
  "m0|toy_60k_q15_trit3|${toy_60k}|10|32|q15|trit3"
  "m4f|toy_60k_q15_trit3|${toy_60k}|64|32|q15|trit3"
  "rv32imc|toy_60k_q15_trit3|${toy_60k}|64|32|q15|trit3"
  # the compact q15 layout (FORMAT.md §18: no tensor table, int16 << shift vectors, trit3 rows)
  "m0|toy_60k_q15_compact|${toy_60k}|10|32|q15|compact"
  "m3|toy_60k_q15_compact|${toy_60k}|64|32|q15|compact"
  "m4|toy_60k_q15_compact|${toy_60k}|64|32|q15|compact"
  "m4f|toy_60k_q15_compact|${toy_60k}|64|32|q15|compact"
  "m7|toy_60k_q15_compact|${toy_60k}|64|32|q15|compact"
  "rv32imc|toy_60k_q15_compact|${toy_60k}|64|32|q15|compact")
foreach(run ${fw_runs})
  string(REPLACE "|" ";" f "${run}")
  list(GET f 0 core)
  list(GET f 1 name)
  list(GET f 2 model)
  list(GET f 3 window)
  list(GET f 4 tokens)
  list(LENGTH f n)
  set(numerics f32)
  set(sizer $<TARGET_FILE:atome_firmware_twin>)
  set(packing "")
  if(n GREATER 6)
    list(GET f 6 packing)
  endif()
  if(n GREATER 5)
    list(GET f 5 numerics)
  endif()
  if(numerics STREQUAL "q15")
    if(core STREQUAL "m0")
      set(sizer $<TARGET_FILE:atome_firmware_twin_q15_lut2>)
    else()
      set(sizer $<TARGET_FILE:atome_firmware_twin_q15_lut4>)
    endif()
  endif()
  set(dir ${CMAKE_BINARY_DIR}/fw/${core}-${name})
  add_test(NAME firmware.${core}.${name}
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-parity.sh ${core} ${model} ${window} ${tokens}
            ${dir} $<TARGET_FILE:atome> $<TARGET_FILE:atome_firmware_twin> ${numerics} ${sizer}
            ${packing})
  set_tests_properties(firmware.${core}.${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                       TIMEOUT 600)
  if(numerics STREQUAL "q15")
    # The integer-only firmware the parity test built: no soft-float routine linked or called,
    # no VFP instruction on M4F/M7 (objdump; scripts/firmware-nofloat.sh).
    set_tests_properties(firmware.${core}.${name} PROPERTIES FIXTURES_SETUP fw-${core}-${name})
    add_test(NAME firmware.${core}.${name}.nofloat
      COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-nofloat.sh ${core} ${dir}/atome_fw.elf)
    set_tests_properties(firmware.${core}.${name}.nofloat PROPERTIES LABELS firmware
                         FIXTURES_REQUIRED fw-${core}-${name})
  endif()
endforeach()

# Integer ternary kernels on each core (firmware/app/kernel_bench.cpp, no model): every kernel
# compiled for the core (portable, lut2, lut4, and dsp on M4/M4F/M7) equals the portable kernel.
foreach(core m0 m3 m4 m4f m7 rv32imc)
  add_test(NAME firmware.${core}.kernels
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-kernels.sh ${core} ${CMAKE_BINARY_DIR}/fw/${core}-kernels)
  set_tests_properties(firmware.${core}.kernels PROPERTIES LABELS firmware TIMEOUT 600)
endforeach()

# The fixed-point helpers of engine/fixed.h at their edges on each core (firmware/app/fixed_edges.cpp,
# no model): every core-specific form equals the helper's definition on edge and random inputs,
# and the firmware prints the lines its host twin (the same source, the portable forms) prints.
add_executable(atome_fixed_edges_twin ${PROJECT_SOURCE_DIR}/firmware/app/fixed_edges.cpp)
target_compile_definitions(atome_fixed_edges_twin PRIVATE ATOME_FIXED_EDGES_HOST)
target_include_directories(atome_fixed_edges_twin PRIVATE ${PROJECT_SOURCE_DIR}/include
                                                          ${PROJECT_SOURCE_DIR}/src)
foreach(core m0 m3 m4 m4f m7 rv32imc)
  add_test(NAME firmware.${core}.fixed_edges
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-twin.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-fixed-edges atome_fixed_edges
            $<TARGET_FILE:atome_fixed_edges_twin>)
  set_tests_properties(firmware.${core}.fixed_edges PROPERTIES LABELS firmware TIMEOUT 300)
endforeach()
