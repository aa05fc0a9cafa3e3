// glibc functions that Swift's Glibc module does not export.

// The allocator's tuning (mallopt).
#include <malloc.h>

// The sine and cosine of one angle in one call (a GNU extension of libm; the values are those of sin
// and cos).
extern void sincos(double x, double *sine, double *cosine);

// Adam's step for eight parameters, (−step)·m / (√v / c₂ + ε), in one vector instruction per
// operation and in torch.optim.Adam's order (addcdiv computes value·m/denom: the product first),
// without fused multiply-adds. Swift's SIMD8<Float> takes square roots (through libm's sqrtf, which may
// set errno) and quotients one lane at a time.
typedef float graft_float8 __attribute__((ext_vector_type(8)));
static inline graft_float8 graft_adam_step8(
    graft_float8 m, graft_float8 v, float correction2Root, float epsilon, float negativeStep) {
#pragma clang fp contract(off)
  return negativeStep * m / (__builtin_elementwise_sqrt(v) / correction2Root + epsilon);
}
