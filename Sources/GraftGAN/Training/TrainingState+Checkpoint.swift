import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun

/// The state in a checkpoint's tensors and metadata, as PyTorch-style names: `generator.*`,
/// `discriminator.*`, `ema.*`, `optimizer.<player>.*`, and `graft.step`, `graft.loss.*`, `graft.rng.*`,
/// `graft.data`.
extension TrainingState {
  /// Writes the whole state into `file`.
  func store(in file: inout Checkpoint) {
    file.setInt(step, forKey: "graft.step")
    // The last step's losses, for the summary of a run resumed at its end (NaN before the first step).
    file.metadata["graft.loss.discriminator"] = "\(lastLosses.discriminator)"
    file.metadata["graft.loss.generator"] = "\(lastLosses.generator)"
    file.store(players.generator, prefix: "generator")
    file.store(players.discriminator, prefix: "discriminator")
    if let ema { file.store(ema, prefix: "ema") }
    file.store(
      generatorOptimizer.optimizer, parameterNames: players.generator.parameterNames, prefix: "optimizer.generator")
    file.store(
      discriminatorOptimizer.optimizer, parameterNames: players.discriminator.parameterNames,
      prefix: "optimizer.discriminator")
    file.setGenerator(latentGenerator, forKey: "graft.rng.latent")
    file.setGenerator(penaltyGenerator, forKey: "graft.rng.penalty")
    file.metadata["graft.data"] = data.savedState
  }

  /// Reads the whole state from `file`, refusing a tensor of another shape, a missing key or a negative
  /// step.
  mutating func restore(from file: Checkpoint) throws {
    try file.restore(&players.generator, prefix: "generator")
    try file.restore(&players.discriminator, prefix: "discriminator")
    if ema != nil {
      var average = players.generator
      // The EMA copy shares batch-norm buffers with the generator; only its parameters are its own.
      let generator = players.generator
      average.setParameters(
        try generator.parameterPaths.map { path in
          try file.tensor("ema." + path.name, shape: generator[keyPath: path.keyPath].shape)
        })
      ema = average
    }
    try file.restore(&generatorOptimizer.optimizer, of: players.generator, prefix: "optimizer.generator")
    try file.restore(&discriminatorOptimizer.optimizer, of: players.discriminator, prefix: "optimizer.discriminator")
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
}
