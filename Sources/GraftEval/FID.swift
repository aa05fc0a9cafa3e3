import COpenBLAS
import Foundation
import GraftEngine

/// The mean and the unbiased covariance of a feature set [N, F], in double precision: what the Fréchet
/// distance compares. Compute a reference set's statistics once and reuse them.
public struct FeatureStatistics: Codable, Equatable, Sendable {
  /// Number of feature vectors N they were computed from.
  public var count: Int
  /// The feature dimension F.
  public var dimension: Int
  /// μ, F values.
  public var mean: [Double]
  /// Σ = Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ / (N − 1), F×F row-major.
  public var covariance: [Double]

  /// Statistics given directly (F means, F² covariance entries, row-major, symmetric).
  public init(mean: [Double], covariance: [Double], count: Int) {
    precondition(
      covariance.count == mean.count * mean.count,
      "FeatureStatistics: \(covariance.count) covariance entries for dimension \(mean.count)")
    self.count = count
    self.dimension = mean.count
    self.mean = mean
    self.covariance = covariance
  }

  /// The statistics of `features` [N, F] (N ≥ 2).
  ///
  /// Throws `EvalError.badShape` for another rank or fewer than 2 rows, `.nonFinite` for NaN or
  /// infinite features.
  public init(features: Tensor<Float>) throws(EvalError) {
    guard features.rank == 2, features.shape[0] >= 2 else {
      throw .badShape(what: "the feature set", shape: features.shape, expected: "[N, F] with N ≥ 2")
    }
    let (n, f) = (features.shape[0], features.shape[1])
    var mean = [Double](repeating: 0, count: f)
    var finite = true
    features.scalars.withUnsafeBufferPointer { x in
      for i in 0..<n {
        for j in 0..<f {
          let v = x[i * f + j]
          if !v.isFinite { finite = false }
          mean[j] += Double(v)
        }
      }
    }
    guard finite else { throw .nonFinite(what: "the feature set") }
    for j in 0..<f { mean[j] /= Double(n) }
    var centered = [Double](repeating: 0, count: n * f)
    features.scalars.withUnsafeBufferPointer { x in
      for i in 0..<n {
        for j in 0..<f { centered[i * f + j] = Double(x[i * f + j]) - mean[j] }
      }
    }
    var covariance = [Double](repeating: 0, count: f * f)
    if f > 0 {
      // Σ = Xcᵀ·Xc / (N − 1)
      cblas_dgemm(
        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(f), Int32(f), Int32(n), 1 / Double(n - 1), centered, Int32(f),
        centered, Int32(f), 0, &covariance, Int32(f))
    }
    for i in 0..<f {
      for j in (i + 1)..<f {
        let m = 0.5 * (covariance[i * f + j] + covariance[j * f + i])
        covariance[i * f + j] = m
        covariance[j * f + i] = m
      }
    }
    self.init(mean: mean, covariance: covariance, count: n)
  }

  /// tr Σ.
  public var trace: Double { (0..<dimension).reduce(0) { $0 + covariance[$1 * dimension + $1] } }
}

/// The Fréchet distance between Gaussians with the given statistics:
///
///     ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}
///
/// computed in double precision with two symmetric eigendecompositions (`SymmetricEigen`); tiny
/// negative eigenvalues from rounding are clamped to 0. The result is clamped at 0 as well.
///
/// Throws `EvalError.badShape` when the dimensions differ, `.nonFinite` or `.lapackFailure`.
public func frechetDistance(_ a: FeatureStatistics, _ b: FeatureStatistics) throws(EvalError) -> Double {
  guard a.dimension == b.dimension else {
    throw .badShape(what: "the second feature set", shape: [b.count, b.dimension], expected: "[N, \(a.dimension)]")
  }
  let f = a.dimension
  guard f > 0 else { return 0 }
  var meanTerm: Double = 0
  for j in 0..<f {
    let d = a.mean[j] - b.mean[j]
    meanTerm += d * d
  }
  // S = Σ₁^{1/2}, then M = S·Σ₂·S (symmetric positive semi-definite), tr M^{1/2} = Σ √λ(M).
  let root = try SymmetricEigen(a.covariance, size: f).reconstructed { $0 > 0 ? $0.squareRoot() : 0 }
  var product = [Double](repeating: 0, count: f * f)
  var m = [Double](repeating: 0, count: f * f)
  let n = Int32(f)
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, root, n, b.covariance, n, 0, &product, n)
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, product, n, root, n, 0, &m, n)
  for i in 0..<f {
    for j in (i + 1)..<f {
      let s = 0.5 * (m[i * f + j] + m[j * f + i])
      m[i * f + j] = s
      m[j * f + i] = s
    }
  }
  let crossTrace = try SymmetricEigen(m, size: f).values.reduce(0) { $0 + ($1 > 0 ? $1.squareRoot() : 0) }
  return max(0, meanTerm + a.trace + b.trace - 2 * crossTrace)
}

/// The Fréchet distance between two feature sets [N₁, F] and [N₂, F] (see `frechetDistance(_:_:)`).
public func frechetDistance(_ x: Tensor<Float>, _ y: Tensor<Float>) throws(EvalError) -> Double {
  try frechetDistance(FeatureStatistics(features: x), FeatureStatistics(features: y))
}

/// "FID" in the Fashion-MNIST classifier's feature space: the Fréchet distance between the penultimate
/// features of `real` and `fake` images [N, 1, 32, 32] in [−1, 1], computed in batches of `batchSize`.
public func fid(
  real: Tensor<Float>, fake: Tensor<Float>, classifier: FashionClassifier, batchSize: Int = 500
) throws(EvalError) -> Double {
  let realFeatures = try classifier.outputs(real, batchSize: batchSize).features
  let fakeFeatures = try classifier.outputs(fake, batchSize: batchSize).features
  return try frechetDistance(realFeatures, fakeFeatures)
}
