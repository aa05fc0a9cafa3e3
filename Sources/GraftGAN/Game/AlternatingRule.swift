/// Alternating gradient steps, discriminator first: n_dis discriminator steps, each on its own gradient,
/// then one generator step on a gradient taken against the updated discriminator. The usual GAN loop and
/// Graft's default.
///
/// Reports the last discriminator step's loss (before that step) and the generator's loss against the
/// updated discriminator.
public struct AlternatingRule: GameRule {
  /// n_dis: discriminator steps per generator step (at least 1).
  public let discriminatorSteps: Int

  public init(discriminatorSteps: Int = 1) {
    precondition(discriminatorSteps >= 1, "AlternatingRule: n_dis must be at least 1, got \(discriminatorSteps)")
    self.discriminatorSteps = discriminatorSteps
  }

  public func play<Game: TwoPlayerGame>(_ game: inout Game) throws -> GameIteration<Game.StepReport> {
    var (loss, gradient) = try game.lossAndGradient(of: .discriminator)
    var report = try game.step(.discriminator, along: gradient)
    for _ in 1..<discriminatorSteps {
      (loss, gradient) = try game.lossAndGradient(of: .discriminator)
      report = try game.step(.discriminator, along: gradient)
    }
    let (generatorLoss, generatorGradient) = try game.lossAndGradient(of: .generator)
    let generatorReport = try game.step(.generator, along: generatorGradient)
    return GameIteration(
      discriminatorLoss: loss, generatorLoss: generatorLoss, discriminator: report, generator: generatorReport)
  }
}
