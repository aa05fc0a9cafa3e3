import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftRun

/// The trainer's GAN as a two-player game played on a `TrainingState`: each gradient on a fresh batch of
/// real data and latent codes (and, for WGAN-GP, fresh penalty draws), each step by that player's
/// optimizer with its grouping, each loss and step checked for finiteness as it is taken.
struct GANGame: TwoPlayerGame {
  /// What the game moves: the run's state, as its checkpoint holds it.
  var state: TrainingState
  let batchSize: Int
  let loss: GANLoss
  let latent: LatentSampler
  let discriminatorObjective: DiscriminatorObjective
  /// The rates the next steps are taken at (the trainer sets the schedule's before each iteration).
  var learningRates: Trainer.PlayerRates

  init(state: TrainingState, config: TrainingConfig) {
    self.state = state
    batchSize = config.batchSize
    loss = config.loss
    latent = LatentSampler(config)
    discriminatorObjective = DiscriminatorObjective(config)
    learningRates = Trainer.PlayerRates(config, atStep: state.step)
  }

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
        generator: state.players.generator.parameters, discriminator: state.players.discriminator.parameters,
        generatorOptimizer: state.generatorOptimizer.optimizer,
        discriminatorOptimizer: state.discriminatorOptimizer.optimizer)
    }
    set {
      state.players.generator.setParameters(newValue.generator)
      state.players.discriminator.setParameters(newValue.discriminator)
      state.generatorOptimizer.optimizer = newValue.generatorOptimizer
      state.discriminatorOptimizer.optimizer = newValue.discriminatorOptimizer
    }
  }

  mutating func lossAndGradient(of player: GamePlayer) throws -> (loss: Float, gradient: [Tensor<Float>]) {
    let n = batchSize
    let (loss, gradient): (Tensor<Float>, [Tensor<Float>])
    switch player {
    case .discriminator:
      let real = state.data.next(n)
      let z = latent.sample(n, generator: &state.latentGenerator)
      let generator = state.players.generator
      let fake = withoutGradients { generator(z) }
      let objective = discriminatorObjective
      var penaltyDraws = state.penaltyGenerator
      (loss, gradient) = try state.players.discriminator.valueWithGradient { d in
        try objective.value(d, real: real, fake: fake, penaltyDraws: &penaltyDraws)
      }
      state.penaltyGenerator = penaltyDraws
    case .generator:
      let z = latent.sample(n, generator: &state.latentGenerator)
      let (discriminator, ganLoss) = (state.players.discriminator, self.loss)
      (loss, gradient) = try state.players.generator.valueWithGradient { g in
        ganLoss.generatorLoss(fake: discriminator(g(z)))
      }
    }
    guard loss.scalar.isFinite else {
      throw NonFiniteMove(description: "the \(player.rawValue) loss is \(loss.scalar). Nothing was updated with it")
    }
    return (loss.scalar, gradient)
  }

  /// A step whose gradient or update is not finite has left NaN or infinite weights. The loss alone
  /// does not show it: ReLU and the hinge loss map NaN to 0, so a run could go on (and checkpoint)
  /// with NaN weights and finite losses.
  mutating func step(_ player: GamePlayer, along gradient: [Tensor<Float>]) throws -> StepDiagnostics {
    let diagnostics =
      switch player {
      case .discriminator:
        state.discriminatorOptimizer.update(
          &state.players.discriminator, along: gradient, learningRate: learningRates.discriminator)
      case .generator:
        state.generatorOptimizer.update(
          &state.players.generator, along: gradient, learningRate: learningRates.generator)
      }
    for (i, group) in diagnostics.groups.enumerated() {
      let (g, u) = (diagnostics.gradientNorms[i], diagnostics.updateNorms[i])
      guard g.isFinite && u.isFinite else {
        throw NonFiniteMove(
          description: "the \(player.rawValue)'s \(g.isFinite ? "update" : "gradient") for \(group) has norm "
            + "\(g.isFinite ? u : g), so its weights are no longer finite. They were not written")
      }
    }
    return diagnostics
  }
}

/// A loss or step of the game that is not finite, said as what happened; the trainer adds where the run's
/// last good checkpoint is (`Trainer.stopped`).
struct NonFiniteMove: Error, CustomStringConvertible {
  let description: String
}
