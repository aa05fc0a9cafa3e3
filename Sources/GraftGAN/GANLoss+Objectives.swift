import GraftEngine
import GraftLayers
import GraftRun

extension GANLoss {
  /// The discriminator's loss from its logits on a real and a fake batch (without the gradient penalty).
  public func discriminatorLoss(real: Tensor<Float>, fake: Tensor<Float>) -> Tensor<Float> {
    switch self {
    case .nonSaturating, .minimax: return (-real).softplus().mean() + fake.softplus().mean()
    case .wganGP: return fake.mean() - real.mean()
    case .hinge: return (1 - real).relu().mean() + (1 + fake).relu().mean()
    }
  }

  /// The generator's loss from the discriminator's logits on a fake batch.
  public func generatorLoss(fake: Tensor<Float>) -> Tensor<Float> {
    switch self {
    case .nonSaturating: return (-fake).softplus().mean()
    case .minimax: return -fake.softplus().mean()
    case .wganGP, .hinge: return -fake.mean()
    }
  }
}

/// What the discriminator minimizes, as a value: its loss on a real and a fake batch, plus the gradient
/// penalty times its weight λ where the loss calls for one (WGAN-GP).
public struct DiscriminatorObjective: Sendable, Equatable {
  public var loss: GANLoss
  /// λ of the gradient penalty; nil for a loss without one.
  public var penaltyWeight: Float?

  public init(loss: GANLoss, penaltyWeight: Float?) {
    self.loss = loss
    self.penaltyWeight = penaltyWeight
  }

  /// The run's objective: its loss, with `gradientPenaltyWeight` when the loss is WGAN-GP's.
  public init(_ config: TrainingConfig) {
    self.init(loss: config.loss, penaltyWeight: config.loss == .wganGP ? config.gradientPenaltyWeight : nil)
  }

  /// The objective of `discriminator` on `real` and `fake`; the penalty (if any) draws its interpolation
  /// weights from `penaltyDraws`, and only then.
  public func value<D: Network>(
    _ discriminator: D, real: Tensor<Float>, fake: Tensor<Float>, penaltyDraws: inout RandomGenerator
  ) throws -> Tensor<Float> {
    let l = loss.discriminatorLoss(real: discriminator(real), fake: discriminator(fake))
    guard let weight = penaltyWeight else { return l }
    return l + (try gradientPenalty(discriminator, real: real, fake: fake, generator: &penaltyDraws)) * weight
  }
}

/// WGAN-GP's penalty E[(‖∇_x̂ D(x̂)‖₂ − 1)²] on random interpolates x̂ = εx + (1 − ε)x̃, ε ~ U[0, 1] per
/// sample. Its gradient with respect to D's parameters goes through the gradient ∇_x̂ D, which is why
/// it is computed with `createGraph: true`.
public func gradientPenalty<D: Network>(
  _ discriminator: D, real: Tensor<Float>, fake: Tensor<Float>, generator: inout RandomGenerator
) throws -> Tensor<Float> {
  let shape = [real.shape[0]] + Array(repeating: 1, count: real.rank - 1)
  let epsilon = Tensor<Float>(randomUniform: shape, generator: &generator)
  return try gradientPenalty({ discriminator($0) }, real: real, fake: fake, epsilon: epsilon)
}

/// The penalty for a discriminator given as a function, with the interpolation weights ε given
/// ([N, 1, ...]); for any scalar type, so that it can be checked in Double.
public func gradientPenalty<S>(
  _ discriminator: (Tensor<S>) -> Tensor<S>, real: Tensor<S>, fake: Tensor<S>, epsilon: Tensor<S>
) throws -> Tensor<S> {
  let interpolates = (real * epsilon + fake.detached() * (1 - epsilon)).detached().requiringGrad()
  let scores = discriminator(interpolates)
  let grad = try gradients(of: scores.sum(), withRespectTo: [interpolates], createGraph: true)[0]
  // A tiny constant keeps the norm's derivative finite where the gradient vanishes.
  let norms = (grad.flattened().squared().sum(alongAxis: 1) + 1e-12).sqrt()
  return (norms - 1).squared().mean()
}
