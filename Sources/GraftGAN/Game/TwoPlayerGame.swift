/// One of the two players of the game.
public enum GamePlayer: String, Sendable, CaseIterable {
  case discriminator
  case generator
}

/// A two-player game as an update rule sees it: each player's loss and gradient at the current point,
/// one optimizer step per player, and the point itself, which a rule may save and return to.
///
/// Each player descends its own loss (the discriminator's loss is minus what it maximizes). The trainer's
/// GAN is one such game (`GANGame`); a test's bilinear game is another.
public protocol TwoPlayerGame {
  /// One player's gradient in its own parameters (for a network: one tensor per parameter).
  associatedtype Gradient
  /// What one optimizer step reports (for a network: `StepDiagnostics`).
  associatedtype StepReport
  /// Both players' parameters and their optimizers' states.
  associatedtype Point

  /// `player`'s loss at the current point and its gradient in `player`'s own parameters. Each call may
  /// draw fresh samples (a GAN draws a new batch and new latent codes). Throws when the loss is not
  /// finite, before anything is updated.
  mutating func lossAndGradient(of player: GamePlayer) throws -> (loss: Float, gradient: Gradient)

  /// One step of `player`'s optimizer along `gradient`, from the current point; advances that
  /// optimizer's state. Throws when the step leaves parameters that are not finite.
  mutating func step(_ player: GamePlayer, along gradient: Gradient) throws -> StepReport

  /// The current point; setting it returns both players' parameters and optimizer states to a saved one.
  var point: Point { get set }
}
