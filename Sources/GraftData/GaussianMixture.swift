import Foundation
import GraftEngine

/// A mixture of isotropic Gaussians with equal weights and known centres: the standard mode-collapse
/// benchmarks in 2-D (`ring8`, `grid25`), or any centres in any dimension.
public struct GaussianMixture: Sendable, Equatable, Codable {
  /// A short name for logs and run directories (`"ring8"`, `"grid25"`, ...).
  public var name: String
  /// The K mode centres, each a point of `dimension` coordinates.
  public var centers: [[Float]]
  /// The standard deviation of every coordinate of every component.
  public var standardDeviation: Float

  /// A mixture with these centres (all the same, non-zero length) and per-coordinate standard
  /// deviation (≥ 0).
  public init(name: String, centers: [[Float]], standardDeviation: Float) {
    precondition(!centers.isEmpty, "GaussianMixture: no centres")
    precondition(!centers[0].isEmpty, "GaussianMixture: centres have no coordinates")
    precondition(
      centers.allSatisfy { $0.count == centers[0].count }, "GaussianMixture: centres of different dimensions")
    precondition(standardDeviation >= 0, "GaussianMixture: negative standard deviation \(standardDeviation)")
    self.name = name
    self.centers = centers
    self.standardDeviation = standardDeviation
  }

  /// Number of modes K.
  public var modeCount: Int { centers.count }
  /// Coordinates per point.
  public var dimension: Int { centers[0].count }
  /// The centres as a `[K, dimension]` tensor.
  public var centerTensor: Tensor<Float> { Tensor(shape: [modeCount, dimension], scalars: centers.flatMap { $0 }) }

  /// 8 modes evenly spaced on a circle of radius 2 (the first at (2, 0)), standard deviation 0.02.
  public static var ring8: GaussianMixture { ring(modeCount: 8, radius: 2, standardDeviation: 0.02) }

  /// 25 modes on a 5x5 grid with spacing 2 centred at the origin (coordinates −4, −2, 0, 2, 4),
  /// standard deviation 0.05.
  public static var grid25: GaussianMixture { grid(side: 5, spacing: 2, standardDeviation: 0.05) }

  /// `modeCount` modes evenly spaced on a circle of `radius` around the origin, the first on the
  /// positive x axis. Named `ring<K>`.
  public static func ring(modeCount: Int, radius: Float, standardDeviation: Float) -> GaussianMixture {
    precondition(modeCount > 0, "GaussianMixture.ring: modeCount must be positive")
    let centers = (0..<modeCount).map { k -> [Float] in
      let angle = 2 * Double.pi * Double(k) / Double(modeCount)
      // Rounding error of cos/sin near 0 is snapped away, so that e.g. (0, 2) is exact.
      let snap = { (v: Double) -> Float in abs(v) < 1e-12 ? 0 : Float(v) }
      return [snap(Double(radius) * Foundation.cos(angle)), snap(Double(radius) * Foundation.sin(angle))]
    }
    return GaussianMixture(name: "ring\(modeCount)", centers: centers, standardDeviation: standardDeviation)
  }

  /// A `side` x `side` grid of modes, `spacing` apart, centred at the origin; row-major with x varying
  /// fastest. Named `grid<side²>`.
  public static func grid(side: Int, spacing: Float, standardDeviation: Float) -> GaussianMixture {
    precondition(side > 0, "GaussianMixture.grid: side must be positive")
    let offset = Float(side - 1) / 2
    let coordinates = (0..<side).map { (Float($0) - offset) * spacing }
    let centers = coordinates.flatMap { y in coordinates.map { x in [x, y] } }
    return GaussianMixture(name: "grid\(side * side)", centers: centers, standardDeviation: standardDeviation)
  }

  /// `n` points `[n, dimension]`, each from a mode chosen uniformly at random.
  public func sample(_ n: Int, generator: inout RandomGenerator) -> Tensor<Float> {
    sampleWithModes(n, generator: &generator).points
  }

  /// `n` points `[n, dimension]` and the mode each was drawn from.
  public func sampleWithModes(_ n: Int, generator: inout RandomGenerator) -> (points: Tensor<Float>, modes: [Int]) {
    precondition(n >= 0, "GaussianMixture.sample: negative count \(n)")
    let d = dimension
    let sigma = Double(standardDeviation)
    // Each point's mode, then its coordinates centre + σ·z (transformed together, on all cores for large n).
    let (modes, scalars) = generator.normalRows(
      n, count: d, scale: sigma, after: { $0.uniformIndex(below: modeCount) },
      offset: { k, j in Double(centers[k][j]) })
    return (Tensor(shape: [n, d], scalars: scalars), modes)
  }
}
