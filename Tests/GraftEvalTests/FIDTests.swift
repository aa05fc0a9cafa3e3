import Foundation
import GraftEngine
import GraftEval
import Testing

@Suite("Fréchet distance on feature sets with known answers")
struct FIDTests {
  /// N samples of a Gaussian with independent coordinates of the given means and standard deviations.
  func gaussian(_ n: Int, means: [Double], stds: [Double], seed: UInt64) -> Tensor<Float> {
    var rng = RandomGenerator(seed: seed)
    let f = means.count
    return Tensor(
      shape: [n, f], scalars: (0..<(n * f)).map { k in Float(means[k % f] + stds[k % f] * rng.nextNormal()) })
  }

  @Test func distanceOfAFeatureSetToItselfIsZero() throws {
    var rng = RandomGenerator(seed: 1)
    let x = Tensor<Float>(randomNormal: [400, 32], generator: &rng) * 3 + 1
    let stats = try FeatureStatistics(features: x)
    let d = try frechetDistance(x, x)
    #expect(d < 1e-8 * stats.trace, "FID(X, X) = \(d)")
  }

  @Test func statisticsAreTheUnbiasedMeanAndCovariance() throws {
    let x = Tensor<Float>([[1, 2], [3, 0], [5, 4]])
    let s = try FeatureStatistics(features: x)
    #expect(s.count == 3 && s.dimension == 2)
    #expect(s.mean == [3, 2])
    // Centered rows (−2, 0), (0, −2), (2, 2): XᵀX = [[8, 4], [4, 8]], / (N − 1) = 2.
    #expect(s.covariance == [4, 2, 2, 4])
  }

  @Test func diagonalGaussiansMatchTheClosedForm() throws {
    // With diagonal covariances the distance is ‖μ₁ − μ₂‖² + Σ (σ₁ − σ₂)².
    let m1: [Double] = [0, 1, -2, 0.5]
    let m2: [Double] = [1, 1, 0, -0.5]
    let s1: [Double] = [1, 2, 0.5, 1]
    let s2: [Double] = [2, 1, 0.5, 3]
    func diagonal(_ s: [Double]) -> [Double] {
      var c = [Double](repeating: 0, count: 16)
      for i in 0..<4 { c[i * 5] = s[i] * s[i] }
      return c
    }
    func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
      var total = 0.0
      for (x, y) in zip(a, b) { total += (x - y) * (x - y) }
      return total
    }
    let expected = squaredDistance(m1, m2) + squaredDistance(s1, s2)  // 6 + 6
    #expect(expected == 12)
    let exact = try frechetDistance(
      FeatureStatistics(mean: m1, covariance: diagonal(s1), count: 2),
      FeatureStatistics(mean: m2, covariance: diagonal(s2), count: 2))
    #expect(abs(exact - expected) < 1e-10, "\(exact) vs \(expected)")
    // From samples: the estimate converges to it (standard error here is about 0.1).
    let sampled = try frechetDistance(
      gaussian(20000, means: m1, stds: s1, seed: 2), gaussian(20000, means: m2, stds: s2, seed: 3))
    #expect(abs(sampled - expected) < 0.35, "sampled \(sampled) vs \(expected)")
  }

  @Test func nonCommutingCovariancesMatchTheTraceFormula() throws {
    // For 2×2 matrices, the eigenvalues of Σ₁^{1/2} Σ₂ Σ₁^{1/2} are those of Σ₁Σ₂: with t = tr(Σ₁Σ₂) and
    // d = det Σ₁ det Σ₂, tr (…)^{1/2} = √λ₊ + √λ₋ = √(t + 2√d).
    let c1: [Double] = [2, 1, 1, 3]
    let c2: [Double] = [1, -0.5, -0.5, 4]
    let t: Double = c1[0] * c2[0] + c1[1] * c2[2] + c1[2] * c2[1] + c1[3] * c2[3]
    let det1: Double = c1[0] * c1[3] - c1[1] * c1[2]
    let det2: Double = c2[0] * c2[3] - c2[1] * c2[2]
    let d: Double = det1 * det2
    let traces: Double = (c1[0] + c1[3]) + (c2[0] + c2[3])
    let cross: Double = (t + 2 * d.squareRoot()).squareRoot()
    let expected: Double = traces - 2 * cross + 0.25 + 4
    let distance = try frechetDistance(
      FeatureStatistics(mean: [0, 0], covariance: c1, count: 2),
      FeatureStatistics(mean: [0.5, -2], covariance: c2, count: 2))
    #expect(abs(distance - expected) < 1e-10, "\(distance) vs \(expected)")
    let reversed = try frechetDistance(
      FeatureStatistics(mean: [0.5, -2], covariance: c2, count: 2),
      FeatureStatistics(mean: [0, 0], covariance: c1, count: 2))
    #expect(abs(reversed - distance) < 1e-10, "symmetric")
  }

  @Test func aShiftAddsItsSquaredLength() throws {
    var rng = RandomGenerator(seed: 5)
    let x = Tensor<Float>(randomNormal: [300, 8], generator: &rng)
    let shift = Tensor<Float>([0.5, -1, 0, 0, 2, 0, 0, 0.25])
    let d = try frechetDistance(x, x + shift)
    #expect(abs(d - (0.25 + 1 + 4 + 0.0625)) < 1e-4, "\(d)")
  }

  @Test func rankDeficientCovarianceDoesNotFail() throws {
    // Features with constant (dead) coordinates, as ReLU features have: singular covariances.
    var rng = RandomGenerator(seed: 9)
    let live = Tensor<Float>(randomNormal: [200, 3], generator: &rng)
    let x = Tensor.concatenated([live, Tensor(zeros: [200, 5])], alongAxis: 1)
    let d = try frechetDistance(x, x)
    #expect(d.isFinite && d < 1e-6)
    let y = Tensor.concatenated([live * 2, Tensor(zeros: [200, 5])], alongAxis: 1)
    // The same points scaled by 2: μ₂ = 2μ₁ and Σ₂ = 4Σ₁, so the distance is
    // ‖μ₁‖² + tr Σ₁ + 4 tr Σ₁ − 2·2 tr Σ₁ = ‖μ₁‖² + tr Σ₁.
    let stats = try FeatureStatistics(features: x)
    let expected = stats.mean.reduce(0) { $0 + $1 * $1 } + stats.trace
    let distance = try frechetDistance(x, y)
    #expect(abs(distance - expected) < 1e-6 * expected, "\(distance) vs \(expected)")
  }

  @Test func mismatchedDimensionsThrow() {
    #expect(throws: EvalError.self) {
      try frechetDistance(Tensor<Float>(zeros: [4, 3]), Tensor<Float>(zeros: [4, 2]))
    }
    #expect(throws: EvalError.self) { try FeatureStatistics(features: Tensor<Float>(zeros: [1, 3])) }
  }
}
