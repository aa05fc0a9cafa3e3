// Box–Muller four pairs at a time (AVX2 and FMA, which every CPU Graft is built for has).
//
// glibc's log and sincos take one value at a time; here the logarithm and the sine and cosine are
// polynomials on four lanes, accurate to about 1e-16 (GraftEngineTests measure them against glibc). The
// results differ from glibc's in the last bits of a Double, so Swift's caller (RandomGenerator.normalRows)
// keeps a value only where that cannot change the Float it is rounded to, and asks glibc otherwise.

#if defined(__x86_64__)
#include <immintrin.h>
#include <stdint.h>

#include "horner.h"

#define GRAFT_BM_TARGET __attribute__((target("avx2,fma"))) static inline

// log x for x in (0, 1]: x = 2^e m with m in [√½, √2), log m = 2 atanh s with s = (m − 1)/(m + 1)
// (|s| ≤ 0.172), the odd series to s¹⁹.
GRAFT_BM_TARGET __m256d graft_bm_log(__m256d x) {
  const __m256i bits = _mm256_castpd_si256(x);
  __m256d m = _mm256_castsi256_pd(_mm256_or_si256(
      _mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)), _mm256_set1_epi64x(0x3FF0000000000000LL)));
  // The biased exponent (< 2048) as a Double: placed in the mantissa of 2^52, which is then subtracted.
  __m256d e = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x4330000000000000LL))),
      _mm256_set1_pd(0x1p52 + 1023));
  const __m256d large = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
  m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), large);
  e = _mm256_add_pd(e, _mm256_and_pd(large, _mm256_set1_pd(1)));
  const __m256d one = _mm256_set1_pd(1);
  const __m256d s = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
  const __m256d s2 = _mm256_mul_pd(s, s);
  static const double series[] = {2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13, 2.0 / 11, 2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3};
  const __m256d p = graft_horner_pd(s2, series, 9);
  const __m256d logM = _mm256_fmadd_pd(_mm256_mul_pd(s, s2), p, _mm256_add_pd(s, s));
  // ln 2 in two parts: e·ln2 is then exact to far below the polynomial's error.
  return _mm256_fmadd_pd(e, _mm256_set1_pd(0.6931471805599453), _mm256_fmadd_pd(e, _mm256_set1_pd(2.3190468138462996e-17), logM));
}

// sin θ and cos θ for θ in [0, 2π): θ = kπ/2 + r with |r| ≤ π/4 (π/2 in two parts), Taylor polynomials
// in r to r¹⁷ and r¹⁶, and the quadrant k mod 4 swapping and negating.
GRAFT_BM_TARGET void graft_bm_sincos(__m256d theta, __m256d *sine, __m256d *cosine) {
  const __m256d k = _mm256_round_pd(
      _mm256_mul_pd(theta, _mm256_set1_pd(0.6366197723675814)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(1.5707963267948966), theta);
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(6.123233995736766e-17), r);
  const __m256d r2 = _mm256_mul_pd(r, r);
  static const double sineSeries[] = {
      1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0,
      -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0};
  static const double cosineSeries[] = {
      1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0,
      -1.0 / 720.0, 1.0 / 24.0, -0.5};
  const __m256d sp = graft_horner_pd(r2, sineSeries, 8);
  const __m256d cp = graft_horner_pd(r2, cosineSeries, 8);
  const __m256d sinR = _mm256_fmadd_pd(_mm256_mul_pd(r, r2), sp, r);
  const __m256d cosR = _mm256_fmadd_pd(r2, cp, _mm256_set1_pd(1));
  // k (0…4) as an integer: the low bits of k + 2^52.
  const __m256i q = _mm256_castpd_si256(_mm256_add_pd(k, _mm256_set1_pd(0x1p52)));
  const __m256d swap = _mm256_castsi256_pd(
      _mm256_cmpeq_epi64(_mm256_and_si256(q, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(1)));
  // Sign bits: the sine is negated in quadrants 2 and 3, the cosine in 1 and 2.
  const __m256d sineSign = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_and_si256(q, _mm256_set1_epi64x(2)), 62));
  const __m256d cosineSign = _mm256_castsi256_pd(_mm256_slli_epi64(
      _mm256_and_si256(_mm256_add_epi64(q, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(2)), 62));
  *sine = _mm256_xor_pd(_mm256_blendv_pd(sinR, cosR, swap), sineSign);
  *cosine = _mm256_xor_pd(_mm256_blendv_pd(cosR, sinR, swap), cosineSign);
}

// Double(w >> 11) · 2⁻⁵³ per lane, exactly: the low 52 bits through 2^52's mantissa, the 53rd added as 2^52.
GRAFT_BM_TARGET __m256d graft_bm_unit(__m256i w) {
  const __m256i k = _mm256_srli_epi64(w, 11);
  const __m256d low = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(
          _mm256_and_si256(k, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)), _mm256_set1_epi64x(0x4330000000000000LL))),
      _mm256_set1_pd(0x1p52));
  const __m256d top = _mm256_and_pd(
      _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_srli_epi64(k, 52), _mm256_set1_epi64x(1))), _mm256_set1_pd(0x1p52));
  return _mm256_mul_pd(_mm256_add_pd(low, top), _mm256_set1_pd(0x1p-53));
}

// For `pairs` pairs (a multiple of 4) of words a, b at `words` (a₀ b₀ a₁ b₁ …): the radius
// r = √(−2 log(1 − u(a))) and the normals r·cos θ, r·sin θ with θ = 2π·u(b), u(w) = (w >> 11)·2⁻⁵³.
GRAFT_BM_TARGET void graft_box_muller(
    const uint64_t *words, long pairs, double *radius, double *cosine, double *sine) {
  for (long i = 0; i < pairs; i += 4) {
    const __m256i w0 = _mm256_loadu_si256((const __m256i *)(words + 2 * i));
    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(words + 2 * i + 4));
    // (a₀ a₂ a₁ a₃) and (b₀ b₂ b₁ b₃), put in order.
    const __m256i a = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(w0, w1), 0xD8);
    const __m256i b = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(w0, w1), 0xD8);
    const __m256d u1 = _mm256_sub_pd(_mm256_set1_pd(1), graft_bm_unit(a));
    // The angle rounded as the scalar transform's `2 * Double.pi * u2`.
    const __m256d theta = _mm256_mul_pd(_mm256_set1_pd(6.283185307179586), graft_bm_unit(b));
    const __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(-2), graft_bm_log(u1)));
    __m256d s, c;
    graft_bm_sincos(theta, &s, &c);
    _mm256_storeu_pd(radius + i, r);
    _mm256_storeu_pd(cosine + i, _mm256_mul_pd(r, c));
    _mm256_storeu_pd(sine + i, _mm256_mul_pd(r, s));
  }
}

// The polynomials alone, on `count` values (a multiple of 4), for the tests that measure them.
GRAFT_BM_TARGET void graft_bm_log_array(const double *x, long count, double *out) {
  for (long i = 0; i < count; i += 4) _mm256_storeu_pd(out + i, graft_bm_log(_mm256_loadu_pd(x + i)));
}
GRAFT_BM_TARGET void graft_bm_sincos_array(const double *theta, long count, double *sine, double *cosine) {
  for (long i = 0; i < count; i += 4) {
    __m256d s, c;
    graft_bm_sincos(_mm256_loadu_pd(theta + i), &s, &c);
    _mm256_storeu_pd(sine + i, s);
    _mm256_storeu_pd(cosine + i, c);
  }
}
#endif
