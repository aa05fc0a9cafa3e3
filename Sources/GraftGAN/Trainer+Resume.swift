import Foundation
import GraftOptimizers
import GraftRun

/// A run taken up again from its directory: resumed (holding its lock, from its latest checkpoint) or
/// only loaded (for sampling and evaluation).
extension Trainer {
  /// Continues the run in `directory` from its latest checkpoint, with its saved config, holding the
  /// run's lock (`RunLockedError` when another process writes it). A run with a config.json and no
  /// checkpoint (it stopped before its first) starts again from step 0. `steps` changes the run's
  /// length: more than it has trained extends a finished run; a learning-rate schedule that spanned the
  /// run spans the new length (so the rate goes on from where a run of that length would be); config.json
  /// is rewritten and the old summary.json removed.
  public static func resume(_ directory: URL, steps: Int? = nil) throws -> Trainer {
    let run = RunDirectory(directory)
    // Read before locking: `acquire` would create a directory that is not there.
    let saved = try savedConfig(run)
    let lock = try RunLock.acquire(directory)
    var config = saved.config
    if let steps {
      // A schedule that spanned the run (a total of 0, or the run's steps as a prepared config.json
      // spells it) spans the new length: a cosine decay that had reached 0 would otherwise train no more.
      if config.schedule.totalSteps == config.steps { config.schedule.totalSteps = 0 }
      config.steps = steps
    }
    let trainer = try Trainer(config: config, directory: directory)
    trainer.runLock = lock
    if FileManager.default.fileExists(atPath: run.latestCheckpoint.path) {
      try trainer.restore(from: try run.loadCheckpoint(run.latestCheckpoint))
    } else if let kept = run.stepCheckpoints().last {
      // Starting again from step 0 would overwrite the steps these hold.
      throw TrainingError(
        message: "cannot resume \(directory.path): \(run.latestCheckpoint.path) is missing but \(kept.path) is "
          + "there; copy it to latest.safetensors to resume from it")
    }
    if steps == nil && trainer.step > config.steps {
      throw TrainingError(
        message: "cannot resume \(directory.path): its checkpoint is at step \(trainer.step) but config.json says "
          + "the run has \(config.steps) steps (one of them was edited or copied from another run); to train it "
          + "further, give --steps M with M > \(trainer.step)")
    }
    if let steps, steps != saved.config.steps {
      guard steps >= trainer.step else {
        throw TrainingError(
          message: "\(directory.path) has trained \(trainer.step) steps; --steps \(steps) is fewer: give more than "
            + "\(trainer.step) to extend it")
      }
      try run.writeJSON(SavedConfig(config: config, provenance: saved.provenance), to: run.config)
      if steps > trainer.step { try? FileManager.default.removeItem(at: run.summary) }
    }
    try trainer.truncateMetrics(after: trainer.step)
    return trainer
  }

  /// The run in `directory` as of its latest checkpoint (or `checkpoint`), without touching its files.
  public static func load(_ directory: URL, checkpoint: URL? = nil) throws -> Trainer {
    let run = RunDirectory(directory)
    let trainer = try Trainer(config: try savedConfig(run).config, directory: directory)
    let file = checkpoint ?? run.latestCheckpoint
    guard FileManager.default.fileExists(atPath: file.path) else {
      throw TrainingError(message: "cannot load the run: \(file.path) does not exist (no checkpoint was written yet)")
    }
    try trainer.restore(from: try run.loadCheckpoint(file))
    return trainer
  }

  fileprivate static func savedConfig(_ run: RunDirectory) throws -> SavedConfig {
    guard let saved = try run.readSavedConfig() else {
      throw TrainingError(
        message: "cannot load the run: \(run.config.path) is missing (is \(run.url.path) a Graft run directory?)")
    }
    return saved
  }
}
