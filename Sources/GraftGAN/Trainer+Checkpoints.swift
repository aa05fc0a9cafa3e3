import Foundation
import GraftData
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun

/// What a checkpoint holds of a run (players, EMA, optimizers, random streams, data position, step), saved
/// and restored; and the metrics log kept in step with it.
extension Trainer {
  fileprivate var generatorNames: [String] { players.generator.parameterNames }
  fileprivate var discriminatorNames: [String] { players.discriminator.parameterNames }

  /// Saves latest.safetensors and, with `stepFile` and `keepCheckpoints` > 0, step-NNNNNN.safetensors.
  func saveCheckpoint(stepFile: Bool = true) throws {
    var file = Checkpoint(metadata: ["format": "pt"])
    file.setInt(step, forKey: "graft.step")
    // The last step's losses, for the summary of a run resumed at its end (NaN before the first step).
    file.metadata["graft.loss.discriminator"] = "\(lastLosses.discriminator)"
    file.metadata["graft.loss.generator"] = "\(lastLosses.generator)"
    file.store(players.generator, prefix: "generator")
    file.store(players.discriminator, prefix: "discriminator")
    if let ema { file.store(ema, prefix: "ema") }
    file.store(generatorOptimizer, parameterNames: generatorNames, prefix: "optimizer.generator")
    file.store(discriminatorOptimizer, parameterNames: discriminatorNames, prefix: "optimizer.discriminator")
    file.setGenerator(latentGenerator, forKey: "graft.rng.latent")
    file.setGenerator(penaltyGenerator, forKey: "graft.rng.penalty")
    file.metadata["graft.data"] = data.savedState
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

  func restore(from file: Checkpoint) throws {
    try checkOptimizers(of: file)
    try checkNoExtraTensors(in: file)
    try file.restore(&players.generator, prefix: "generator")
    try file.restore(&players.discriminator, prefix: "discriminator")
    if ema != nil {
      var average = players.generator
      // The EMA copy shares batch-norm buffers with the generator; only its parameters are its own.
      average.setParameters(
        try players.generator.parameterPaths.map { path in
          try file.tensor("ema." + path.name, shape: players.generator[keyPath: path.keyPath].shape)
        })
      ema = average
    }
    try file.restore(&generatorOptimizer, of: players.generator, prefix: "optimizer.generator")
    try file.restore(&discriminatorOptimizer, of: players.discriminator, prefix: "optimizer.discriminator")
    latentGenerator = try file.generator(forKey: "graft.rng.latent")
    penaltyGenerator = try file.generator(forKey: "graft.rng.penalty")
    guard let dataState = file.metadata["graft.data"] else {
      throw GraftIOError.missingMetadata(file: file.source, key: "graft.data", available: file.metadata.keys.sorted())
    }
    try data.restore(dataState)
    step = try file.int(forKey: "graft.step")
    guard step >= 0 else {
      throw TrainingError(
        message: "\(file.source) is corrupt: its step is \(step), which no run reaches; use another copy of it "
          + "(a checkpoints/step-N file of the run)")
    }
    // Checkpoints written before the losses were saved in them leave NaN: the summary then reads metrics.
    lastLosses = (
      file.metadata["graft.loss.discriminator"].flatMap(Float.init) ?? .nan,
      file.metadata["graft.loss.generator"].flatMap(Float.init) ?? .nan
    )
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
