import GraftRun

/// Every `checkpointEvery` steps, at the last step and at the step a `train` call stops at: the
/// checkpoint.
struct CheckpointHook: TrainingHook {
  /// The step this `train` call stops at.
  let target: Int

  /// Whether this hook saves the state after `step`.
  func saves(afterStep step: Int, _ config: TrainingConfig) -> Bool {
    step % config.checkpointEvery == 0 || step == config.steps || step == target
  }

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws {
    if saves(afterStep: trainer.step, trainer.config) { try trainer.saveCheckpoint() }
  }
}
