/*
 * asan.h - MA_UNDER_ASAN: 1 when compiled with AddressSanitizer (gcc's
 * __SANITIZE_ADDRESS__, clang's __has_feature), else 0.  Code that keeps
 * freed memory for reuse (arena blocks, resolver queries) hands it back
 * to malloc instead under the sanitizer, so that a use after free is
 * still caught there.
 */
#ifndef MA_ASAN_H
#define MA_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define MA_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MA_UNDER_ASAN 1
#endif
#endif
#ifndef MA_UNDER_ASAN
#define MA_UNDER_ASAN 0
#endif

#endif
