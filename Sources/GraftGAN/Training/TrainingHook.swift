/// One of the things `Trainer.train` does after each step besides playing the game: a metrics line, an
/// evaluation, a picture, a checkpoint, the progress line. Each decides for itself at which steps it acts; `train` calls
/// them in a fixed order (metrics, evaluation, samples, checkpoint, progress), so that the files of a run are
/// written in the same order every time.
protocol TrainingHook {
  /// After the trainer has taken step `trainer.step`, whose result is `result`, `elapsed` seconds into
  /// this `train` call.
  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws
  /// When the `train` call ends: finished, stopped, interrupted or failed.
  func trainingEnded()
}

extension TrainingHook {
  func trainingEnded() {}
}
