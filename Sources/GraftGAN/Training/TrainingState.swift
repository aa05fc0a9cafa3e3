import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftRun

/// Everything a run's checkpoint holds, as one value: both players, the generator's moving average, each
/// player's optimizer (its state and grouping), the real data's position, the random streams of the latent
/// codes and of the penalty's draws, the step and its losses. The game rule plays on it (`GANGame`); the
/// trainer saves and restores it.
struct TrainingState {
  var players: Players
  /// The generator's exponential moving average, when the run keeps one.
  var ema: AnyLayer?
  var generatorOptimizer: PlayerOptimizer
  var discriminatorOptimizer: PlayerOptimizer
  var data: any RealDataSource
  var latentGenerator: RandomGenerator
  var penaltyGenerator: RandomGenerator
  /// Steps taken.
  var step = 0
  /// The last step's losses (NaN before the first step).
  var lastLosses: (discriminator: Float, generator: Float) = (.nan, .nan)

  /// One step taken, with its losses: the counter moves on and the moving average (`decay`, when the run
  /// keeps one) moves toward the generator: ema ← decay·ema + (1 − decay)·θ.
  mutating func finishStep(losses: (discriminator: Float, generator: Float), emaDecay decay: Float?) {
    step += 1
    lastLosses = losses
    guard let decay, var average = ema else { return }
    let current = players.generator.parameters
    withoutGradients {
      average.setParameters(zip(average.parameters, current).map { $0 * decay + $1 * (1 - decay) })
    }
    ema = average
  }
}

/// One player's optimizer as a run uses it: the optimizer with its state, how it groups the player's
/// parameters, and each group's learning-rate scale (from the config's layer scales).
struct PlayerOptimizer {
  var optimizer: any Optimizer
  let grouping: Grouping
  /// Learning-rate scales by group name.
  let scales: [String: Double]

  /// The optimizer `spec` makes with `settings`, grouping `parameterNames` by `grouping` (the optimizer's
  /// own when nil); throws when a layer scale names no parameter of `player`.
  init(
    _ spec: OptimizerSpec, _ settings: OptimizerSettings, grouping: Grouping?, layerScales: LayerScales,
    parameterNames: [String], player: String
  ) throws {
    optimizer = spec.make(settings)
    self.grouping = grouping ?? spec.grouping
    scales = try layerScales.groupScales(names: parameterNames, grouping: self.grouping, player: player)
  }

  /// One step of `model` along `gradient` at `learningRate` (times each group's scale).
  mutating func update(_ model: inout AnyLayer, along gradient: [Tensor<Float>], learningRate: Double)
    -> StepDiagnostics
  {
    optimizer.update(
      &model, along: gradient, grouping: grouping, learningRateScales: scales, learningRate: learningRate)
  }
}
