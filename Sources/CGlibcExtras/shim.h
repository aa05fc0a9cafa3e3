// glibc functions that Swift's Glibc module does not export.

// The allocator's tuning (mallopt).
#include <malloc.h>

// The sine and cosine of one angle in one call (a GNU extension of libm; the values are those of sin
// and cos).
extern void sincos(double x, double *sine, double *cosine);
