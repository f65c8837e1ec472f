// Which numerics paths this build of the engine contains (a compile-time choice, like the
// kernel). ATOME_FLOAT_PATH=0 builds an integer-only engine: it loads and runs q15 models only
// (ATOME_ERR_UNSUPPORTED for f32 / a8 files) and contains no floating-point instruction in the
// loader or the per-token path, so firmware links no soft-float routine.
#ifndef ATOME_ENGINE_BUILD_CONFIG_H
#define ATOME_ENGINE_BUILD_CONFIG_H

#ifndef ATOME_FLOAT_PATH
#define ATOME_FLOAT_PATH 1
#endif

// ATOME_CLASSIFIER_METADATA=0 leaves the validator of the classifier metadata section
// (FORMAT.md §17, engine/class_meta.h: ~1.6 KB of code on Cortex-M0) out of a build that only
// runs language models: such a build refuses a classifier file with ATOME_ERR_UNSUPPORTED.
#ifndef ATOME_CLASSIFIER_METADATA
#define ATOME_CLASSIFIER_METADATA 1
#endif

// ATOME_WITH_COMPACT=0 leaves the compact q15 layout (format 2.0, FORMAT.md §18: the loader's
// checks of it, the placement of its tensors, the int16 << shift reads of its vectors) out of a
// build whose models are all version 1 files: such a build refuses a compact file with
// ATOME_ERR_UNSUPPORTED. Every branch on the layout goes through format::is_compact, a constant
// false then, so the compact code leaves the build without a link-time trace (the firmware also
// drops format_compact.cpp from its engine: a reference left behind fails the link).
#ifndef ATOME_WITH_COMPACT
#define ATOME_WITH_COMPACT 1
#endif

#endif  // ATOME_ENGINE_BUILD_CONFIG_H
