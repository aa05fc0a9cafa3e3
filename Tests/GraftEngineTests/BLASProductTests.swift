import GraftEngine
import Testing

/// `_gemmOneThread` is one BLAS call, except that outside OpenBLAS's AVX-512 kernel sets a β = 0 product
/// zeroes C itself and asks BLAS to accumulate (OpenBLAS's own zeroing pass is slow there). Either way
/// it must mean what BLAS means by β = 0: whatever C held, NaN included, is not read; and only C's m×n
/// block, never the padding beyond n in each row of stride ldc, is written.
@Suite("One-thread BLAS products")
struct BLASProductTests {
  /// C (m×n, row stride ldc, filled with `fill`) after C = A·Bᵀ + beta·C, with A [m, k] and B [n, k].
  static func product(
    m: Int, n: Int, k: Int, ldc: Int, beta: Double, fill: Double
  ) -> (c: [Double], a: [Double], b: [Double]) {
    var rng = RandomGenerator(seed: 21)
    let a = Tensor<Double>(randomNormal: [m, k], generator: &rng).scalars
    let b = Tensor<Double>(randomNormal: [n, k], generator: &rng).scalars
    var c = [Double](repeating: fill, count: m * ldc)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          Double._gemmOneThread(
            transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: k, b: b.baseAddress!,
            ldb: k, beta: beta, c: c.baseAddress!, ldc: ldc)
        }
      }
    }
    return (c, a, b)
  }

  static func dot(_ a: [Double], _ b: [Double], row i: Int, column j: Int, k: Int) -> Double {
    (0..<k).reduce(0) { $0 + a[i * k + $1] * b[j * k + $1] }
  }

  // A large and a small product (OpenBLAS's small-matrix kernels, where it has them).
  @Test(arguments: [(128, 96, 100), (8, 6, 5)], [0, 7])
  func betaZeroIgnoresWhatCHeldAndLeavesThePadding(_ size: (Int, Int, Int), _ padding: Int) {
    let (m, n, k) = size
    let ldc = n + padding
    let (c, a, b) = Self.product(m: m, n: n, k: k, ldc: ldc, beta: 0, fill: .nan)
    for i in 0..<m {
      for j in 0..<ldc {
        if j < n {
          #expect(abs(c[i * ldc + j] - Self.dot(a, b, row: i, column: j, k: k)) <= 1e-12 * Double(k))
        } else {
          #expect(c[i * ldc + j].isNaN)
        }
      }
    }
  }

  @Test func betaOneStillAddsToC() {
    let (m, n, k) = (128, 96, 100)
    let (c, a, b) = Self.product(m: m, n: n, k: k, ldc: n, beta: 1, fill: 0.5)
    for (i, j) in [(0, 0), (m - 1, n - 1), (63, 40)] {
      #expect(abs(c[i * n + j] - (0.5 + Self.dot(a, b, row: i, column: j, k: k))) <= 1e-12 * Double(k))
    }
  }
}
