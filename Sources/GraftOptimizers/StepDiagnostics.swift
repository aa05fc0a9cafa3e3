/// What one optimizer step did, per parameter group: the quantities the paper's magnitude experiments
/// are built on.
public struct StepDiagnostics: Sendable, Equatable {
  /// Group names, in order.
  public var groups: [String]
  /// ‖g_k‖ for each group.
  public var gradientNorms: [Float]
  /// ‖Δ_k‖ of the applied step for each group.
  public var updateNorms: [Float]
  /// For a grafted optimizer, ‖Δᴹ_k‖ (the magnitude optimizer's step) for each group.
  public var magnitudeNorms: [Float]?
  /// For a grafted optimizer, ‖Δᴰ_k‖ (the direction optimizer's step) for each group.
  public var directionNorms: [Float]?
}

extension Optimizer {
  /// One step on `model`: every parameter p becomes p + Δ. `gradients` are in `parameterPaths` order
  /// (as `valueWithGradient` returns them). Returns per-group diagnostics.
  @discardableResult
  public mutating func update<M: Layer>(
    _ model: inout M, along gradients: [Tensor<Float>], grouping: Grouping = .perTensor,
    learningRateScales: [String: Float] = [:]
  ) -> StepDiagnostics {
    let paths = model.parameterPaths
    precondition(
      gradients.count == paths.count, "update: \(gradients.count) gradients for the model's \(paths.count) parameters")
    let groups = grouping.groups(for: paths.map(\.name), learningRateScales: learningRateScales)
    let parameters = paths.map { model[keyPath: $0.keyPath] }
    let deltas = updates(gradients: gradients, parameters: parameters, groups: groups)
    withoutGradients {
      for (i, path) in paths.enumerated() {
        precondition(
          deltas[i].shape == parameters[i].shape,
          "update: the optimizer's step for \(path.name) has shape \(deltas[i].shape), not \(parameters[i].shape)")
        model[keyPath: path.keyPath] = (parameters[i] + deltas[i]).detached()
      }
    }
    let grafted = self as? GraftedOptimizer
    return StepDiagnostics(
      groups: groups.map(\.name),
      gradientNorms: groups.map { g in groupNorm(g.indices.map { gradients[$0] }) },
      updateNorms: groups.map { g in groupNorm(g.indices.map { deltas[$0] }) },
      magnitudeNorms: grafted?.lastMagnitudeNorms,
      directionNorms: grafted?.lastDirectionNorms)
  }
}
