# The firmware's Ed25519 verifier and SHA-512: libsodium's own sources, from Debian's source
# package (scripts/get-libsodium-source.sh puts it in build/deps), compiled per core with the
# firmware's flags. Nothing of ours is compiled with them: our only glue is the C-library
# declarations those files include (libc/, headers without definitions). sodium_misuse, malloc,
# randombytes_buf and the like are named only by functions --gc-sections drops (utils.c's
# allocator, signing), so no definition is needed. Included by firmware/CMakeLists.txt; defines
#   atome_sodium     the libsodium subset (a static library; --gc-sections keeps what is called)
#   atome_fw_crypto  src/crypto/ed25519_port.c over it: the engine's atome_port_* functions
# and sets ATOME_FW_HAVE_SODIUM (OFF, with a message, when the sources are not there).
set(ATOME_LIBSODIUM_SRC "" CACHE PATH
    "Unpacked libsodium source tree (default: the first build/deps/libsodium-* of the repo)")
set(sodium_src ${ATOME_LIBSODIUM_SRC})
if(NOT sodium_src)
  file(GLOB sodium_candidates LIST_DIRECTORIES true ${repo}/build/deps/libsodium-*)
  foreach(candidate ${sodium_candidates})
    if(IS_DIRECTORY ${candidate})
      set(sodium_src ${candidate})
      break()
    endif()
  endforeach()
endif()
set(sodium_lib ${sodium_src}/src/libsodium)
if(NOT sodium_src OR NOT EXISTS ${sodium_lib}/crypto_sign/ed25519/ref10/open.c)
  set(ATOME_FW_HAVE_SODIUM OFF)
  message(STATUS "libsodium sources not found (ATOME_LIBSODIUM_SRC='${ATOME_LIBSODIUM_SRC}', "
                 "build/deps): the signature firmware is not built; scripts/get-libsodium-source.sh")
  return()
endif()
set(ATOME_FW_HAVE_SODIUM ON)

# What crypto_sign_ed25519_verify_detached and crypto_hash_sha512 need, and nothing else:
#   open.c          the verification (RFC 8032, with libsodium's canonicity and small-order checks)
#   sign.c          only for _crypto_sign_ed25519_ref10_hinit, the hash set-up open.c shares with
#                   signing (the signing functions are dropped by --gc-sections)
#   ed25519_ref10.c the group and field arithmetic (fe_25_5: 32-bit limbs, no 128-bit type)
#   hash_sha512_cp.c SHA-512
#   verify.c        crypto_verify_32 (constant-time compare)
#   utils.c         sodium_memzero, sodium_is_zero, sodium_memcmp
add_library(atome_sodium STATIC
  ${sodium_lib}/crypto_sign/ed25519/ref10/open.c
  ${sodium_lib}/crypto_sign/ed25519/ref10/sign.c
  ${sodium_lib}/crypto_core/ed25519/ref10/ed25519_ref10.c
  ${sodium_lib}/crypto_hash/sha512/cp/hash_sha512_cp.c
  ${sodium_lib}/crypto_verify/sodium/verify.c
  ${sodium_lib}/sodium/utils.c)
# libsodium's sources include their headers both as "crypto_x.h" and "private/x.h"; users as
# <sodium/crypto_x.h>. libc/ comes first: the firmware has no C library headers.
target_include_directories(atome_sodium
  PUBLIC ${CMAKE_CURRENT_LIST_DIR}/libc ${sodium_lib}/include
  PRIVATE ${sodium_lib}/include/sodium)
# What libsodium's configure defines for a 32-bit little-endian GCC target: no HAVE_TI_MODE (no
# 128-bit integers on these cores), so ed25519_ref10 uses the fe_25_5 field arithmetic; weak
# symbols and inline asm (the memzero barrier in utils.c); C99 variable-length arrays. None of the
# OS features (mmap, mlock, getrandom, ...) is defined: the functions using them are dropped.
target_compile_definitions(atome_sodium PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1
                           HAVE_WEAK_SYMBOLS=1 HAVE_INLINE_ASM=1 HAVE_C_VARARRAYS=1)
# Third-party code compiled as released: its header-defined helpers unused by a given file and
# its stubbed OS paths warn under -Wall -Wextra; they are not ours to change.
target_compile_options(atome_sodium PRIVATE -Wno-unused-function -Wno-unused-parameter
                       -Wno-unused-variable)

add_library(atome_fw_crypto STATIC ${repo}/src/crypto/ed25519_port.c)
target_link_libraries(atome_fw_crypto PUBLIC atome_sodium)
target_include_directories(atome_fw_crypto PRIVATE ${repo}/include)
