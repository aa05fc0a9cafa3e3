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
    try trainer.run.appendMetrics(.training(line))
    try tensorBoard?.addScalars(trainer.tensorBoardScalars(line), step: trainer.step)
  }

  /// The metrics.jsonl line of the step just taken.
  static func line(_ trainer: Trainer, _ r: Trainer.IterationResult, elapsed: Double) -> TrainingMetrics {
    func perGroup(_ names: [String], _ values: [Float]) -> [String: Double] {
      Dictionary(uniqueKeysWithValues: zip(names, values.map(Double.init)))
    }
    func player(_ d: StepDiagnostics) -> PlayerMetrics {
      var norms: [NormKind: [String: Double]] = [
        .gradient: perGroup(d.groups, d.gradientNorms), .update: perGroup(d.groups, d.updateNorms),
      ]
      // What the optimizer reports of its own: a grafted one's magnitude and direction norms.
      for c in d.components { norms[.component(c.name)] = perGroup(d.groups, c.norms) }
      return PlayerMetrics(norms: norms)
    }
    return TrainingMetrics(
      step: trainer.step, discriminatorLoss: Double(r.discriminatorLoss), generatorLoss: Double(r.generatorLoss),
      seconds: elapsed, generatorLearningRate: r.learningRates.generator,
      discriminatorLearningRate: r.learningRates.discriminator, generator: player(r.generator),
      discriminator: player(r.discriminator))
  }
}
