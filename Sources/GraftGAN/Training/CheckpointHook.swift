import GraftRun

/// Every `checkpointEvery` steps, at the last step and at the step a `train` call stops at: the
/// checkpoint. Remembers whether the step just taken was checkpointed, so that a stop request saves one
/// only when it was not.
final class CheckpointHook: TrainingHook {
  /// The step this `train` call stops at.
  let target: Int
  /// Whether the latest step taken is checkpointed (a run's first step is taken from a saved state).
  private(set) var checkpointed = true

  init(target: Int) { self.target = target }

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws {
    let step = trainer.step
    checkpointed = step % trainer.config.checkpointEvery == 0 || step == trainer.config.steps || step == target
    if checkpointed { try trainer.saveCheckpoint() }
  }
}
