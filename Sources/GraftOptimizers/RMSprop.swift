import GraftEngine

/// RMSprop, exactly as `torch.optim.RMSprop` (ε added to the root; optional centering and momentum).
/// The hyperparameters are doubles, as in PyTorch; 1 − α is computed from α in double precision (see
/// `Optimizer`).
public struct RMSprop: ElementwiseOptimizer {
  public let learningRate: Double
  public var alpha: Double
  public var epsilon: Double
  public var weightDecay: Double
  public var momentum: Double
  public var centered: Bool
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  public init(
    learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0,
    momentum: Double = 0, centered: Bool = false
  ) {
    self.learningRate = learningRate
    self.alpha = alpha
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.centered = centered
  }

  public var kind: String { "rmsprop" }
  public var summary: String {
    "rmsprop(lr=\(learningRate), alpha=\(alpha), eps=\(epsilon), weight_decay=\(weightDecay), momentum=\(momentum), centered=\(centered))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Double
  ) -> Tensor<Float> {
    // torch.optim.RMSprop's single-tensor code, each Python double rounded to float once by the kernel
    // it is passed to: square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha);
    // grad_avg.lerp_(grad, 1 - alpha); buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr)
    // or param.addcdiv_(grad, avg, value=-lr).
    let weight = Float(1 - alpha)
    let negativeRate = Float(-learningRate)
    let g = weightDecay != 0 ? gradient + parameter * Float(weightDecay) : gradient
    // addcmul computes value·g·g in that order: (value·g)·g.
    let squareAverage = stateTensor(&state, "square_avg", like: g) * Float(alpha) + g * weight * g
    state["square_avg"] = squareAverage
    var average: Tensor<Float>
    if centered {
      let gradAverage = lerp(stateTensor(&state, "grad_avg", like: g), g, weight)
      state["grad_avg"] = gradAverage
      average = (squareAverage - gradAverage * gradAverage).sqrt()
    } else {
      average = squareAverage.sqrt()
    }
    average = average + Float(epsilon)
    if momentum > 0 {
      let buffer = stateTensor(&state, "momentum_buffer", like: g) * Float(momentum) + g / average
      state["momentum_buffer"] = buffer
      return buffer * negativeRate
    }
    // addcdiv computes value·g/avg: the product first.
    return g * negativeRate / average
  }
}
