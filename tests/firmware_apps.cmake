# The applied-layer firmware app (issue 15 step 4, docs/APPS.md §11): per core, the app runner with
# every head of apps/examples/apps-all.json (12 sensor heads, the bad-reading check, one shared
# session) over a recorded stream
# (scripts/firmware-apps.sh) prints exactly the lines of its host twin (atome_apps_twin: the same
# app code on the host engine), whose decisions equal `atome apps run --json`'s; and the ELF is
# integer only (no soft-float routine, no VFP instruction on M4F/M7: scripts/firmware-nofloat.sh).
if(NOT ATOME_BUILD_FIRMWARE_TESTS OR NOT TARGET atome)
  return()
endif()
add_executable(atome_apps_twin ${PROJECT_SOURCE_DIR}/firmware/apps_twin.cpp
                               ${PROJECT_SOURCE_DIR}/firmware/app/apps_run.cpp)
target_include_directories(atome_apps_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_apps_twin PRIVATE atome_host atome_apps)
# Sizes a q15 classifier's session on M0 (the lut2 kernel), as atome_firmware_twin_q15_classifier
# does on the other cores.
atome_add_q15_twin(atome_firmware_twin_q15_classifier_lut2 2 1
                   ${PROJECT_SOURCE_DIR}/src/engine/class_meta.cpp)

# Not on the micro:bit (M0, 16 KB of RAM): the every-head app's .bss overflows it by 21,172 B even
# with one shared session (runner 13 x 1,624 B + 256 B, session 8,496 B: atome_firmware_twin_q15_classifier_lut2
# --state-bytes); docs/APPS.md §11 gives the numbers and what would make it fit.
foreach(core m3 m4 m4f m7 rv32imc)
  set(sizer $<TARGET_FILE:atome_firmware_twin_q15_classifier>)
  add_test(NAME firmware.${core}.apps
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-apps.sh ${core} ${CMAKE_BINARY_DIR}/fw/${core}-apps
            $<TARGET_FILE:atome> $<TARGET_FILE:atome_apps_twin> ${sizer}
            ${CMAKE_BINARY_DIR}/apps-all-cache)
  set_tests_properties(firmware.${core}.apps PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                       TIMEOUT 600)
  add_test(NAME firmware.${core}.apps_nofloat
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-nofloat.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-apps/atome_apps_fw.elf)
  set_tests_properties(firmware.${core}.apps_nofloat PROPERTIES LABELS firmware
                       DEPENDS firmware.${core}.apps)
endforeach()

# The feature extractors on every core, the micro:bit included (firmware/app/frontends_run.cpp,
# no model): every output integer of each extractor equals the host twin's (the same calls on the
# same compile-time inputs), and the ELF, which links every extractor, is integer only.
add_executable(atome_frontends_twin ${PROJECT_SOURCE_DIR}/firmware/frontends_twin.cpp
                                    ${PROJECT_SOURCE_DIR}/firmware/app/frontends_run.cpp)
target_include_directories(atome_frontends_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_frontends_twin PRIVATE atome_apps)
foreach(core m0 m3 m4 m4f m7 rv32imc)
  add_test(NAME firmware.${core}.frontends
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-twin.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-frontends atome_frontends_fw
            $<TARGET_FILE:atome_frontends_twin>)
  set_tests_properties(firmware.${core}.frontends PROPERTIES LABELS firmware TIMEOUT 600)
  add_test(NAME firmware.${core}.frontends_nofloat
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-nofloat.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-frontends/atome_frontends_fw.elf)
  set_tests_properties(firmware.${core}.frontends_nofloat PROPERTIES LABELS firmware
                       DEPENDS firmware.${core}.frontends)
endforeach()

# The raw-audio path (docs/APPS.md §13): recorded int16 clips of the voice and sound_scene heads
# through atome_audio_front_frame, the tokeniser and the head. Once (the fixture): the heads
# trained as the every-head app trains them, 4 clips per head, the host twin's lines, and each
# clip's class equal to `atome classify --csv` on the generator's float feature row
# (scripts/audio-clips-prepare.sh). Per core: the firmware's lines equal the twin's
# (scripts/firmware-audio.sh), and the ELF is integer only. On the micro:bit 1 clip per head
# (the 8 clips alone are 192 KB of its 256 KB flash): .bss 14,140 B, stack 1,108 B of 16 KB.
add_executable(atome_audio_twin ${PROJECT_SOURCE_DIR}/firmware/audio_twin.cpp
                                ${PROJECT_SOURCE_DIR}/firmware/app/audio_run.cpp)
target_include_directories(atome_audio_twin PRIVATE ${PROJECT_SOURCE_DIR}/firmware)
target_link_libraries(atome_audio_twin PRIVATE atome_host atome_apps)
set(audio_prep ${CMAKE_BINARY_DIR}/fw/apps-audio)
add_test(NAME firmware.apps_audio.prepare
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/audio-clips-prepare.sh $<TARGET_FILE:atome>
          $<TARGET_FILE:atome_audio_twin> ${audio_prep})
set_tests_properties(firmware.apps_audio.prepare PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                     TIMEOUT 300 FIXTURES_SETUP apps-audio)
foreach(core m0 m3 m4 m4f m7 rv32imc)
  set(clips ${audio_prep})
  set(sizer $<TARGET_FILE:atome_firmware_twin_q15_classifier>)
  if(core STREQUAL "m0")
    set(clips ${audio_prep}/one)
    set(sizer $<TARGET_FILE:atome_firmware_twin_q15_classifier_lut2>)
  endif()
  add_test(NAME firmware.${core}.apps_audio
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-audio.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-apps-audio ${clips} ${sizer})
  set_tests_properties(firmware.${core}.apps_audio PROPERTIES SKIP_RETURN_CODE 77 LABELS firmware
                       TIMEOUT 600 FIXTURES_REQUIRED apps-audio)
  add_test(NAME firmware.${core}.apps_audio_nofloat
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/firmware-nofloat.sh ${core}
            ${CMAKE_BINARY_DIR}/fw/${core}-apps-audio/atome_audio_fw.elf)
  set_tests_properties(firmware.${core}.apps_audio_nofloat PROPERTIES LABELS firmware
                       DEPENDS firmware.${core}.apps_audio)
endforeach()
