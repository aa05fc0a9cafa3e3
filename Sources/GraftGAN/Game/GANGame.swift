import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftRun

/// The trainer's GAN as a two-player game: each gradient on a fresh batch of real data and latent codes
/// (and, for WGAN-GP, fresh penalty draws), each step by the run's optimizer for that player with its
/// grouping, each loss and step checked for finiteness as it is taken.
struct GANGame: TwoPlayerGame {
  let trainer: Trainer
  /// The rates this iteration's steps are taken at (the schedule's at the trainer's step).
  let learningRates: Trainer.PlayerRates

  /// Both networks' parameters and both optimizers, as values. Batch-norm running statistics are not
  /// part of it: they average every forward pass in training mode, an extrapolation's too.
  struct Point {
    var generator: [Tensor<Float>]
    var discriminator: [Tensor<Float>]
    var generatorOptimizer: any Optimizer
    var discriminatorOptimizer: any Optimizer
  }

  var point: Point {
    get {
      Point(
        generator: trainer.players.generator.parameters, discriminator: trainer.players.discriminator.parameters,
        generatorOptimizer: trainer.generatorOptimizer, discriminatorOptimizer: trainer.discriminatorOptimizer)
    }
    nonmutating set {
      trainer.players.generator.setParameters(newValue.generator)
      trainer.players.discriminator.setParameters(newValue.discriminator)
      trainer.generatorOptimizer = newValue.generatorOptimizer
      trainer.discriminatorOptimizer = newValue.discriminatorOptimizer
    }
  }

  func lossAndGradient(of player: GamePlayer) throws -> (loss: Float, gradient: [Tensor<Float>]) {
    let config = trainer.config
    let n = config.batchSize
    switch player {
    case .discriminator:
      let real = trainer.data.next(n)
      let z = trainer.latent.sample(n, generator: &trainer.latentGenerator)
      let fake = withoutGradients { trainer.players.generator(z) }
      let (loss, gradient) = try trainer.players.discriminator.valueWithGradient { d in
        try trainer.discriminatorObjective.value(d, real: real, fake: fake, penaltyDraws: &trainer.penaltyGenerator)
      }
      try trainer.checkFinite(loss.scalar, "discriminator")
      return (loss.scalar, gradient)
    case .generator:
      let z = trainer.latent.sample(n, generator: &trainer.latentGenerator)
      let discriminator = trainer.players.discriminator
      let (loss, gradient) = try trainer.players.generator.valueWithGradient { g in
        config.loss.generatorLoss(fake: discriminator(g(z)))
      }
      try trainer.checkFinite(loss.scalar, "generator")
      return (loss.scalar, gradient)
    }
  }

  func step(_ player: GamePlayer, along gradient: [Tensor<Float>]) throws -> StepDiagnostics {
    let diagnostics =
      switch player {
      case .discriminator:
        trainer.discriminatorOptimizer.update(
          &trainer.players.discriminator, along: gradient, grouping: trainer.discriminatorGrouping,
          learningRateScales: trainer.discriminatorScales, learningRate: learningRates.discriminator)
      case .generator:
        trainer.generatorOptimizer.update(
          &trainer.players.generator, along: gradient, grouping: trainer.generatorGrouping,
          learningRateScales: trainer.generatorScales, learningRate: learningRates.generator)
      }
    try trainer.checkFinite(diagnostics, player.rawValue)
    return diagnostics
  }
}
