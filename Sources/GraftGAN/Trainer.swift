import Foundation
import GraftData
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun
import GraftTensorBoard

/// Trains a GAN as its config says, writing the run directory as it goes; resumes exactly from the
/// latest checkpoint.
public final class Trainer {
  public let config: TrainingConfig
  public let run: RunDirectory
  public internal(set) var players: Players
  public private(set) var ema: AnyLayer?
  public private(set) var step = 0
  public private(set) var lastLosses: (discriminator: Float, generator: Float) = (.nan, .nan)

  var generatorOptimizer: any Optimizer
  var discriminatorOptimizer: any Optimizer
  let generatorGrouping: Grouping
  let discriminatorGrouping: Grouping
  /// Learning-rate scales by group name, from the config's layer scales.
  let generatorScales: [String: Double]
  let discriminatorScales: [String: Double]
  var data: any RealDataSource
  public let reference: DataReference
  let latent: LatentSampler
  var latentGenerator: RandomGenerator
  var penaltyGenerator: RandomGenerator
  let fixedLatents: Tensor<Float>
  let evaluationSeed: UInt64
  /// Metrics of generated images (FID, class coverage, ...), JSON-encoded: set by programs that have an
  /// image evaluator (GraftEval), used by `evaluateEvery` and `evaluationJSON()` for image runs.
  public var imageEvaluator: ((Tensor<Float>) throws -> Data)?
  /// Asked before every step: when it says true (e.g. `Interruption.received != nil`), `train` saves a
  /// checkpoint and returns a summary with status "interrupted".
  public var stopRequested: () -> Bool = { false }
  /// The lock on the run directory: given by a caller that took it before looking at the directory
  /// (`graft train`), taken by `resume`, otherwise by `train` for as long as it writes.
  public var runLock: RunLock?

  /// A new run in `directory` (created; an existing config.json there is an error: use `resume`).
  ///
  /// `realData` replaces the config's data set (benchmarks feed random stand-in images this way).
  public init(
    config: TrainingConfig, directory: URL, realData: (source: any RealDataSource, reference: DataReference)? = nil
  ) throws {
    try config.validate()
    try MemoryEstimate.check(config)
    self.config = config
    run = RunDirectory(directory)
    // One stream per use, all from the seed, so that e.g. the penalty's draws never shift the data's.
    var root = RandomGenerator(seed: config.seed)
    var initGenerator = root.split()
    let dataGenerator = root.split()
    latentGenerator = root.split()
    penaltyGenerator = root.split()
    var fixedGenerator = root.split()
    evaluationSeed = root.next()

    (data, reference) = try realData ?? makeRealData(config, generator: dataGenerator)
    players = Players(config, channels: data.channels, rng: &initGenerator)
    ema = config.emaDecay == nil ? nil : players.generator
    latent = LatentSampler(config)
    fixedLatents = latent.sample(reference.isImages ? 64 : 1000, generator: &fixedGenerator)
    (generatorOptimizer, generatorGrouping) = try Self.optimizer(
      config.generatorOptimizer, config.generatorSettings, config.generatorGrouping)
    (discriminatorOptimizer, discriminatorGrouping) = try Self.optimizer(
      config.discriminatorOptimizer, config.discriminatorSettings, config.discriminatorGrouping)
    generatorScales = try config.generatorLayerScales.groupScales(
      names: players.generator.parameterNames, grouping: generatorGrouping, player: "generator")
    discriminatorScales = try config.discriminatorLayerScales.groupScales(
      names: players.discriminator.parameterNames, grouping: discriminatorGrouping, player: "discriminator")
  }

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

  private static func savedConfig(_ run: RunDirectory) throws -> SavedConfig {
    guard let data = try? Data(contentsOf: run.config) else {
      throw TrainingError(
        message: "cannot load the run: \(run.config.path) is missing (is \(run.url.path) a Graft run directory?)")
    }
    return try JSONDecoder().decode(SavedConfig.self, from: data)
  }

  private static func optimizer(_ name: String, _ settings: OptimizerSettings, _ grouping: Grouping?) throws -> (
    any Optimizer, Grouping
  ) {
    let (optimizer, implied) = try OptimizerCatalog.make(name, settings)
    return (optimizer, grouping ?? implied)
  }

  // MARK: Training

  /// Trains until `config.steps` (or `stopAt`, for tests that simulate an interruption), logging
  /// through `log`, holding the run's lock. Throws `TrainingError` when a loss stops being finite; the
  /// latest checkpoint is then the last good one. A new run checkpoints its step 0 before its first
  /// step, so that a run is resumable from its first moment. When `stopRequested` says so, the step
  /// under way finishes, a checkpoint is saved and the summary says "interrupted".
  @discardableResult
  public func train(stopAt: Int? = nil, log: (String) -> Void = { print($0) }) throws -> TrainingSummary {
    let lock = try runLock ?? RunLock.acquire(run.url)
    runLock = lock
    defer { runLock = nil }
    let target = min(stopAt ?? config.steps, config.steps)
    if step == 0 {
      try run.create()
      try run.writeJSON(SavedConfig(config: config, provenance: .current), to: run.config)
      try saveCheckpoint(stepFile: false)
    }
    let tensorBoard = try openTensorBoard()
    let progress = ProgressLine(total: config.steps, startStep: step)
    let started = Date()
    let firstStep = step
    var checkpointed = true
    while step < target {
      if stopRequested() {
        if !checkpointed { try saveCheckpoint() }
        progress.finish()
        return try summary(
          status: .interrupted, seconds: Date().timeIntervalSince(started), steps: step - firstStep)
      }
      let multiplier = config.resolvedSchedule.multiplier(atStep: step)
      generatorOptimizer.learningRate = config.generatorSettings.learningRate * multiplier
      discriminatorOptimizer.learningRate = config.discriminatorSettings.learningRate * multiplier
      let result = try iterate()
      step += 1
      lastLosses = (result.discriminatorLoss, result.generatorLoss)
      updateEMA()
      let elapsed = Date().timeIntervalSince(started)
      if step % config.logEvery == 0 || step == config.steps {
        try checkParametersFinite()
        let line = metricsLine(result, elapsed: elapsed)
        try run.appendMetrics(line)
        try tensorBoard?.addScalars(tensorBoardScalars(line), step: step)
      }
      if config.evaluateEvery > 0 && step % config.evaluateEvery == 0 {
        let evaluation = try evaluationJSON()
        try run.appendMetrics(["step": step, "eval": evaluation])
        try tensorBoard?.addScalars(Self.evaluationScalars(evaluation), step: step)
      }
      if step % config.sampleEvery == 0 || step == config.steps {
        if let picture = try writeSamples() { try tensorBoard?.addImage(tag: "samples", png: picture, step: step) }
        if let tensorBoard, config.tensorboardHistograms { try logWeightHistograms(to: tensorBoard) }
      }
      checkpointed = step % config.checkpointEvery == 0 || step == config.steps || step == target
      if checkpointed { try saveCheckpoint() }
      progress.update(step: step, losses: lastLosses, log: log, force: step % config.logEvery == 0)
    }
    progress.finish()
    let seconds = Date().timeIntervalSince(started)
    let summary = try summary(
      status: step >= config.steps ? .finished : .stopped, seconds: seconds, steps: step - firstStep)
    if step >= config.steps { try run.writeJSON(summary, to: run.summary) }
    return summary
  }

  /// One training iteration (under the config's game rule) with nothing written and the step counter
  /// unchanged: what `graft bench` times. Returns the two losses.
  @discardableResult
  public func benchmarkIteration() throws -> (discriminator: Float, generator: Float) {
    let r = try iterate()
    return (r.discriminatorLoss, r.generatorLoss)
  }

  struct IterationResult {
    var discriminatorLoss: Float
    var generatorLoss: Float
    var discriminator: StepDiagnostics
    var generator: StepDiagnostics
  }

  /// One iteration of the game under the config's rule (`GameRuleName`): for the default, alternating,
  /// n_dis discriminator steps and then one generator step.
  func iterate() throws -> IterationResult {
    var game = GANGame(trainer: self)
    let r = try config.game.rule(discriminatorSteps: config.discriminatorSteps).play(&game)
    return IterationResult(
      discriminatorLoss: r.discriminatorLoss, generatorLoss: r.generatorLoss, discriminator: r.discriminator,
      generator: r.generator)
  }

  func checkFinite(_ value: Float, _ player: String) throws {
    guard value.isFinite else {
      throw stopped("the \(player) loss is \(value). Nothing was updated with it")
    }
  }

  /// A step whose gradient or update is not finite has left NaN or infinite weights. The loss alone
  /// does not show it: ReLU and the hinge loss map NaN to 0, so a run could go on (and checkpoint)
  /// with NaN weights and finite losses.
  func checkFinite(_ diagnostics: StepDiagnostics, _ player: String) throws {
    for (i, group) in diagnostics.groups.enumerated() {
      let (g, u) = (diagnostics.gradientNorms[i], diagnostics.updateNorms[i])
      guard g.isFinite && u.isFinite else {
        throw stopped(
          "the \(player)'s \(g.isFinite ? "update" : "gradient") for \(group) has norm \(g.isFinite ? u : g), "
            + "so its weights are no longer finite. They were not written")
      }
    }
  }

  /// A run stopped at `atStep` (by default the step being taken) by a non-finite value. Resuming it would
  /// replay the same step from the same checkpoint with the same saved config, so the advice is a new run,
  /// from this run's config, with a lower rate.
  func stopped(_ what: String, atStep: Int? = nil) -> TrainingError {
    let checkpoint =
      FileManager.default.fileExists(atPath: run.latestCheckpoint.path)
      ? "the last good checkpoint is \(run.latestCheckpoint.path) (for graft sample and evaluate)"
      : "no checkpoint had been written"
    return TrainingError(
      message: "training stopped at step \(atStep ?? step + 1): \(what); \(checkpoint). Resuming would repeat "
        + "this step; start a new run with a lower learning rate: graft train --config \(run.config.path) "
        + "--lr <lower> --out <new directory>")
  }

  private func updateEMA() {
    guard let decay = config.emaDecay, var average = ema else { return }
    let current = players.generator.parameters
    withoutGradients {
      average.setParameters(zip(average.parameters, current).map { $0 * decay + $1 * (1 - decay) })
    }
    ema = average
  }

  // MARK: Outputs

  private func metricsLine(_ r: IterationResult, elapsed: Double) -> [String: Any] {
    func perGroup(_ names: [String], _ values: [Float]) -> [String: Float] {
      Dictionary(uniqueKeysWithValues: zip(names, values))
    }
    var line: [String: Any] = [
      "step": step, "loss_d": r.discriminatorLoss, "loss_g": r.generatorLoss, "time": elapsed,
      "lr_g": generatorOptimizer.learningRate, "lr_d": discriminatorOptimizer.learningRate,
    ]
    for (player, d) in [("g", r.generator), ("d", r.discriminator)] {
      line["\(player)_grad_norm"] = perGroup(d.groups, d.gradientNorms)
      line["\(player)_update_norm"] = perGroup(d.groups, d.updateNorms)
      // What the optimizer reports of its own: a grafted one's g_magnitude_norm and g_direction_norm.
      for c in d.components { line["\(player)_\(c.name)_norm"] = perGroup(d.groups, c.norms) }
    }
    return line
  }

  /// The generator used for samples and evaluation: the EMA copy when there is one.
  public var sampler: AnyLayer { ema ?? players.generator }

  /// What a sample picture shows: the data and step, the samples and seed, the optimizers.
  var pictureTitle: [String] {
    func player(_ name: String, _ optimizer: String, _ rate: Double) -> String {
      "\(name) \(optimizer) lr \(String(format: "%g", rate))"
    }
    return [
      "\(config.dataset.rawValue), step \(step) of \(config.steps)",
      "\(fixedLatents.shape[0]) samples from fixed latents\(ema == nil ? "" : " (EMA)") · seed \(config.seed)",
      player("G", config.generatorOptimizer, config.generatorSettings.learningRate) + " · "
        + player("D", config.discriminatorOptimizer, config.discriminatorSettings.learningRate),
    ]
  }

  /// Writes samples/step-NNNNNN.png; returns its bytes (nil for the synthetic setting, which has no picture).
  private func writeSamples() throws -> Data? {
    let fake = withLearningPhase(training: false) { withoutGradients { sampler(fixedLatents) } }
    switch reference {
    case .images:
      try Pictures.writeGrid(fake, title: pictureTitle, to: run.sample(step: step))
    case .mixture(let centers, let std, let extent):
      var g = RandomGenerator(seed: evaluationSeed)
      let real = GaussianMixture(name: config.dataset.rawValue, centers: centers, standardDeviation: std).sample(
        1000, generator: &g)
      try Pictures.writeScatter(
        real: real, generated: fake, centers: centers, extent: extent, title: pictureTitle, to: run.sample(step: step))
    case .theory:
      return nil
    }
    return try Data(contentsOf: run.sample(step: step))
  }

  /// The run's metrics now: mode coverage for mixtures, recovered modes for the synthetic setting.
  public func evaluate() -> (mixture: MixtureCoverage?, theory: TheoryRecovery?) {
    switch reference {
    case .mixture(let centers, let std, _):
      return (
        MixtureCoverage(samples: evaluationSamples(config.evaluationSamples), centers: centers, standardDeviation: std),
        nil
      )
    case .theory(let modes):
      let fake = evaluationSamples(config.evaluationSamples)
      let neurons = (sampler.base as? TheoryGenerator)?.neurons ?? fake
      return (nil, TheoryRecovery(neurons: neurons, modes: modes, samples: fake))
    case .images:
      return (nil, nil)
    }
  }

  /// `count` samples from the sampling generator, drawn with the evaluation seed (the same latent vectors
  /// at every evaluation), in batches, in evaluation mode or (`batchNormTraining`) with batch norm using
  /// each batch's statistics; the running statistics are left as they were either way.
  public func evaluationSamples(_ count: Int, batchSize: Int = 500, batchNormTraining: Bool = false) -> Tensor<Float> {
    var g = RandomGenerator(seed: evaluationSeed)
    let z = latent.sample(count, generator: &g)
    // Training mode moves the running statistics (shared boxes): put them back afterwards.
    var generator = players.generator
    let saved = generator.bufferPaths.map { ($0.keyPath, generator[keyPath: $0.keyPath]) }
    defer { for (path, value) in saved { generator[keyPath: path] = value } }
    let batches = stride(from: 0, to: count, by: batchSize).map { start in
      withLearningPhase(training: batchNormTraining) {
        withoutGradients { sampler(z[start..<min(start + batchSize, count)]) }
      }
    }
    return Tensor.concatenated(batches, alongAxis: 0)
  }

  /// Whether the generator has batch norm (so that its samples depend on the learning phase).
  public var generatorHasBatchNorm: Bool { !players.generator.bufferPaths.isEmpty }

  /// The run's metrics now as a JSON object: mixture coverage, recovered modes, or (with an
  /// `imageEvaluator`) image metrics of `evaluationSamples` samples.
  public func evaluationJSON(batchNormTraining: Bool = false) throws -> Any {
    let (mixture, theory) = evaluate()
    let encoder = JSONEncoder()
    if let mixture { return try JSONSerialization.jsonObject(with: try encoder.encode(mixture)) }
    if let theory { return try JSONSerialization.jsonObject(with: try encoder.encode(theory)) }
    if let imageEvaluator {
      let samples = evaluationSamples(config.evaluationSamples, batchNormTraining: batchNormTraining)
      return try JSONSerialization.jsonObject(with: try imageEvaluator(samples))
    }
    return [String: Any]()
  }

  private func summary(status: RunStatus, seconds: Double, steps: Int) throws -> TrainingSummary {
    let (mixture, theory) = evaluate()
    if !lastLosses.discriminator.isFinite || !lastLosses.generator.isFinite, let logged = loggedLosses(atStep: step) {
      lastLosses = logged
    }
    return TrainingSummary(
      status: status, steps: step, wallSeconds: seconds, stepsPerSecond: seconds > 0 ? Double(steps) / seconds : 0,
      discriminatorLoss: lastLosses.discriminator, generatorLoss: lastLosses.generator, mixture: mixture,
      theory: theory, theoryTimeline: theory == nil ? nil : TheoryTimeline(metrics: run.metrics),
      peakResidentMegabytes: Runtime.peakResidentMegabytes, provenance: .current)
  }

  // MARK: Checkpoints

  private var generatorNames: [String] { players.generator.parameterNames }
  private var discriminatorNames: [String] { players.discriminator.parameterNames }

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
    // Checkpoints written before the losses were saved in them leave NaN: the summary then reads metrics.
    lastLosses = (
      file.metadata["graft.loss.discriminator"].flatMap(Float.init) ?? .nan,
      file.metadata["graft.loss.generator"].flatMap(Float.init) ?? .nan
    )
  }

  /// The losses metrics.jsonl logged for `step`, if it did.
  private func loggedLosses(atStep step: Int) -> (discriminator: Float, generator: Float)? {
    guard let text = try? String(contentsOf: run.metrics, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n").reversed() {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        object["step"] as? Int == step, let d = object["loss_d"] as? Double, let g = object["loss_g"] as? Double
      else { continue }
      return (Float(d), Float(g))
    }
    return nil
  }

  /// Drops metrics lines logged after `step` by an interrupted run, so a resumed run does not repeat them.
  private func truncateMetrics(after step: Int) throws {
    guard let text = try? String(contentsOf: run.metrics, encoding: .utf8) else { return }
    let kept = text.split(separator: "\n").filter { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let s = object["step"] as? Int
      else { return false }
      return s <= step
    }
    try AtomicFile.write(Data((kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).utf8), to: run.metrics)
  }
}
