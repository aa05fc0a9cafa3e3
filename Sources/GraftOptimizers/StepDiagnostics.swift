import GraftEngine
import GraftLayers

/// What one optimizer step did, per parameter group: the quantities the paper's magnitude experiments
/// are built on.
public struct StepDiagnostics: Sendable, Equatable {
  /// Group names, in order.
  public var groups: [String]
  /// ‖g_k‖ for each group.
  public var gradientNorms: [Float]
  /// ‖Δ_k‖ of the applied step for each group.
  public var updateNorms: [Float]
  /// The optimizer's own per-group components, as its step reported them: a grafted optimizer's
  /// ‖Δᴹ_k‖ (`magnitude`) and ‖Δᴰ_k‖ (`direction`); empty for most optimizers.
  public var components: [StepComponent]
}

extension Optimizer {
  /// One step on `model` at `learningRate` (the optimizer's own when nil): every parameter p becomes
  /// p + Δ. `gradients` are in `parameterPaths` order (as `valueWithGradient` returns them). Returns
  /// per-group diagnostics, with the components the optimizer reported for this step.
  @discardableResult
  public mutating func update<M: Layer>(
    _ model: inout M, along gradients: [Tensor<Float>], grouping: Grouping = .perTensor,
    learningRateScales: [String: Double] = [:], learningRate: Double? = nil
  ) -> StepDiagnostics {
    let names = model.parameterNames
    precondition(
      gradients.count == names.count, "update: \(gradients.count) gradients for the model's \(names.count) parameters")
    let groups = grouping.groups(for: names, learningRateScales: learningRateScales)
    let parameters = model.parameters
    let taken = advance(
      gradients: gradients, parameters: parameters, groups: groups, learningRate: learningRate ?? self.learningRate)
    let deltas = taken.updates
    let updated = withoutGradients {
      parameters.indices.map { i in
        precondition(
          deltas[i].shape == parameters[i].shape,
          "update: the optimizer's step for \(names[i]) has shape \(deltas[i].shape), not \(parameters[i].shape)")
        return (parameters[i] + deltas[i]).detached()
      }
    }
    model.setParameters(updated)
    return StepDiagnostics(
      groups: groups.map(\.name),
      gradientNorms: groups.map { g in groupNorm(g.indices.map { gradients[$0] }) },
      updateNorms: groups.map { g in groupNorm(g.indices.map { deltas[$0] }) },
      components: taken.components)
  }
}
