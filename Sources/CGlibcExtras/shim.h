// glibc functions that Swift's Glibc module does not export.

// The allocator's tuning (mallopt).
#include <malloc.h>
// Standard output's buffering (setvbuf).
#include <stdio.h>
// prctl, variadic in C (Swift cannot call it): a sweep's child asks for a signal when the sweep dies.
#include <sys/prctl.h>

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

// Asks the kernel to send `signal` to this process when the thread that started it exits
// (PR_SET_PDEATHSIG); 0 on success, -1 with errno set otherwise.
static inline int graft_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal); }

// Makes standard output flush at each newline even when it is a file or a pipe, which glibc otherwise
// fills in 4 KiB blocks (`stdout` is a C global that Swift 6 code may not touch).
static inline void graft_flush_standard_output_by_line(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
