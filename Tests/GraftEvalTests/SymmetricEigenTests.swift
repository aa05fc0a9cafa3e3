import Foundation
import GraftEngine
import GraftEval
import Testing

@Suite("Symmetric eigendecomposition through LAPACK dsyevd")
struct SymmetricEigenTests {
  /// max |a − b| over two equally long arrays.
  func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
  }

  @Test func tridiagonalMatrixWithKnownEigenpairs() throws {
    // The 3×3 second-difference matrix: eigenvalues 2 − √2, 2, 2 + √2, eigenvectors (1, √2, 1)/2,
    // (1, 0, −1)/√2, (1, −√2, 1)/2.
    let a: [Double] = [2, -1, 0, -1, 2, -1, 0, -1, 2]
    let eigen = try SymmetricEigen(a, size: 3)
    let r2 = 2.0.squareRoot()
    #expect(maxDifference(eigen.values, [2 - r2, 2, 2 + r2]) < 1e-12)
    let expected: [[Double]] = [[0.5, r2 / 2, 0.5], [1 / r2, 0, -1 / r2], [0.5, -r2 / 2, 0.5]]
    for j in 0..<3 {
      let v = eigen.vector(j)
      // Eigenvectors are defined up to sign.
      let sign: Double = zip(v, expected[j]).reduce(0) { $0 + $1.0 * $1.1 } < 0 ? -1 : 1
      #expect(maxDifference(v.map { $0 * sign }, expected[j]) < 1e-12, "eigenvector \(j): \(v)")
      // A·v = λ·v.
      let av = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * v[$1] } }
      #expect(maxDifference(av, v.map { $0 * eigen.values[j] }) < 1e-12)
    }
    #expect(maxDifference(eigen.reconstructed(), a) < 1e-12)
  }

  @Test func diagonalMatrixGivesSortedDiagonal() throws {
    let eigen = try SymmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 7], size: 3)
    #expect(eigen.values == [-1, 3, 7])
    #expect(abs(abs(eigen.vector(0)[1]) - 1) < 1e-15)
    #expect(abs(abs(eigen.vector(2)[2]) - 1) < 1e-15)
  }

  @Test func randomSymmetricMatrixReconstructsAndIsOrthogonal() throws {
    var rng = RandomGenerator(seed: 7)
    let n = 24
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        let v = rng.nextNormal()
        a[i * n + j] = v
        a[j * n + i] = v
      }
    }
    let eigen = try SymmetricEigen(a, size: n)
    #expect(zip(eigen.values, eigen.values.dropFirst()).allSatisfy { $0 <= $1 }, "ascending")
    #expect(maxDifference(eigen.reconstructed(), a) < 1e-10)
    // VᵀV = I.
    var worst = 0.0
    for p in 0..<n {
      for q in 0..<n {
        let dot = (0..<n).reduce(0.0) { $0 + eigen.vectors[$1 * n + p] * eigen.vectors[$1 * n + q] }
        worst = max(worst, abs(dot - (p == q ? 1 : 0)))
      }
    }
    #expect(worst < 1e-12)
    // Trace = Σ eigenvalues.
    let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
    #expect(abs(trace - eigen.values.reduce(0, +)) < 1e-10)
  }

  @Test func squareRootOfPositiveDefiniteMatrixSquaresBack() throws {
    // B·Bᵀ + I is positive definite; its square root S satisfies S·S = A.
    var rng = RandomGenerator(seed: 3)
    let n = 10
    let b = (0..<(n * n)).map { _ in rng.nextNormal() }
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        a[i * n + j] = (0..<n).reduce(0.0) { $0 + b[i * n + $1] * b[j * n + $1] } + (i == j ? 1 : 0)
      }
    }
    let root = try SymmetricEigen(a, size: n).reconstructed { $0.squareRoot() }
    var square = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { square[i * n + j] = (0..<n).reduce(0.0) { $0 + root[i * n + $1] * root[$1 * n + j] } }
    }
    #expect(maxDifference(square, a) < 1e-9)
  }

  @Test func badInputsThrow() {
    #expect(throws: EvalError.badShape(what: "the symmetric matrix", shape: [3], expected: "2×2 = 4 values")) {
      try SymmetricEigen([1, 2, 3], size: 2)
    }
    #expect(throws: EvalError.nonFinite(what: "the symmetric matrix")) {
      try SymmetricEigen([1, .nan, .nan, 1], size: 2)
    }
  }
}
