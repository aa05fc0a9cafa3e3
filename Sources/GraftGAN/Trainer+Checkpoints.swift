import Foundation
import GraftData
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun

/// The run's state saved in its checkpoints and restored from one (see `TrainingState.store`), and the
/// metrics log kept in step with it.
extension Trainer {
  /// Saves latest.safetensors and, with `stepFile` and `keepCheckpoints` > 0, step-NNNNNN.safetensors.
  func saveCheckpoint(stepFile: Bool = true) throws {
    var file = Checkpoint(metadata: ["format": "pt"])
    game.state.store(in: &file)
    recordOptimizers(in: &file)
    // Only finite weights and state are ever checkpointed: a checkpoint is the last good state.
    if let tensor = file.firstNonFiniteTensor {
      throw stopped("tensor \(tensor) is no longer finite. It was not written", atStep: step)
    }
    try file.save(to: run.latestCheckpoint)
    if stepFile && config.keepCheckpoints > 0 {
      try file.save(to: run.checkpoint(step: step))
      for old in run.stepCheckpoints().dropLast(config.keepCheckpoints) { try? FileManager.default.removeItem(at: old) }
    }
  }

  /// A checkpoint with a player's tensor that the model lacks comes from another model (before this version,
  /// a DCGAN convolution that feeds batch norm had a bias): refused, rather than loaded without it.
  private func checkNoExtraTensors(in file: Checkpoint) throws {
    for (prefix, model) in [("generator", players.generator), ("discriminator", players.discriminator)] {
      let known = Set((model.parameterPaths.map(\.name) + model.bufferPaths.map(\.name)).map { prefix + "." + $0 })
      if let extra = file.names.first(where: { $0.hasPrefix(prefix + ".") && !known.contains($0) }) {
        throw TrainingError(
          message: "\(file.source): the checkpoint has tensor '\(extra)' that the model does not; it was written "
            + "by a different model (DCGAN checkpoints from before its convolutions feeding batch norm lost their "
            + "bias do not load: train again)")
      }
    }
  }

  /// Restores the run's state from `file`, refusing one saved with other optimizers or by another model.
  func restore(from file: Checkpoint) throws {
    try checkOptimizers(of: file)
    try checkNoExtraTensors(in: file)
    try game.state.restore(from: file)
  }

  /// The losses metrics.jsonl logged for `step`, if it did.
  func loggedLosses(atStep step: Int) -> (discriminator: Float, generator: Float)? {
    guard let text = try? String(contentsOf: run.metrics, encoding: .utf8) else { return nil }
    for case .training(let line) in MetricsLine.lines(of: text).lines.reversed() where line.step == step {
      return (Float(line.discriminatorLoss), Float(line.generatorLoss))
    }
    return nil
  }

  /// Drops metrics lines logged after `step` by an interrupted run, so a resumed run does not repeat them.
  func truncateMetrics(after step: Int) throws {
    guard let text = try? String(contentsOf: run.metrics, encoding: .utf8) else { return }
    let kept = text.split(separator: "\n").filter { line in (try? MetricsLine(line.utf8))?.step ?? .max <= step }
    try AtomicFile.write(Data((kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).utf8), to: run.metrics)
  }
}
