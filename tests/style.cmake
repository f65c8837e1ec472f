# Style check: every C/C++ source is formatted with the checked-in .clang-format.
find_program(ATOME_CLANG_FORMAT NAMES clang-format clang-format-14)
if(ATOME_CLANG_FORMAT)
  file(GLOB_RECURSE ATOME_FORMATTED_SOURCES CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/include/*.h ${PROJECT_SOURCE_DIR}/src/*.h ${PROJECT_SOURCE_DIR}/src/*.cpp
    ${PROJECT_SOURCE_DIR}/tests/*.h ${PROJECT_SOURCE_DIR}/tests/*.cpp
    ${PROJECT_SOURCE_DIR}/firmware/*.h ${PROJECT_SOURCE_DIR}/firmware/*.cpp
    ${PROJECT_SOURCE_DIR}/bench/*.cpp ${PROJECT_SOURCE_DIR}/fuzz/*.cpp)
  add_test(NAME Style.ClangFormat
    COMMAND ${ATOME_CLANG_FORMAT} --dry-run --Werror ${ATOME_FORMATTED_SOURCES})
else()
  message(WARNING "clang-format not found: the Style.ClangFormat test is not added")
endif()
