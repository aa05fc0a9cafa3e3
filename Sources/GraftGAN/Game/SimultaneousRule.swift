/// Simultaneous gradient steps: both players' gradients at the same point, then both step (the
/// discriminator first; neither step depends on the other). One gradient per player per iteration:
/// n_dis does not apply.
///
/// On a bilinear game with plain gradient steps this spirals outwards (the tests check the factor
/// √(1 + η²) per step). Reports both losses at the iteration's starting point.
public struct SimultaneousRule: GameRule {
  public init() {}

  public func play<Game: TwoPlayerGame>(_ game: inout Game) throws -> GameIteration<Game.StepReport> {
    let (discriminatorLoss, discriminatorGradient) = try game.lossAndGradient(of: .discriminator)
    let (generatorLoss, generatorGradient) = try game.lossAndGradient(of: .generator)
    let discriminatorReport = try game.step(.discriminator, along: discriminatorGradient)
    let generatorReport = try game.step(.generator, along: generatorGradient)
    return GameIteration(
      discriminatorLoss: discriminatorLoss, generatorLoss: generatorLoss, discriminator: discriminatorReport,
      generator: generatorReport)
  }
}
