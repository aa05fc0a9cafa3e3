/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay,
/// exactly as `torch.optim.SGD`. As a GAN optimizer this is the paper's SGDA (each player descends its
/// own loss).
public struct SGD: ElementwiseOptimizer {
  public var learningRate: Float
  public var momentum: Float
  public var dampening: Float
  public var nesterov: Bool
  public var weightDecay: Float
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  public init(
    learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0
  ) {
    precondition(
      !nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
  }

  public var summary: String {
    "sgd(lr=\(learningRate), momentum=\(momentum), dampening=\(dampening), nesterov=\(nesterov), weight_decay=\(weightDecay))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Float
  ) -> Tensor<Float> {
    var d = weightDecay != 0 ? gradient + parameter * weightDecay : gradient
    if momentum != 0 {
      let buffer: Tensor<Float>
      if let previous = state["momentum_buffer"] {
        buffer = previous * momentum + d * (1 - dampening)
      } else {
        buffer = d
      }
      state["momentum_buffer"] = buffer
      d = nesterov ? d + buffer * momentum : buffer
    }
    return d * -learningRate
  }
}
