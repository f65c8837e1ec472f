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

# No build output in the repository: compiled Python, build trees, object files. Checked against
# git's index, so it needs a git checkout (CI clones one); elsewhere it is skipped, saying so.
add_test(NAME Style.NoBuildOutputCommitted
  COMMAND sh -c "git rev-parse --git-dir >/dev/null 2>&1 || { echo 'not a git checkout'; exit 77; }; \
bad=$(git ls-files | grep -E '(^|/)(__pycache__/|build/)|[.](pyc|pyo|o|a|so)$'); \
[ -z \"$bad\" ] || { echo \"build output committed:\"; echo \"$bad\"; exit 1; }"
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(Style.NoBuildOutputCommitted PROPERTIES SKIP_RETURN_CODE 77)
