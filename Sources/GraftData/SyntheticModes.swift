import GraftEngine

/// The paper's synthetic setting (PAPER.md, "Our concrete version"): K orthogonal modes in R^d.
///
/// Mode k has direction u_k = e_k (the k-th standard basis vector) and norm `norms[k]`; a sample is
/// `norms[k] · u_k + N(0, noise² I)` with k drawn with probability `weights[k] / Σ weights`.
/// Defaults: d = 100, K = 2, noise σ = 0.01, equal weights, unit norms.
public struct SyntheticModes: Sendable, Equatable, Codable {
  /// The dimension d of the data space.
  public var dimension: Int
  /// The number of modes K (≤ d).
  public var modeCount: Int
  /// The standard deviation σ of the Gaussian noise added to every coordinate.
  public var noise: Float
  /// The relative frequency of each mode (K non-negative numbers, not all zero; need not sum to 1).
  public var weights: [Double]
  /// The norm of each mode's centre (K numbers): a sample of mode k lies near `norms[k] · e_k`.
  public var norms: [Float]

  /// The setting with these constants; `weights` default to equal, `norms` to 1.
  public init(
    dimension: Int = 100, modeCount: Int = 2, noise: Float = 0.01, weights: [Double]? = nil, norms: [Float]? = nil
  ) {
    precondition(modeCount > 0, "SyntheticModes: modeCount must be positive, got \(modeCount)")
    precondition(
      dimension >= modeCount,
      "SyntheticModes: \(modeCount) orthogonal modes need dimension ≥ \(modeCount), got \(dimension)")
    precondition(noise >= 0, "SyntheticModes: negative noise \(noise)")
    let weights = weights ?? [Double](repeating: 1, count: modeCount)
    let norms = norms ?? [Float](repeating: 1, count: modeCount)
    precondition(weights.count == modeCount, "SyntheticModes: \(weights.count) weights for \(modeCount) modes")
    precondition(
      weights.allSatisfy { $0 >= 0 && $0.isFinite } && weights.contains { $0 > 0 },
      "SyntheticModes: weights must be finite, non-negative and not all zero: \(weights)")
    precondition(norms.count == modeCount, "SyntheticModes: \(norms.count) norms for \(modeCount) modes")
    self.dimension = dimension
    self.modeCount = modeCount
    self.noise = noise
    self.weights = weights
    self.norms = norms
  }

  /// The probability of each mode: `weights` normalised to sum to 1.
  public var modeProbabilities: [Double] {
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }

  /// The unit mode directions u_k = e_k as rows of a `[K, d]` tensor.
  public var modeDirections: Tensor<Float> {
    var scalars = [Float](repeating: 0, count: modeCount * dimension)
    for k in 0..<modeCount { scalars[k * dimension + k] = 1 }
    return Tensor(shape: [modeCount, dimension], scalars: scalars)
  }

  /// The noiseless mode centres `norms[k] · u_k` as rows of a `[K, d]` tensor.
  public var modeCenters: Tensor<Float> {
    var scalars = [Float](repeating: 0, count: modeCount * dimension)
    for k in 0..<modeCount { scalars[k * dimension + k] = norms[k] }
    return Tensor(shape: [modeCount, dimension], scalars: scalars)
  }

  /// `n` samples `[n, d]` and the mode each was drawn from.
  public func sample(_ n: Int, generator: inout RandomGenerator) -> (points: Tensor<Float>, modes: [Int]) {
    precondition(n >= 0, "SyntheticModes.sample: negative count \(n)")
    let lastPositive = weights.lastIndex { $0 > 0 }!
    let cumulative = modeProbabilities.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
    let d = dimension
    let sigma = Double(noise)
    // Each sample's mode, then its d normals σ·z (transformed together, on all cores for large n).
    var (modes, scalars) = generator.normalRows(n, count: d, scale: sigma) { g in
      let u = g.nextUnitDouble() * cumulative[modeCount - 1]
      // The first mode whose cumulative probability exceeds u (zero-weight modes are never chosen;
      // the fallback covers rounding at the very top).
      return cumulative.firstIndex { u < $0 } ?? lastPositive
    }
    for (i, k) in modes.enumerated() { scalars[i * d + k] += norms[k] }
    return (Tensor(shape: [n, d], scalars: scalars), modes)
  }
}
