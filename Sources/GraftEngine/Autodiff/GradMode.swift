/// Whether ops record the autodiff graph. On by default; off inside `withoutGradients`, and inside a
/// backward pass unless it was asked to create a graph.
public enum GradMode {
  @TaskLocal public static var isEnabled: Bool = true
}

/// Runs `body` without recording the autodiff graph (PyTorch's `torch.no_grad()`): for inference and
/// optimizer updates.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$isEnabled.withValue(false, operation: body)
}
