/// The extragradient step for games (Korpelevich 1976; Gidel et al. 2019, "A variational inequality
/// perspective on generative adversarial networks"): from the point θ, an extrapolation step of both
/// players with their gradients at θ, to θ½; then, from θ again, an update step of both players with
/// their gradients at θ½. Each of the four gradients is a fresh evaluation (a GAN draws a new batch for
/// each, as in Gidel et al.'s stochastic extragradient). One gradient per player per evaluation point:
/// n_dis does not apply.
///
/// Optimizer state: the extrapolation steps each optimizer from its state at θ, and the rule then
/// returns to the point saved at θ, parameters and optimizer states both. So the extrapolation acts as
/// if by a copy of each optimizer, dropped with θ½, and only the update step advances the optimizers:
/// their state (moments, momentum buffers, step count) advances once per iteration, fed by the gradients
/// at θ½ that the updates use, as under the other rules, so bias corrections and schedules mean the same
/// at a given step. (Extra-Adam, Gidel et al.'s Algorithm 4, updates the moments in both steps instead;
/// with stateless steps, SGD without momentum, the two agree.) Nothing of the extrapolation outlives the
/// iteration, so a checkpoint between iterations holds all there is, as for the other rules.
///
/// On a bilinear game with plain gradient steps this converges (the tests check the factor
/// √(1 − η² + η⁴) per step). Reports both losses at θ, and the update steps' reports.
public struct ExtragradientRule: GameRule {
  public init() {}

  public func play<Game: TwoPlayerGame>(_ game: inout Game) throws -> GameIteration<Game.StepReport> {
    let start = game.point
    let (discriminatorLoss, discriminatorGradient) = try game.lossAndGradient(of: .discriminator)
    let (generatorLoss, generatorGradient) = try game.lossAndGradient(of: .generator)
    _ = try game.step(.discriminator, along: discriminatorGradient)
    _ = try game.step(.generator, along: generatorGradient)
    // At θ½: the gradients the update uses.
    let (_, discriminatorLookahead) = try game.lossAndGradient(of: .discriminator)
    let (_, generatorLookahead) = try game.lossAndGradient(of: .generator)
    game.point = start
    let discriminatorReport = try game.step(.discriminator, along: discriminatorLookahead)
    let generatorReport = try game.step(.generator, along: generatorLookahead)
    return GameIteration(
      discriminatorLoss: discriminatorLoss, generatorLoss: generatorLoss, discriminator: discriminatorReport,
      generator: generatorReport)
  }
}
