import COpenBLAS
import GraftEngine
import Testing

/// Float products with a thin side (C with at most two rows or columns, or an inner dimension of at most
/// two) are computed by Graft on OpenBLAS's Haswell and Zen kernel sets, not by OpenBLAS: each element of
/// C one chain of fused multiply-adds over k in order, from zero, then added to C. That chain is the one
/// those kernels' sgemm computes, so `Float._gemmOneThread` gives OpenBLAS's own values there, bit for
/// bit; elsewhere the products stay with OpenBLAS.
@Suite("Thin Float products")
struct ThinProductTests {
  /// (m, n, k): the MLP GAN's first and last layers, odd sizes, tails of every vector width, and the
  /// longest inner dimension computed as a chain (320).
  static let shapes = [
    (256, 1, 128), (1, 128, 256), (128, 2, 256), (256, 2, 128), (2, 128, 256), (256, 128, 2), (256, 128, 1),
    (37, 1, 320), (1, 300, 19), (300, 130, 2), (2, 2, 7), (1, 1, 1), (19, 2, 9), (83, 1, 13), (1, 83, 1),
  ]

  struct Product {
    let m: Int, n: Int, k: Int, transA: Bool, transB: Bool, beta: Float
    /// Leading dimensions, each a few numbers longer than its rows.
    var lda: Int { (transA ? m : k) + 3 }
    var ldb: Int { (transB ? k : n) + 2 }
    var ldc: Int { n + 5 }
    let a: [Float], b: [Float], c: [Float]

    init(_ shape: (Int, Int, Int), transA: Bool, transB: Bool, beta: Float, seed: UInt64) {
      (m, n, k) = shape
      (self.transA, self.transB, self.beta) = (transA, transB, beta)
      var rng = RandomGenerator(seed: seed)
      // Magnitudes from 2⁻⁶ to 2⁶, so that the order of the additions shows in the last bits.
      func values(_ count: Int) -> [Float] {
        Tensor<Float>(randomNormal: [count], generator: &rng).scalars.map {
          $0 * Float(sign: .plus, exponent: Int(rng.next() % 13) - 6, significand: 1)
        }
      }
      let rowsA = transA ? k : m
      let rowsB = transB ? n : k
      a = values(rowsA * (transA ? m + 3 : k + 3))
      b = values(rowsB * (transB ? k + 2 : n + 2))
      // β = 0: C holds NaN, which must not be read; the padding of each row must stay as it is.
      c = beta == 0 ? [Float](repeating: .nan, count: m * (n + 5)) : values(m * (n + 5))
    }

    func opA(_ i: Int, _ p: Int) -> Float { transA ? a[p * lda + i] : a[i * lda + p] }
    func opB(_ p: Int, _ j: Int) -> Float { transB ? b[j * ldb + p] : b[p * ldb + j] }

    /// C after `Float._gemmOneThread` (`thin`: after `ThinProducts.gemm`).
    func graft(thin: Bool = false) -> [Float] {
      var out = c
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          out.withUnsafeMutableBufferPointer { c in
            if thin {
              ThinProducts.gemm(
                transA: transA, transB: transB, m: m, n: n, k: k, a: a.baseAddress!, lda: lda, b: b.baseAddress!,
                ldb: ldb, beta: beta, c: c.baseAddress!, ldc: ldc)
            } else {
              Float._gemmOneThread(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: lda,
                b: b.baseAddress!, ldb: ldb, beta: beta, c: c.baseAddress!, ldc: ldc)
            }
          }
        }
      }
      return out
    }

    /// C by the definition: one fused chain per element, in the order of k, from zero.
    func chains() -> [Float] {
      var out = c
      for i in 0..<m {
        for j in 0..<n {
          var chain: Float = 0
          for p in 0..<k { chain = chain.addingProduct(opA(i, p), opB(p, j)) }
          out[i * ldc + j] = (beta == 0 ? 0 : c[i * ldc + j]) + chain
        }
      }
      return out
    }

    /// C after OpenBLAS's own sgemm (β = 0 over a zeroed C, as BLAS writes it).
    func openBLAS() -> [Float] {
      var out = beta == 0 ? c.map { $0.isNaN ? 0 : $0 } : c
      openblas_set_num_threads(1)
      cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
        Int32(k), 1, a, Int32(lda), b, Int32(ldb), 1, &out, Int32(ldc))
      // The padding was zeroed above for the comparison's sake; put back what C held there.
      for i in 0..<m { for j in n..<ldc { out[i * ldc + j] = c[i * ldc + j] } }
      return out
    }
  }

  static func sameBits(_ x: [Float], _ y: [Float]) -> Bool {
    x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
  }

  static func products(_ shape: (Int, Int, Int)) -> [Product] {
    var all: [Product] = []
    for transA in [false, true] {
      for transB in [false, true] {
        for beta: Float in [0, 1] {
          all.append(Product(shape, transA: transA, transB: transB, beta: beta, seed: UInt64(all.count + 7)))
        }
      }
    }
    return all
  }

  @Test("each element is one fused multiply-add chain in the order of k; the padding stays", arguments: shapes)
  func eachElementIsOneChain(_ shape: (Int, Int, Int)) {
    for product in Self.products(shape) {
      let (got, expected) = (product.graft(thin: true), product.chains())
      #expect(
        Self.sameBits(got, expected),
        "\(shape) transA \(product.transA) transB \(product.transB) β \(product.beta)")
    }
  }

  /// On OpenBLAS's Haswell and Zen kernels the thin products are the chains above, which is what their
  /// sgemm computes, so no value changed when they left OpenBLAS (on the other kernel sets they stay with
  /// it: `dispatchFollowsTheKernelSet`). The last shapes are just past the thin ones (k = 321, and no side
  /// of two or less), which OpenBLAS still computes.
  @Test(
    "on OpenBLAS's Haswell and Zen kernels the values are OpenBLAS's own", .enabled(if: ThinProducts.matchesOpenBLAS),
    arguments: shapes + [(37, 1, 321), (3, 3, 3), (64, 48, 3)])
  func theValuesAreOpenBLASsOwn(_ shape: (Int, Int, Int)) {
    for product in Self.products(shape) {
      #expect(
        Self.sameBits(product.graft(), product.openBLAS()),
        "\(shape) transA \(product.transA) transB \(product.transB) β \(product.beta)")
    }
  }
}

extension ThinProductTests {
  @Test("thin products leave OpenBLAS only on the kernel sets whose chains they are")
  func dispatchFollowsTheKernelSet() {
    let core = Runtime.blasCoreName.lowercased()
    #expect(ThinProducts.matchesOpenBLAS == (core == "haswell" || core == "zen"))
    #expect(ThinProducts.computes(m: 256, n: 1, k: 128, alpha: 1, beta: 0) == ThinProducts.matchesOpenBLAS)
    #expect(!ThinProducts.computes(m: 256, n: 1, k: 321, alpha: 1, beta: 0))
    #expect(!ThinProducts.computes(m: 3, n: 3, k: 3, alpha: 1, beta: 0))
    #expect(!ThinProducts.computes(m: 256, n: 1, k: 128, alpha: 2, beta: 0))
    #expect(!ThinProducts.computes(m: 256, n: 1, k: 128, alpha: 1, beta: 0.5))
  }
}
