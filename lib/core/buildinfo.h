/* buildinfo.h - facts fixed at build time. FL_BUILD_COMMIT comes from the
 * Makefile (git rev-parse), in build/commit.h, rebuilt only when it changes. */
#ifndef FL_BUILDINFO_H
#define FL_BUILDINFO_H

#include "commit.h" /* build/commit.h: #define FL_BUILD_COMMIT "..." */

#if defined(__clang__)
#define FL_BUILD_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define FL_BUILD_COMPILER "gcc " __VERSION__
#else
#define FL_BUILD_COMPILER "unknown"
#endif

#endif
