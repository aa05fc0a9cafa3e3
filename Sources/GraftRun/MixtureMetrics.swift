import Foundation
import GraftEngine

/// How well samples cover a mixture of Gaussians with known centres (PAPER.md, "Metrics").
public struct MixtureCoverage: Codable, Equatable, Sendable {
  /// Modes with at least `minimumShare` of the samples within 3 standard deviations.
  public var modesCovered: Int
  public var modeCount: Int
  /// Share of samples within 3 standard deviations of some mode.
  public var highQualityShare: Float
  /// KL divergence of the high-quality samples' mode histogram to the uniform one (0 = balanced,
  /// log K = everything in one mode or no high-quality samples at all).
  public var klToUniform: Float
  /// High-quality samples per mode.
  public var counts: [Int]

  /// Measures `samples` [N, D] against `centers` (K points of dimension D) with component standard
  /// deviation `standardDeviation`.
  public init(
    samples: Tensor<Float>, centers: [[Float]], standardDeviation: Float, minimumShare: Float = 0.01
  ) {
    let n = samples.shape[0]
    let d = samples.shape[1]
    let radius2 = (3 * standardDeviation) * (3 * standardDeviation)
    var counts = [Int](repeating: 0, count: centers.count)
    samples.scalars.withUnsafeBufferPointer { x in
      for i in 0..<n {
        var best = Float.infinity
        var bestMode = 0
        for (k, c) in centers.enumerated() {
          var dist: Float = 0
          for j in 0..<d {
            let diff = x[i * d + j] - c[j]
            dist += diff * diff
          }
          if dist < best {
            best = dist
            bestMode = k
          }
        }
        if best <= radius2 { counts[bestMode] += 1 }
      }
    }
    let good = counts.reduce(0, +)
    let k = Float(centers.count)
    self.counts = counts
    modeCount = centers.count
    modesCovered = counts.filter { Float($0) >= minimumShare * Float(n) && $0 > 0 }.count
    highQualityShare = n == 0 ? 0 : Float(good) / Float(n)
    if good == 0 {
      klToUniform = Float(Foundation.log(Double(k)))
    } else {
      klToUniform = counts.reduce(Float(0)) { acc, c in
        guard c > 0 else { return acc }
        let p = Float(c) / Float(good)
        return acc + p * Foundation.log(p * k)
      }
    }
  }
}
