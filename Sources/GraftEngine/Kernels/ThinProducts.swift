import CGlibcExtras

/// Float matrix products with a thin side: C with at most two rows or two columns, or an inner
/// dimension of at most two (the MLP GAN's first and last layers: 256x1x128, 1x128x256, 256x128x2, …).
///
/// OpenBLAS packs both operands before every product, so on a Zen 3 a 256x1x128 product (33,000
/// multiply-adds) took 10.5 µs, as long as a quarter of a 128x128x128 one, and such products were 9% of
/// the MLP GAN's one-thread iteration. Here each element of C is one chain of fused multiply-adds over k
/// in order, from zero, then added to C where β = 1: the chain OpenBLAS's Haswell and Zen sgemm kernels
/// compute for these shapes when k is at most their block of 320, so on those kernel sets the values are
/// OpenBLAS's own, bit for bit (`ThinProductTests` checks it against `cblas_sgemm`). On OpenBLAS's
/// other kernel sets (SkylakeX, Cooperlake, Sandybridge, …) such products stay with OpenBLAS, whose
/// values there are another chain's, so that no result changes on any kernel set. The chains run 64
/// at a time along a row of an operand (`graft_fma_chains`), or 16 at a time across its rows, read in
/// 8x8 blocks transposed in registers (`graft_fma_chains_rows`).
public enum ThinProducts {
  /// The longest inner dimension computed here: OpenBLAS's Haswell and Zen kernels sum a longer one in
  /// blocks of 320 (a different chain).
  public static let maxDepth = 320

  /// Whether OpenBLAS's kernel set is one whose sgemm computes these chains (Haswell, Zen).
  public static let matchesOpenBLAS: Bool = ["haswell", "zen"].contains(Runtime.blasCoreName.lowercased())

  /// Whether `Float._gemmOneThread` computes C = α·op(A)·op(B) + β·C (m×n, inner dimension k) here.
  @inline(__always)
  public static func computes(m: Int, n: Int, k: Int, alpha: Float, beta: Float) -> Bool {
    matchesOpenBLAS && alpha == 1 && (beta == 0 || beta == 1) && m > 0 && n > 0 && k > 0 && k <= maxDepth
      && (min(m, n) <= 2 || k <= 2)
  }

  /// C = op(A)·op(B) (β = 0) or C + op(A)·op(B) (β = 1), row-major with BLAS's leading dimensions, each
  /// element one chain of fused multiply-adds over k in order (any m, n and k; fast for thin shapes).
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    let accumulate: Int32 = beta == 0 ? 0 : 1
    if n <= 2 && m > n {
      // Chains along the columns of C, one column at a time.
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: transA ? m : 0)
      defer { scratch.deallocate() }
      for j in 0..<n {
        // op(B)[p, j] for p = 0..<k.
        let (s, step) = transB ? (b + j * ldb, 1) : (b + j, ldb)
        if transA {
          // op(A)[i, p] = a[p·lda + i]: rows of a; the column of C is strided, so the chains go to scratch.
          if accumulate != 0 { for i in 0..<m { scratch[i] = c[i * ldc + j] } }
          graft_fma_chains(m, k, a, lda, s, step, scratch, accumulate)
          for i in 0..<m { c[i * ldc + j] = scratch[i] }
        } else {
          graft_fma_chains_rows(m, k, a, lda, s, step, c + j, ldc, accumulate)
        }
      }
    } else if transB && k > 2 {
      // Chains along the rows of C, op(B)[p, j] = b[j·ldb + p] along the rows of b.
      for i in 0..<m {
        let (s, step) = transA ? (a + i, lda) : (a + i * lda, 1)
        graft_fma_chains_rows(n, k, b, ldb, s, step, c + i * ldc, 1, accumulate)
      }
    } else {
      // Chains along the rows of C, op(B)[p, j] along the rows of b (transposed first when k ≤ 2: n·k
      // numbers).
      var (rows, stride) = (b, ldb)
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: transB ? n * k : 0)
      defer { scratch.deallocate() }
      if transB {
        Kernels.transpose(b, rows: n, columns: k, into: scratch, sourceStride: ldb)
        (rows, stride) = (UnsafePointer(scratch), n)
      }
      for i in 0..<m {
        // op(A)[i, p] for p = 0..<k.
        let (s, step) = transA ? (a + i, lda) : (a + i * lda, 1)
        graft_fma_chains(n, k, rows, stride, s, step, c + i * ldc, accumulate)
      }
    }
  }
}
