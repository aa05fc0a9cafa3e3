import GraftEngine

/// Normalized SGD(A), the paper's nSGDA: each group moves by exactly its learning rate,
///
///     Δ_k = −η_k · g_k / ‖g_k‖
///
/// layer-wise with `.perTensor` grouping, or over the whole player with `.global`. With momentum μ > 0
/// the momentum buffer b ← μ·b + g is normalized instead of g. A zero gradient gives a zero step.
public struct NormalizedSGD: Optimizer {
  public let learningRate: Double
  public var momentum: Double
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  public init(learningRate: Double, momentum: Double = 0) {
    self.learningRate = learningRate
    self.momentum = momentum
  }

  public var kind: String { "nsgd" }
  public var summary: String { "nsgd(lr=\(learningRate), momentum=\(momentum))" }

  public mutating func advance(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup], learningRate: Double
  ) -> OptimizerStep {
    if state.count != parameters.count { state = Array(repeating: [:], count: parameters.count) }
    step += 1
    let mu = Float(momentum)
    let updates = withoutGradients {
      var directions = gradients
      if momentum > 0 {
        for i in gradients.indices {
          let buffer = state[i]["momentum_buffer"].map { $0 * mu + gradients[i] } ?? gradients[i]
          state[i]["momentum_buffer"] = buffer
          directions[i] = buffer
        }
      }
      var result = directions.map { Tensor<Float>(zerosLike: $0) }
      for group in groups {
        let norm = groupNorm(group.indices.map { directions[$0] })
        guard norm > 0 else { continue }
        // The step's length in double precision, rounded once.
        let scale = Float(-learningRate * group.learningRateScale / Double(norm))
        for i in group.indices { result[i] = directions[i] * scale }
      }
      return result
    }
    return OptimizerStep(updates: updates)
  }
}
