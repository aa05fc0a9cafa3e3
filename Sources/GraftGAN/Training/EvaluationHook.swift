import GraftRun
import GraftTensorBoard

/// Every `evaluateEvery` steps (when it is not 0): the run's metrics (mode coverage, recovered modes, or
/// an image evaluator's), as an `eval` line of metrics.jsonl and as `eval/<metric>` in TensorBoard.
struct EvaluationHook: TrainingHook {
  let tensorBoard: EventFileWriter?

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws {
    let every = trainer.config.evaluateEvery
    guard every > 0 && trainer.step % every == 0 else { return }
    let evaluation = try trainer.evaluation()
    try trainer.run.appendMetrics(.evaluation(step: trainer.step, evaluation))
    try tensorBoard?.addScalars(evaluation.tensorBoardScalars.map { ($0.tag, Float($0.value)) }, step: trainer.step)
  }
}
