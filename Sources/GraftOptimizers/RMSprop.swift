/// RMSprop, exactly as `torch.optim.RMSprop` (ε added to the root; optional centering and momentum).
public struct RMSprop: ElementwiseOptimizer {
  public var learningRate: Float
  public var alpha: Float
  public var epsilon: Float
  public var weightDecay: Float
  public var momentum: Float
  public var centered: Bool
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  public init(
    learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0,
    momentum: Float = 0, centered: Bool = false
  ) {
    self.learningRate = learningRate
    self.alpha = alpha
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.centered = centered
  }

  public var summary: String {
    "rmsprop(lr=\(learningRate), alpha=\(alpha), eps=\(epsilon), weight_decay=\(weightDecay), momentum=\(momentum), centered=\(centered))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Float
  ) -> Tensor<Float> {
    let g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient
    let squareAverage = stateTensor(&state, "square_avg", like: g) * alpha + g * g * (1 - alpha)
    state["square_avg"] = squareAverage
    var average: Tensor<Float>
    if centered {
      let gradAverage = lerp(stateTensor(&state, "grad_avg", like: g), g, 1 - alpha)
      state["grad_avg"] = gradAverage
      average = (squareAverage - gradAverage * gradAverage).sqrt()
    } else {
      average = squareAverage.sqrt()
    }
    average = average + epsilon
    if momentum > 0 {
      let buffer = stateTensor(&state, "momentum_buffer", like: g) * momentum + g / average
      state["momentum_buffer"] = buffer
      return buffer * -learningRate
    }
    return g / average * -learningRate
  }
}
