extension Optimizer {
  /// What kind of optimizer this is, without its settings: "sgd", "adam", "rmsprop", "nsgd", or
  /// "graft:M:D" for a grafted one. Checkpoints record it, so that a run is not resumed with another
  /// optimizer (whose state would be missing or be read as something else).
  public var kind: String {
    if let grafted = self as? GraftedOptimizer {
      return "graft:\(grafted.magnitude.kind):\(grafted.direction.kind)"
    }
    // Every summary is "name(settings)".
    return String(summary.prefix { $0 != "(" })
  }
}
