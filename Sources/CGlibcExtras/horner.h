// Polynomials on four Doubles by Horner's rule, shared by the lane kernels (box_muller.h, tanh_lanes.h).

#ifndef GRAFT_HORNER_H
#define GRAFT_HORNER_H
#if defined(__x86_64__)
#include <immintrin.h>

// c[0]·x^(n−1) + c[1]·x^(n−2) + … + c[n−1] (n ≥ 2): one fused multiply-add per coefficient after the
// first, from the highest power down.
__attribute__((target("avx2,fma"))) static inline __m256d graft_horner_pd(__m256d x, const double *c, int n) {
  __m256d p = _mm256_fmadd_pd(x, _mm256_set1_pd(c[0]), _mm256_set1_pd(c[1]));
  for (int i = 2; i < n; i++) p = _mm256_fmadd_pd(x, p, _mm256_set1_pd(c[i]));
  return p;
}

#endif
#endif
