/* Counts heap allocations of the calling thread by wrapping the glibc allocator (benchmark only). */
#include <stddef.h>
#include <stdlib.h>
#include <errno.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
static __thread long count;
long alloc_count(void) { return count; }
void *malloc(size_t n) { count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { count++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
int posix_memalign(void **out, size_t align, size_t n) { count++; void *p = __libc_memalign(align, n); if (!p) return ENOMEM; *out = p; return 0; }
void *aligned_alloc(size_t align, size_t n) { count++; return __libc_memalign(align, n); }
