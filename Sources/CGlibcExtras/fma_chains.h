// One chain of fused multiply-adds per output, eight outputs per AVX2 lane group (AVX2 and FMA, which
// every CPU Graft is built for has). GraftEngine's thin matrix products (ThinProducts.swift) are made
// of these chains.

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#define GRAFT_FC_TARGET __attribute__((target("avx2,fma"))) static inline

// chain[q] = fma(v[(depth−1)·vstride + q], s[(depth−1)·sstep], … fma(v[q], s[0], 0) …) for q < count:
// for each q, one chain over p = 0, 1, … in order, starting from zero; then out[q] = out[q] + chain[q]
// if `accumulate`, else chain[q] + 0 (a zero product is +0, as BLAS adding it to a zeroed output gives).
// The chains of 64 outputs run side by side, so the multiply-adds of one step of p are independent.
GRAFT_FC_TARGET void graft_fma_chains(
    long count, long depth, const float *v, long vstride, const float *s, long sstep, float *out, int accumulate) {
  const __m256 zero = _mm256_setzero_ps();
#define GRAFT_FC_STORE(offset, value) \
  _mm256_storeu_ps(out + (offset), _mm256_add_ps(accumulate ? _mm256_loadu_ps(out + (offset)) : zero, (value)))
  long q = 0;
  for (; q + 64 <= count; q += 64) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long p = 0; p < depth; p++) {
      const __m256 x = _mm256_set1_ps(s[p * sstep]);
      const float *r = v + p * vstride + q;
      a0 = _mm256_fmadd_ps(_mm256_loadu_ps(r), x, a0);
      a1 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 8), x, a1);
      a2 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 16), x, a2);
      a3 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 24), x, a3);
      a4 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 32), x, a4);
      a5 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 40), x, a5);
      a6 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 48), x, a6);
      a7 = _mm256_fmadd_ps(_mm256_loadu_ps(r + 56), x, a7);
    }
    GRAFT_FC_STORE(q, a0);
    GRAFT_FC_STORE(q + 8, a1);
    GRAFT_FC_STORE(q + 16, a2);
    GRAFT_FC_STORE(q + 24, a3);
    GRAFT_FC_STORE(q + 32, a4);
    GRAFT_FC_STORE(q + 40, a5);
    GRAFT_FC_STORE(q + 48, a6);
    GRAFT_FC_STORE(q + 56, a7);
  }
  for (; q + 8 <= count; q += 8) {
    __m256 a = _mm256_setzero_ps();
    for (long p = 0; p < depth; p++) {
      a = _mm256_fmadd_ps(_mm256_loadu_ps(v + p * vstride + q), _mm256_set1_ps(s[p * sstep]), a);
    }
    GRAFT_FC_STORE(q, a);
  }
  for (; q < count; q++) {
    float a = 0;
    for (long p = 0; p < depth; p++) a = fmaf(v[p * vstride + q], s[p * sstep], a);
    out[q] = (accumulate ? out[q] : 0.0f) + a;
  }
#undef GRAFT_FC_STORE
}
// The 8x8 transpose of r[0..7] in place: afterwards r[q] holds element q of each of the eight rows.
GRAFT_FC_TARGET void graft_fc_transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

// The same chains with v's elements along its rows: chain[q] over v[q·vstride + p]·s[p·sstep], stored to
// out[q·ostride] as above. Eight rows at a time are read eight elements at a time and transposed in
// registers, so that no transposed copy of v is written (its stores, rows 1 KB apart, stalled).
GRAFT_FC_TARGET void graft_fma_chains_rows(
    long count, long depth, const float *v, long vstride, const float *s, long sstep, float *out, long ostride,
    int accumulate) {
  long q = 0;
  for (; q + 16 <= count; q += 16) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    long p = 0;
    for (; p + 8 <= depth; p += 8) {
      __m256 r[8], w[8];
      for (int l = 0; l < 8; l++) {
        r[l] = _mm256_loadu_ps(v + (q + l) * vstride + p);
        w[l] = _mm256_loadu_ps(v + (q + 8 + l) * vstride + p);
      }
      graft_fc_transpose8(r);
      graft_fc_transpose8(w);
      for (int l = 0; l < 8; l++) {
        const __m256 x = _mm256_set1_ps(s[(p + l) * sstep]);
        a0 = _mm256_fmadd_ps(r[l], x, a0);
        a1 = _mm256_fmadd_ps(w[l], x, a1);
      }
    }
    float c0[8], c1[8];
    _mm256_storeu_ps(c0, a0);
    _mm256_storeu_ps(c1, a1);
    for (; p < depth; p++) {
      const float x = s[p * sstep];
      for (int l = 0; l < 8; l++) {
        c0[l] = fmaf(v[(q + l) * vstride + p], x, c0[l]);
        c1[l] = fmaf(v[(q + 8 + l) * vstride + p], x, c1[l]);
      }
    }
    for (int l = 0; l < 8; l++) {
      out[(q + l) * ostride] = (accumulate ? out[(q + l) * ostride] : 0.0f) + c0[l];
      out[(q + 8 + l) * ostride] = (accumulate ? out[(q + 8 + l) * ostride] : 0.0f) + c1[l];
    }
  }
  for (; q < count; q++) {
    float a = 0;
    for (long p = 0; p < depth; p++) a = fmaf(v[q * vstride + p], s[p * sstep], a);
    out[q * ostride] = (accumulate ? out[q * ostride] : 0.0f) + a;
  }
}
#endif
