// The FMA throughput of one core, measured rather than looked up (`FMAPeak` in GraftEngine runs one of these
// on every thread at once).
//
// Each function runs `rounds` rounds of 12 fused multiply-adds into 12 independent accumulators and returns
// the floating-point operations done (2 per lane per FMA). Twelve chains are more than an FMA's latency
// times the FMA units of any current core (4–5 cycles × 2), so the units never wait for a result. The loop
// is assembly, so that neither the optimization level (none in a debug build) nor the optimizer can change
// what is timed. The target attributes let the vector operands live in ymm/zmm registers; which function
// the CPU can run is decided at run time, from /proc/cpuinfo's flags.

#if defined(__x86_64__)

#define GRAFT_FMA12(op, reg)                                                                                      \
  op " %[x], %[y], %%" reg "0\n\t" op " %[x], %[y], %%" reg "1\n\t" op " %[x], %[y], %%" reg "2\n\t" op        \
     " %[x], %[y], %%" reg "3\n\t" op " %[x], %[y], %%" reg "4\n\t" op " %[x], %[y], %%" reg "5\n\t" op        \
     " %[x], %[y], %%" reg "6\n\t" op " %[x], %[y], %%" reg "7\n\t" op " %[x], %[y], %%" reg "8\n\t" op        \
     " %[x], %[y], %%" reg "9\n\t" op " %[x], %[y], %%" reg "10\n\t" op " %[x], %[y], %%" reg "11\n\t"

#define GRAFT_FMA_CLOBBERS                                                                                        \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "cc"

typedef float graft_fma_float8 __attribute__((ext_vector_type(8)));
typedef float graft_fma_float16 __attribute__((ext_vector_type(16)));

// 8 lanes: AVX2 with FMA3 (vfmadd231ps on ymm registers).
__attribute__((target("avx2,fma"))) static inline double graft_fma_rounds_avx2(long rounds) {
  if (rounds <= 0) return 0;
  graft_fma_float8 x = 1.0f, y = 1e-7f;
  long n = rounds;
  __asm__ volatile(
      "vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
      "vmovaps %%ymm0, %%ymm1\n\tvmovaps %%ymm0, %%ymm2\n\tvmovaps %%ymm0, %%ymm3\n\t"
      "vmovaps %%ymm0, %%ymm4\n\tvmovaps %%ymm0, %%ymm5\n\tvmovaps %%ymm0, %%ymm6\n\t"
      "vmovaps %%ymm0, %%ymm7\n\tvmovaps %%ymm0, %%ymm8\n\tvmovaps %%ymm0, %%ymm9\n\t"
      "vmovaps %%ymm0, %%ymm10\n\tvmovaps %%ymm0, %%ymm11\n\t"
      "1:\n\t" GRAFT_FMA12("vfmadd231ps", "ymm") "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "x"(x), [y] "x"(y)
      : GRAFT_FMA_CLOBBERS);
  return 2.0 * 12 * 8 * (double)rounds;
}

// 16 lanes: AVX-512F (vfmadd231ps on zmm registers).
__attribute__((target("avx512f"))) static inline double graft_fma_rounds_avx512(long rounds) {
  if (rounds <= 0) return 0;
  graft_fma_float16 x = 1.0f, y = 1e-7f;
  long n = rounds;
  __asm__ volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
      "vmovaps %%zmm0, %%zmm1\n\tvmovaps %%zmm0, %%zmm2\n\tvmovaps %%zmm0, %%zmm3\n\t"
      "vmovaps %%zmm0, %%zmm4\n\tvmovaps %%zmm0, %%zmm5\n\tvmovaps %%zmm0, %%zmm6\n\t"
      "vmovaps %%zmm0, %%zmm7\n\tvmovaps %%zmm0, %%zmm8\n\tvmovaps %%zmm0, %%zmm9\n\t"
      "vmovaps %%zmm0, %%zmm10\n\tvmovaps %%zmm0, %%zmm11\n\t"
      "1:\n\t" GRAFT_FMA12("vfmadd231ps", "zmm") "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "v"(x), [y] "v"(y)
      : GRAFT_FMA_CLOBBERS);
  return 2.0 * 12 * 16 * (double)rounds;
}

#undef GRAFT_FMA12
#undef GRAFT_FMA_CLOBBERS

#elif defined(__aarch64__)

// 4 lanes: Advanced SIMD (NEON, part of every AArch64 core), fmla on v registers.
static inline double graft_fma_rounds_neon(long rounds) {
  if (rounds <= 0) return 0;
  unsigned int x = 0x3f800000u, y = 0x33d6bf95u;  // 1.0f and 1e-7f
  long n = rounds;
  __asm__ volatile(
      "dup v30.4s, %w[x]\n\tdup v31.4s, %w[y]\n\t"
      "movi v0.4s, #0\n\tmovi v1.4s, #0\n\tmovi v2.4s, #0\n\tmovi v3.4s, #0\n\t"
      "movi v4.4s, #0\n\tmovi v5.4s, #0\n\tmovi v6.4s, #0\n\tmovi v7.4s, #0\n\t"
      "movi v16.4s, #0\n\tmovi v17.4s, #0\n\tmovi v18.4s, #0\n\tmovi v19.4s, #0\n\t"
      "1:\n\t"
      "fmla v0.4s, v30.4s, v31.4s\n\tfmla v1.4s, v30.4s, v31.4s\n\tfmla v2.4s, v30.4s, v31.4s\n\t"
      "fmla v3.4s, v30.4s, v31.4s\n\tfmla v4.4s, v30.4s, v31.4s\n\tfmla v5.4s, v30.4s, v31.4s\n\t"
      "fmla v6.4s, v30.4s, v31.4s\n\tfmla v7.4s, v30.4s, v31.4s\n\tfmla v16.4s, v30.4s, v31.4s\n\t"
      "fmla v17.4s, v30.4s, v31.4s\n\tfmla v18.4s, v30.4s, v31.4s\n\tfmla v19.4s, v30.4s, v31.4s\n\t"
      "subs %[n], %[n], #1\n\t"
      "b.ne 1b\n\t"
      : [n] "+r"(n)
      : [x] "r"(x), [y] "r"(y)
      : "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v16", "v17", "v18", "v19", "v30", "v31", "cc");
  return 2.0 * 12 * 4 * (double)rounds;
}

#endif
