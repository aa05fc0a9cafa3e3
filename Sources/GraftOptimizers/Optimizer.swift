import GraftEngine

/// An optimizer: from gradients to updates Δ (the new parameter is p + Δ), with state it owns.
///
/// The state is PyTorch-shaped: one dictionary of named tensors per parameter (`exp_avg`,
/// `momentum_buffer`, ...), which is what checkpoints save. `groups` tell optimizers that normalize or
/// graft which tensors form one vector; element-wise optimizers use them only for learning-rate scales.
///
/// Hyperparameters (learning rate, betas, α, ε, momentum, weight decay) are `Double`s, as PyTorch holds
/// them (Python floats): the constants derived from them (1 − β, bias corrections, lr/(1 − β1ᵗ)) are
/// computed in double precision from the value the user gave and rounded to `Float` once, where
/// PyTorch's float kernels round them. A `Float` β2 = 0.999 alone moves Adam's second moment by about
/// 1e-5 relative from PyTorch's (1.7e-4 at β2 = 0.9999).
public protocol Optimizer {
  /// The learning rate the optimizer was made with. Each step is given its own (a schedule's), so this
  /// is only the rate `advance(gradients:parameters:groups:)` steps at.
  var learningRate: Double { get }
  /// Steps taken so far.
  var step: Int { get set }
  /// Per-parameter state, in parameter order; empty before the first step.
  var state: [[String: Tensor<Float>]] { get set }
  /// A short description with the settings, for logs and config files.
  var summary: String { get }
  /// What kind of optimizer this is, without its settings: "sgd", "adam", "rmsprop", "nsgd", or
  /// "graft:M:D" for a grafted one. Checkpoints record it, so that a run is not resumed with another
  /// optimizer (whose state would be missing or be read as something else).
  var kind: String { get }
  /// One step at `learningRate`: the update for every parameter given its gradient, with the
  /// optimizer's own per-group components (none for most); advances the state by one step.
  mutating func advance(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup], learningRate: Double
  ) -> OptimizerStep
}

extension Optimizer {
  /// One step at the optimizer's own learning rate.
  public mutating func advance(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup]
  ) -> OptimizerStep {
    advance(gradients: gradients, parameters: parameters, groups: groups, learningRate: learningRate)
  }

  /// The update for every parameter given its gradient (`advance` without the components), at
  /// `learningRate` (the optimizer's own when nil); advances the state by one step.
  public mutating func updates(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup], learningRate: Double? = nil
  ) -> [Tensor<Float>] {
    advance(
      gradients: gradients, parameters: parameters, groups: groups, learningRate: learningRate ?? self.learningRate
    ).updates
  }
}

/// An optimizer whose update of each tensor depends only on that tensor's gradient and state (SGD,
/// Adam, RMSprop): it implements `update(gradient:parameter:state:step:learningRate:)` and gets the rest.
public protocol ElementwiseOptimizer: Optimizer {
  /// The update of one tensor at 1-based step `step`, changing its `state`. `learningRate` is the
  /// scheduled rate times the group's scale, still in double precision.
  func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Double
  ) -> Tensor<Float>
}

extension ElementwiseOptimizer {
  public mutating func advance(
    gradients: [Tensor<Float>], parameters: [Tensor<Float>], groups: [ParameterGroup], learningRate: Double
  ) -> OptimizerStep {
    precondition(
      gradients.count == parameters.count, "updates: \(gradients.count) gradients for \(parameters.count) parameters")
    if state.count != parameters.count { state = Array(repeating: [:], count: parameters.count) }
    step += 1
    let scales = learningRateScales(groups, count: parameters.count)
    let updates = withoutGradients {
      parameters.indices.map { i in
        update(
          gradient: gradients[i], parameter: parameters[i], state: &state[i], step: step,
          learningRate: learningRate * scales[i])
      }
    }
    return OptimizerStep(updates: updates)
  }
}

/// Each parameter's learning-rate scale from its group (1 for parameters in no group).
func learningRateScales(_ groups: [ParameterGroup], count: Int) -> [Double] {
  var scales = [Double](repeating: 1, count: count)
  for g in groups { for i in g.indices { scales[i] = g.learningRateScale } }
  return scales
}

/// Reads a state tensor, creating it as zeros shaped like `like` on first use.
func stateTensor(_ state: inout [String: Tensor<Float>], _ key: String, like: Tensor<Float>) -> Tensor<Float> {
  if let t = state[key] { return t }
  let zeros = Tensor<Float>(zerosLike: like)
  state[key] = zeros
  return zeros
}

/// PyTorch's `lerp(start, end, weight)`, with its two formulas so the float results agree. `weight` is
/// already rounded to `Float`, as ATen rounds a scalar argument (and then computes 1 − weight in float).
func lerp(_ start: Tensor<Float>, _ end: Tensor<Float>, _ weight: Float) -> Tensor<Float> {
  weight < 0.5 ? start + (end - start) * weight : end - (end - start) * (1 - weight)
}
