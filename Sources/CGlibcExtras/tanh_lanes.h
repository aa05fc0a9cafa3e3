// tanh of floats eight at a time (AVX2 and FMA, which every CPU Graft is built for has), for the
// generator's output layer, where glibc's tanhf (one value at a time, through expm1f) took 2.5% of a
// DCGAN step.
//
// Each value is computed in Double, where the error (about 3e-16 of the result) is far below half a
// Float's last place (3e-8), and then rounded once to Float: so the result is tanh(x) correctly rounded
// except in the rare cases where tanh(x) lies within 3e-16 of the midpoint of two Floats (none in all
// 2^32 Floats against Double tanh rounded to Float; docs/performance.md). glibc's tanhf is not correctly
// rounded (it differs from the rounded value in about one Float in seven between 0.5 and 10).

#if defined(__x86_64__)
#include <immintrin.h>

#include "horner.h"

#define GRAFT_TH_TARGET __attribute__((target("avx2,fma"))) static inline

// expm1(t) for t in [-19, 0]: t = k·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 in two parts, so k·LN2_HI is exact),
// expm1(r) by its Taylor series to r¹³ (truncation below 5e-18), then expm1(t) = 2^k·expm1(r) + (2^k − 1).
GRAFT_TH_TARGET __m256d graft_th_expm1(__m256d t) {
  const __m256d k = _mm256_round_pd(
      _mm256_mul_pd(t, _mm256_set1_pd(1.4426950408889634)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(6.93147180369123816490e-01), t);
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(1.90821492927058770002e-10), r);
  // q = 1/2! + r/3! + … + r¹¹/13!, so that expm1(r) = r + r²·q.
  static const double series[] = {
      1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
      1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};
  const __m256d q = graft_horner_pd(r, series, 12);
  const __m256d p = _mm256_fmadd_pd(_mm256_mul_pd(r, r), q, r);
  // 2^k from its bits: (k + 1023) << 52, k in [-28, 0].
  const __m256i biased = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023));
  const __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(biased, 52));
  return _mm256_fmadd_pd(scale, p, _mm256_sub_pd(scale, _mm256_set1_pd(1)));
}

// tanh|x| for four |x| as Doubles: −e/(2 + e) with e = expm1(−2|x|), |x| clamped to 9.5 (tanh is 1 in
// Float from 9.01 on).
GRAFT_TH_TARGET __m256d graft_th_tanh_abs(__m256d a) {
  const __m256d e = graft_th_expm1(_mm256_mul_pd(_mm256_min_pd(a, _mm256_set1_pd(9.5)), _mm256_set1_pd(-2)));
  return _mm256_div_pd(e, _mm256_sub_pd(_mm256_set1_pd(-2), e));
}

// tanh of eight floats: |x|'s tanh with x's sign, NaN for NaN.
GRAFT_TH_TARGET __m256 graft_th_tanh8(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 a = _mm256_andnot_ps(sign, x);
  const __m128 low = _mm256_cvtpd_ps(graft_th_tanh_abs(_mm256_cvtps_pd(_mm256_castps256_ps128(a))));
  const __m128 high = _mm256_cvtpd_ps(graft_th_tanh_abs(_mm256_cvtps_pd(_mm256_extractf128_ps(a, 1))));
  const __m256 t = _mm256_andnot_ps(sign, _mm256_set_m128(high, low));
  const __m256 y = _mm256_or_ps(t, _mm256_and_ps(sign, x));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

// y[i] = tanh(x[i]) for i < count (y may be x).
GRAFT_TH_TARGET void graft_tanh_floats(const float *x, float *y, long count) {
  long i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, graft_th_tanh8(_mm256_loadu_ps(x + i)));
  if (i < count) {
    float in[8] = {0}, out[8];
    for (long j = 0; i + j < count; j++) in[j] = x[i + j];
    _mm256_storeu_ps(out, graft_th_tanh8(_mm256_loadu_ps(in)));
    for (long j = 0; i + j < count; j++) y[i + j] = out[j];
  }
}

#endif
