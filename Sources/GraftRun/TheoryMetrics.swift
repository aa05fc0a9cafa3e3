import GraftEngine

/// Which modes the synthetic setting's generator learned (PAPER.md, "The theory").
public struct TheoryRecovery: Codable, Equatable, Sendable {
  /// Per mode ℓ: max over generator neurons i of cos(v_i, u_ℓ).
  public var bestCosines: [Float]
  /// Per mode: the share of generated samples whose nearest mode (largest cosine) is ℓ.
  public var sampleShares: [Float]
  /// Modes with best cosine above `cosineThreshold` and a sample share of at least `minimumShare`.
  public var modesRecovered: Int

  /// - Parameters:
  ///   - neurons: the generator's neurons [m_G, d].
  ///   - modes: the mode directions [K, d].
  ///   - samples: generated samples [N, d].
  public init(
    neurons: Tensor<Float>, modes: Tensor<Float>, samples: Tensor<Float>, cosineThreshold: Float = 0.9,
    minimumShare: Float = 0.05
  ) {
    let modeCount = modes.shape[0]
    let neuronCosines = Self.cosines(neurons, modes)  // [m_G][K]
    let best = (0..<modeCount).map { l in neuronCosines.map { $0[l] }.max() ?? -1 }
    var counts = [Int](repeating: 0, count: modeCount)
    for row in Self.cosines(samples, modes) {
      if let best = row.indices.max(by: { row[$0] < row[$1] }) { counts[best] += 1 }
    }
    let n = Float(max(samples.shape[0], 1))
    let shares = counts.map { Float($0) / n }
    bestCosines = best
    sampleShares = shares
    modesRecovered = (0..<modeCount).filter { best[$0] > cosineThreshold && shares[$0] >= minimumShare }.count
  }

  /// cos(a_i, b_j) for all rows.
  static func cosines(_ a: Tensor<Float>, _ b: Tensor<Float>) -> [[Float]] {
    let dots = matmul(a, b, transposeB: true)
    let na = a.squared().sum(alongAxis: 1).sqrt().scalars
    let nb = b.squared().sum(alongAxis: 1).sqrt().scalars
    let k = b.shape[0]
    return (0..<a.shape[0]).map { i in
      (0..<k).map { j in
        let denominator = na[i] * nb[j]
        return denominator > 0 ? dots.scalars[i * k + j] / denominator : 0
      }
    }
  }
}
