import GraftEngine

/// What one optimizer step produced: every parameter's update and, for an optimizer whose step is made
/// of parts, each part's norm per parameter group. The parts come back with the step (rather than being
/// kept as state to read afterwards) so that they always describe the step they came with.
public struct OptimizerStep {
  /// Δ for every parameter, in parameter order: the new parameter is p + Δ.
  public var updates: [Tensor<Float>]
  /// The optimizer's own per-group quantities, e.g. a grafted optimizer's ‖Δᴹ_k‖ and ‖Δᴰ_k‖; empty for
  /// an optimizer whose step has no parts (SGD, Adam, RMSprop, nSGD).
  public var components: [StepComponent]

  public init(updates: [Tensor<Float>], components: [StepComponent] = []) {
    self.updates = updates
    self.components = components
  }
}

/// One named part of an optimizer's step, measured per parameter group: a grafted optimizer's
/// `magnitude` and `direction`. A nested optimizer's parts carry its name as a prefix, as its state keys
/// do (`magnitude.direction`).
public struct StepComponent: Sendable, Equatable {
  /// The part's name; the trainer logs it as `g_<name>_norm` and `d_<name>_norm`.
  public var name: String
  /// The part's norm for each group, in group order.
  public var norms: [Float]

  public init(name: String, norms: [Float]) {
    self.name = name
    self.norms = norms
  }

  /// The same part with `prefix` and a dot before its name, as the optimizer containing it reports it.
  func prefixed(_ prefix: String) -> StepComponent {
    StepComponent(name: prefix + "." + name, norms: norms)
  }
}
