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
  /// The run's state (what a checkpoint holds) and the rules it is played by.
  var game: GANGame
  public var players: Players { game.state.players }
  public var ema: AnyLayer? { game.state.ema }
  public var step: Int { game.state.step }
  public var lastLosses: (discriminator: Float, generator: Float) { game.state.lastLosses }
  public let reference: DataReference
  let fixedLatents: Tensor<Float>
  let evaluationSeed: UInt64
  /// Metrics of generated images (FID, class coverage, ...): set by programs that have an image evaluator
  /// (GraftEval), used by `evaluateEvery` and `evaluation()` for image runs.
  public var imageEvaluator: ((Tensor<Float>) throws -> ImageMetrics)?
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
    let latentGenerator = root.split()
    let penaltyGenerator = root.split()
    var fixedGenerator = root.split()
    evaluationSeed = root.next()

    let data: any RealDataSource
    (data, reference) = try realData ?? makeRealData(config, generator: dataGenerator)
    let players = Players(config, channels: data.channels, rng: &initGenerator)
    let state = TrainingState(
      players: players, ema: config.emaDecay == nil ? nil : players.generator,
      generatorOptimizer: try PlayerOptimizer(
        config.generatorOptimizer, config.generatorSettings, grouping: config.generatorGrouping,
        layerScales: config.generatorLayerScales, parameterNames: players.generator.parameterNames,
        player: "generator"),
      discriminatorOptimizer: try PlayerOptimizer(
        config.discriminatorOptimizer, config.discriminatorSettings, grouping: config.discriminatorGrouping,
        layerScales: config.discriminatorLayerScales, parameterNames: players.discriminator.parameterNames,
        player: "discriminator"),
      data: data, latentGenerator: latentGenerator, penaltyGenerator: penaltyGenerator)
    game = GANGame(state: state, config: config)
    fixedLatents = game.latent.sample(reference.isImages ? 64 : 1000, generator: &fixedGenerator)
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
    do {
      // The progress hook keeps `log` only for the duration of this call.
      return try withoutActuallyEscaping(log) { try trainSteps(stopAt: stopAt, log: $0) }
    } catch let error as TrainingError where error.divergedAtStep != nil {
      // Said in the run directory too, so that a sweep retrying the run starts it again instead of
      // resuming into the same divergence.
      try? DivergenceRecord(step: error.divergedAtStep!, message: error.message).write(to: run.url)
      throw error
    }
  }

  private func trainSteps(stopAt: Int?, log: @escaping (String) -> Void) throws -> TrainingSummary {
    let target = min(stopAt ?? config.steps, config.steps)
    if step == 0 {
      try run.create()
      try run.writeJSON(SavedConfig(config: config, provenance: .current), to: run.config)
      try saveCheckpoint(stepFile: false)
    }
    let tensorBoard = try openTensorBoard()
    let checkpoints = CheckpointHook(target: target)
    let hooks: [any TrainingHook] = [
      MetricsHook(tensorBoard: tensorBoard), EvaluationHook(tensorBoard: tensorBoard),
      SampleHook(tensorBoard: tensorBoard), checkpoints,
      ProgressHook(total: config.steps, startStep: step, logEvery: config.logEvery, log: log),
    ]
    defer { for hook in hooks { hook.trainingEnded() } }
    let started = Date()
    let firstStep = step
    while step < target {
      if stopRequested() {
        // The state a `train` call starts from is saved already (the checkpoint it resumed, or step 0's).
        if step != firstStep && !checkpoints.saves(afterStep: step, config) { try saveCheckpoint() }
        return try summary(
          status: .interrupted, seconds: Date().timeIntervalSince(started), steps: step - firstStep)
      }
      let result = try takeStep()
      let elapsed = Date().timeIntervalSince(started)
      for hook in hooks { try hook.afterStep(self, result, elapsed: elapsed) }
    }
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

  /// One step of the game; the step counter, the losses and the moving average move on.
  private func takeStep() throws -> IterationResult {
    let result = try iterate()
    game.state.finishStep(losses: (result.discriminatorLoss, result.generatorLoss), emaDecay: config.emaDecay)
    return result
  }

  struct IterationResult {
    var discriminatorLoss: Float
    var generatorLoss: Float
    var discriminator: StepDiagnostics
    var generator: StepDiagnostics
    /// The rates the players stepped at.
    var learningRates: PlayerRates
  }

  /// One iteration of the game under the config's rule (`GameRuleName`) at this step's learning rates:
  /// for the default, alternating, n_dis discriminator steps and then one generator step.
  func iterate() throws -> IterationResult {
    game.learningRates = PlayerRates(config, atStep: step)
    do {
      let r = try config.game.rule(discriminatorSteps: config.discriminatorSteps).play(&game)
      return IterationResult(
        discriminatorLoss: r.discriminatorLoss, generatorLoss: r.generatorLoss, discriminator: r.discriminator,
        generator: r.generator, learningRates: game.learningRates)
    } catch let move as NonFiniteMove {
      throw stopped(move.description)
    }
  }
}
