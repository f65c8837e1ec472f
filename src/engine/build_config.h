// Which numerics paths this build of the engine contains (a compile-time choice, like the
// kernel). ATOME_FLOAT_PATH=0 builds an integer-only engine: it loads and runs q15 models only
// (ATOME_ERR_UNSUPPORTED for f32 / a8 files) and contains no floating-point instruction in the
// loader or the per-token path, so firmware links no soft-float routine.
#ifndef ATOME_ENGINE_BUILD_CONFIG_H
#define ATOME_ENGINE_BUILD_CONFIG_H

#ifndef ATOME_FLOAT_PATH
#define ATOME_FLOAT_PATH 1
#endif

#endif  // ATOME_ENGINE_BUILD_CONFIG_H
