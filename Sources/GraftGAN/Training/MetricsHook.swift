import GraftOptimizers
import GraftRun
import GraftTensorBoard

/// Every `logEvery` steps (and at the last): the weights checked for NaN and infinity, a line of
/// metrics.jsonl (losses, learning rates, per-group gradient and update norms of both players, and what
/// each optimizer reports of its own), the same numbers in TensorBoard.
struct MetricsHook: TrainingHook {
  let tensorBoard: EventFileWriter?

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws {
    guard trainer.step % trainer.config.logEvery == 0 || trainer.step == trainer.config.steps else { return }
    try trainer.checkParametersFinite()
    let line = Self.line(trainer, result, elapsed: elapsed)
    try trainer.run.appendMetrics(line)
    try tensorBoard?.addScalars(trainer.tensorBoardScalars(line), step: trainer.step)
  }

  /// The metrics.jsonl line of the step just taken.
  static func line(_ trainer: Trainer, _ r: Trainer.IterationResult, elapsed: Double) -> [String: Any] {
    func perGroup(_ names: [String], _ values: [Float]) -> [String: Float] {
      Dictionary(uniqueKeysWithValues: zip(names, values))
    }
    var line: [String: Any] = [
      "step": trainer.step, "loss_d": r.discriminatorLoss, "loss_g": r.generatorLoss, "time": elapsed,
      "lr_g": trainer.generatorOptimizer.learningRate, "lr_d": trainer.discriminatorOptimizer.learningRate,
    ]
    for (player, d) in [("g", r.generator), ("d", r.discriminator)] {
      line["\(player)_grad_norm"] = perGroup(d.groups, d.gradientNorms)
      line["\(player)_update_norm"] = perGroup(d.groups, d.updateNorms)
      // What the optimizer reports of its own: a grafted one's g_magnitude_norm and g_direction_norm.
      for c in d.components { line["\(player)_\(c.name)_norm"] = perGroup(d.groups, c.norms) }
    }
    return line
  }
}
