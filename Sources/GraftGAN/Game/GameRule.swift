/// An update rule of the two-player game: how one training iteration takes the players' gradients and
/// steps (`AlternatingRule`, `SimultaneousRule`, `ExtragradientRule`; chosen by `GameRuleName`).
public protocol GameRule: Sendable {
  /// One iteration on `game`: its gradient evaluations and optimizer steps, in the rule's order.
  func play<Game: TwoPlayerGame>(_ game: inout Game) throws -> GameIteration<Game.StepReport>
}

/// What one iteration of a rule reports: a loss of each player and its last applied step. Each rule
/// says at which point its losses are taken.
public struct GameIteration<StepReport> {
  public var discriminatorLoss: Float
  public var generatorLoss: Float
  /// The discriminator's last step of the iteration.
  public var discriminator: StepReport
  /// The generator's step.
  public var generator: StepReport

  public init(discriminatorLoss: Float, generatorLoss: Float, discriminator: StepReport, generator: StepReport) {
    self.discriminatorLoss = discriminatorLoss
    self.generatorLoss = generatorLoss
    self.discriminator = discriminator
    self.generator = generator
  }
}
