import GraftEngine

/// Grafting (Agarwal et al., 2020) as the paper uses it: the step takes its norm from one optimizer
/// and its direction from another, per parameter group k:
///
///     Δ_k = ‖Δᴹ_k‖ · Δᴰ_k / ‖Δᴰ_k‖
///
/// Both optimizers see the same gradient every step and keep their own state; only the combined step
/// is applied. A zero direction gives a zero step. `ada-nsgda` is Adam#SGD (Adam's magnitude, SGD's
/// direction), `sgda-ada` is SGD#Adam.
public struct GraftedOptimizer: Optimizer {
  public var magnitude: any Optimizer
  public var direction: any Optimizer
  /// ‖Δᴹ_k‖ and ‖Δᴰ_k‖ for each group of the last step (for the paper's diagnostics).
  public private(set) var lastMagnitudeNorms: [Float] = []
  public private(set) var lastDirectionNorms: [Float] = []

  public init(magnitude: any Optimizer, direction: any Optimizer) {
    self.magnitude = magnitude
    self.direction = direction
  }

  /// The magnitude optimizer's learning rate: it alone sets the step size.
  public var learningRate: Double {
    get { magnitude.learningRate }
    set { magnitude.learningRate = newValue }
  }

  public var step: Int {
    get { magnitude.step }
    set {
      magnitude.step = newValue
      direction.step = newValue
    }
  }

  /// Both optimizers' states, keys prefixed `magnitude.` and `direction.`.
  public var state: [[String: Tensor<Float>]] {
    get {
      let count = max(magnitude.state.count, direction.state.count)
      return (0..<count).map { i in
        var merged: [String: Tensor<Float>] = [:]
        if i < magnitude.state.count { for (k, v) in magnitude.state[i] { merged["magnitude." + k] = v } }
        if i < direction.state.count { for (k, v) in direction.state[i] { merged["direction." + k] = v } }
        return merged
      }
    }
    set {
      magnitude.state = newValue.map { Self.unprefixed($0, "magnitude.") }
      direction.state = newValue.map { Self.unprefixed($0, "direction.") }
    }
  }

  public var summary: String { "graft(magnitude=\(magnitude.summary), direction=\(direction.summary))" }

  public mutating func updates(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup]
  ) -> [Tensor<Float>] {
    let m = magnitude.updates(gradients: gradients, parameters: parameters, groups: groups)
    let d = direction.updates(gradients: gradients, parameters: parameters, groups: groups)
    var result = d
    lastMagnitudeNorms = []
    lastDirectionNorms = []
    withoutGradients {
      for group in groups {
        let mNorm = groupNorm(group.indices.map { m[$0] })
        let dNorm = groupNorm(group.indices.map { d[$0] })
        lastMagnitudeNorms.append(mNorm)
        lastDirectionNorms.append(dNorm)
        let scale: Float = dNorm > 0 ? mNorm / dNorm : 0
        for i in group.indices { result[i] = d[i] * scale }
      }
    }
    return result
  }

  private static func unprefixed(_ state: [String: Tensor<Float>], _ prefix: String) -> [String: Tensor<Float>] {
    var out: [String: Tensor<Float>] = [:]
    for (k, v) in state where k.hasPrefix(prefix) { out[String(k.dropFirst(prefix.count))] = v }
    return out
  }
}
