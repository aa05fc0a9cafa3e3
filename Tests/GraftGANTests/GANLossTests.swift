import Foundation
import GraftEngine
import GraftGAN
import GraftLayers
import GraftRun
import GraftTestSupport
import Testing

@Suite("GAN losses")
struct GANLossTests {
  let real = Tensor<Float>([[2], [-1]])
  let fake = Tensor<Float>([[0.5], [-3]])

  func log1pexp(_ x: Double) -> Double { Foundation.log(1 + Foundation.exp(x)) }

  @Test func nonSaturatingByHand() {
    // L_D = mean softplus(−real) + mean softplus(fake); L_G = mean softplus(−fake).
    let d = (log1pexp(-2) + log1pexp(1)) / 2 + (log1pexp(0.5) + log1pexp(-3)) / 2
    let g = (log1pexp(-0.5) + log1pexp(3)) / 2
    #expect(abs(Double(GANLoss.nonSaturating.discriminatorLoss(real: real, fake: fake).scalar) - d) < 1e-6)
    #expect(abs(Double(GANLoss.nonSaturating.generatorLoss(fake: fake).scalar) - g) < 1e-6)
  }

  @Test func minimaxByHand() {
    // L_G = mean log(1 − σ(fake)) = −mean softplus(fake).
    let g = -(log1pexp(0.5) + log1pexp(-3)) / 2
    #expect(abs(Double(GANLoss.minimax.generatorLoss(fake: fake).scalar) - g) < 1e-6)
    #expect(
      GANLoss.minimax.discriminatorLoss(real: real, fake: fake).scalar
        == GANLoss.nonSaturating.discriminatorLoss(real: real, fake: fake).scalar)
  }

  @Test func wassersteinAndHingeByHand() {
    // W: mean fake − mean real = −1.25 − 0.5; G: −mean fake = 1.25.
    #expect(abs(GANLoss.wganGP.discriminatorLoss(real: real, fake: fake).scalar - (-1.75)) < 1e-6)
    #expect(abs(GANLoss.wganGP.generatorLoss(fake: fake).scalar - 1.25) < 1e-6)
    // Hinge D: mean relu(1 − [2, −1]) = (0 + 2)/2 = 1; mean relu(1 + [0.5, −3]) = (1.5 + 0)/2 = 0.75.
    #expect(abs(GANLoss.hinge.discriminatorLoss(real: real, fake: fake).scalar - 1.75) < 1e-6)
    #expect(abs(GANLoss.hinge.generatorLoss(fake: fake).scalar - 1.25) < 1e-6)
  }

  @Test func gradientPenaltyOfALinearCriticByHand() throws {
    // D(x) = ⟨w, x⟩ has ∇D = w everywhere, so the penalty is (‖w‖ − 1)² whatever the interpolates.
    let w = Tensor<Double>([[3], [4]])
    var rng = RandomGenerator(seed: 0)
    let real = Tensor<Double>(randomNormal: [5, 2], generator: &rng)
    let fake = Tensor<Double>(randomNormal: [5, 2], generator: &rng)
    let eps = Tensor<Double>(randomUniform: [5, 1], generator: &rng)
    let gp = try gradientPenalty({ matmul($0, w) }, real: real, fake: fake, epsilon: eps)
    #expect(abs(gp.scalar - 16) < 1e-9)
  }

  @Test func gradientPenaltyGradientMatchesFiniteDifferences() throws {
    var rng = RandomGenerator(seed: 1)
    let real = Tensor<Double>(randomNormal: [4, 3], generator: &rng)
    let fake = Tensor<Double>(randomNormal: [4, 3], generator: &rng)
    let eps = Tensor<Double>(randomUniform: [4, 1], generator: &rng)
    let params = [
      Tensor<Double>(randomNormal: [3, 5], generator: &rng), Tensor<Double>(randomNormal: [5], generator: &rng),
      Tensor<Double>(randomNormal: [5, 1], generator: &rng),
    ]
    func penalty(_ p: [Tensor<Double>]) throws -> Tensor<Double> {
      try gradientPenalty(
        { matmul((matmul($0, p[0]) + p[1]).leakyRelu(slope: 0.2).tanh(), p[2]) }, real: real, fake: fake, epsilon: eps)
    }
    let tracked = params.map { $0.requiringGrad() }
    let analytic = try gradients(of: try penalty(tracked), withRespectTo: tracked)
    let numeric = try numericalGradients(params) { try penalty($0).scalar }
    for i in params.indices {
      for (j, (a, n)) in zip(analytic[i].scalars, numeric[i]).enumerated() {
        #expect(abs(a - n) <= 1e-6 * max(1, abs(n)), "param \(i)[\(j)]: \(a) vs \(n)")
      }
    }
  }

  /// The discriminator's objective is its loss, plus λ·penalty only for WGAN-GP, which alone draws from
  /// the penalty's stream (so the other losses never shift it).
  @Test func discriminatorObjectiveIsTheLossPlusThePenaltyWhereTheLossHasOne() throws {
    var rng = RandomGenerator(seed: 3)
    let d = Linear(1, 1, generator: &rng)
    var config = TrainingConfig()
    config.gradientPenaltyWeight = 7
    for loss in GANLoss.allCases {
      config.loss = loss
      let objective = DiscriminatorObjective(config)
      #expect(objective.penaltyWeight == (loss == .wganGP ? 7 : nil))
      var draws = RandomGenerator(seed: 9)
      let value = try objective.value(d, real: real, fake: fake, penaltyDraws: &draws)
      var expectedDraws = RandomGenerator(seed: 9)
      var expected = loss.discriminatorLoss(real: d(real), fake: d(fake))
      if loss == .wganGP {
        expected = expected + (try gradientPenalty(d, real: real, fake: fake, generator: &expectedDraws)) * 7
        #expect(expected.scalar != loss.discriminatorLoss(real: d(real), fake: d(fake)).scalar)
      }
      #expect(value.scalar == expected.scalar, "\(loss)")
      #expect(draws.next() == expectedDraws.next(), "\(loss): the penalty's draws")
    }
  }
}
