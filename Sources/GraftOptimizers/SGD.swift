import GraftEngine

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay,
/// exactly as `torch.optim.SGD`. As a GAN optimizer this is the paper's SGDA (each player descends its
/// own loss). The hyperparameters are doubles, as in PyTorch; 1 − dampening is computed in double
/// precision (see `Optimizer`).
public struct SGD: ElementwiseOptimizer {
  public let learningRate: Double
  public var momentum: Double
  public var dampening: Double
  public var nesterov: Bool
  public var weightDecay: Double
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  public init(
    learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
    weightDecay: Double = 0
  ) {
    precondition(
      !nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public var kind: String { "sgd" }
  public var summary: String {
    "sgd(lr=\(learningRate), momentum=\(momentum), dampening=\(dampening), nesterov=\(nesterov), weight_decay=\(weightDecay))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Double
  ) -> Tensor<Float> {
    // torch.optim.SGD's single-tensor code, each Python double rounded to float once by the kernel it is
    // passed to: buf.mul_(momentum).add_(grad, alpha=1 - dampening); grad.add(buf, alpha=momentum);
    // param.add_(grad, alpha=-lr).
    var d = weightDecay != 0 ? gradient + parameter * Float(weightDecay) : gradient
    if momentum != 0 {
      let mu = Float(momentum)
      let buffer: Tensor<Float>
      if let previous = state["momentum_buffer"] {
        buffer = previous * mu + d * Float(1 - dampening)
      } else {
        buffer = d
      }
      state["momentum_buffer"] = buffer
      d = nesterov ? d + buffer * mu : buffer
    }
    return d * Float(-learningRate)
  }
}
