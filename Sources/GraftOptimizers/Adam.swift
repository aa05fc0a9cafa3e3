import Foundation

/// Adam (Kingma & Ba), exactly as `torch.optim.Adam`: ε is added after the bias correction of the
/// second moment, weight decay is L2 added to the gradient, AMSGrad optional.
///
///     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
///     Δ = −lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε)
public struct Adam: ElementwiseOptimizer {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  public var weightDecay: Float
  public var amsgrad: Bool
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  /// Defaults are PyTorch's; GANs commonly use β1 = 0.5 and β2 = 0.999 or 0.9.
  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0, amsgrad: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
  }

  public var summary: String {
    "adam(lr=\(learningRate), betas=(\(beta1), \(beta2)), eps=\(epsilon), weight_decay=\(weightDecay), amsgrad=\(amsgrad))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Float
  ) -> Tensor<Float> {
    let g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient
    let m = lerp(stateTensor(&state, "exp_avg", like: g), g, 1 - beta1)
    let v = stateTensor(&state, "exp_avg_sq", like: g) * beta2 + g * g * (1 - beta2)
    state["exp_avg"] = m
    state["exp_avg_sq"] = v
    // PyTorch computes the bias corrections in double precision.
    let correction1 = 1 - Foundation.pow(Double(beta1), Double(step))
    let correction2Root = (1 - Foundation.pow(Double(beta2), Double(step))).squareRoot()
    let stepSize = Float(Double(learningRate) / correction1)
    var second = v
    if amsgrad {
      second = maximum(stateTensor(&state, "max_exp_avg_sq", like: g), v)
      state["max_exp_avg_sq"] = second
    }
    let denominator = second.sqrt() / Float(correction2Root) + epsilon
    return m / denominator * -stepSize
  }
}
