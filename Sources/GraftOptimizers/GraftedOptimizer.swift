import GraftEngine

/// Grafting (Agarwal et al., 2020) as the paper uses it: the step takes its norm from one optimizer
/// and its direction from another, per parameter group k:
///
///     Δ_k = ‖Δᴹ_k‖ · Δᴰ_k / ‖Δᴰ_k‖
///
/// Both optimizers see the same gradient every step and keep their own state; only the combined step
/// is applied. A zero direction gives a zero step. `ada-nsgda` is Adam#SGD (Adam's magnitude, SGD's
/// direction), `sgda-ada` is SGD#Adam.
///
/// Each step reports ‖Δᴹ_k‖ and ‖Δᴰ_k‖ as the components `magnitude` and `direction` (the paper's
/// diagnostics), followed by the inner optimizers' own components prefixed `magnitude.` and `direction.`.
public struct GraftedOptimizer: Optimizer {
  public var magnitude: any Optimizer
  public var direction: any Optimizer

  public init(magnitude: any Optimizer, direction: any Optimizer) {
    self.magnitude = magnitude
    self.direction = direction
  }

  /// The magnitude optimizer's learning rate: it alone sets the step size.
  public var learningRate: Double { magnitude.learningRate }

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
  public var kind: String { "graft:\(magnitude.kind):\(direction.kind)" }

  /// A step whose size is the magnitude optimizer's at `learningRate`. The direction optimizer steps at
  /// its own rate, which its normalized step does not depend on (and which keeps its rounding the same
  /// whatever the schedule).
  public mutating func advance(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup], learningRate: Double
  ) -> OptimizerStep {
    let m = magnitude.advance(gradients: gradients, parameters: parameters, groups: groups, learningRate: learningRate)
    let d = direction.advance(gradients: gradients, parameters: parameters, groups: groups)
    var result = d.updates
    var magnitudeNorms: [Float] = []
    var directionNorms: [Float] = []
    withoutGradients {
      for group in groups {
        let mNorm = groupNorm(group.indices.map { m.updates[$0] })
        let dNorm = groupNorm(group.indices.map { d.updates[$0] })
        magnitudeNorms.append(mNorm)
        directionNorms.append(dNorm)
        let scale: Float = dNorm > 0 ? mNorm / dNorm : 0
        for i in group.indices { result[i] = d.updates[i] * scale }
      }
    }
    let own = [
      StepComponent(name: "magnitude", norms: magnitudeNorms), StepComponent(name: "direction", norms: directionNorms),
    ]
    let inner = m.components.map { $0.prefixed("magnitude") } + d.components.map { $0.prefixed("direction") }
    return OptimizerStep(updates: result, components: own + inner)
  }

  private static func unprefixed(_ state: [String: Tensor<Float>], _ prefix: String) -> [String: Tensor<Float>] {
    var out: [String: Tensor<Float>] = [:]
    for (k, v) in state where k.hasPrefix(prefix) { out[String(k.dropFirst(prefix.count))] = v }
    return out
  }
}
