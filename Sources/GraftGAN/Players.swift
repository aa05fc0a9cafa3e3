import GraftEngine
import GraftLayers
import GraftRun

/// The two networks of a run and how latent codes are drawn, built from a config.
public struct Players {
  public var generator: AnyLayer
  public var discriminator: AnyLayer

  /// Builds both networks with weights drawn from `rng`.
  public init(_ config: TrainingConfig, channels: Int, rng: inout RandomGenerator) {
    let z = config.latentDimension
    switch config.model {
    case .mlp:
      generator = AnyLayer(MLP.make(widths: [z, config.width, config.width, 2], generator: &rng))
      discriminator = AnyLayer(MLP.make(widths: [2, config.width, config.width, 1], generator: &rng))
    case .dcgan:
      generator = AnyLayer(
        DCGAN.generator(latent: z, imageSize: config.imageSize, channels: channels, width: config.width, rng: &rng))
      discriminator = AnyLayer(
        DCGAN.discriminator(
          imageSize: config.imageSize, channels: channels, width: config.width, batchNorm: config.loss != .wganGP,
          rng: &rng))
    case .resnet:
      generator = AnyLayer(ResNetGAN.generator(latent: z, channels: channels, width: config.width, rng: &rng))
      discriminator = AnyLayer(ResNetGAN.critic(channels: channels, width: config.width, rng: &rng))
    case .theory:
      let t = config.theory
      generator = AnyLayer(
        TheoryGenerator(neurons: t.generatorNeurons, dimension: t.dimension, initScale: t.initScale, generator: &rng))
      discriminator = AnyLayer(
        TheoryDiscriminator(
          neurons: t.discriminatorNeurons, dimension: t.dimension, power: t.power, initScale: t.initScale,
          trainsScale: t.trainScale, trainsBias: t.trainBias, generator: &rng))
    }
  }
}

/// Draws latent codes: standard normal [N, latent], or for the synthetic setting one-hot codes over the
/// generator's neurons (or Gaussian ones when asked).
public struct LatentSampler {
  public let dimension: Int
  public let oneHot: Bool

  public init(_ config: TrainingConfig) {
    if config.model == .theory {
      dimension = config.theory.generatorNeurons
      oneHot = !config.theory.gaussianLatent
    } else {
      dimension = config.latentDimension
      oneHot = false
    }
  }

  public func sample(_ n: Int, generator: inout RandomGenerator) -> Tensor<Float> {
    guard oneHot else { return Tensor(randomNormal: [n, dimension], generator: &generator) }
    var scalars = [Float](repeating: 0, count: n * dimension)
    for i in 0..<n { scalars[i * dimension + Int(generator.next() % UInt64(dimension))] = 1 }
    return Tensor(shape: [n, dimension], scalars: scalars)
  }

  /// Every one-hot code once, in order: the identity matrix [dimension, dimension].
  public var basis: Tensor<Float> {
    var scalars = [Float](repeating: 0, count: dimension * dimension)
    for i in 0..<dimension { scalars[i * dimension + i] = 1 }
    return Tensor(shape: [dimension, dimension], scalars: scalars)
  }
}
