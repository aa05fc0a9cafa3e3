import GraftOptimizers

extension TrainingConfig {
  /// Named starting points; flags given with a preset override it.
  public static let presets: [(name: String, summary: String, config: TrainingConfig)] = [
    (
      "ring8-mlp",
      "8 Gaussians on a ring, MLP G (16→128→128→2) and D (2→128→128→1), Adam, hinge loss, cosine decay, 8000 steps (the main job)",
      ring8MLP
    ),
    ("grid25-mlp", "25 Gaussians on a grid, MLP G and D, Adam, hinge loss, cosine decay, 3000 steps", grid25MLP),
    ("theory", "the paper's synthetic setting, nSGDA for both players", theorySetting),
    ("fashion-dcgan", "Fashion-MNIST 32x32, DCGAN, non-saturating loss, Adam(2e-4, 0.5, 0.999)", fashionDCGAN),
    (
      "fashion-wgangp", "Fashion-MNIST 32x32, DCGAN critic without BN, WGAN-GP, n_dis 5, Adam(1e-4, 0.5, 0.9)",
      fashionWGANGP
    ),
    ("fashion-resnet", "Fashion-MNIST 32x32, narrow WGAN-GP ResNet (width 32), WGAN-GP", fashionResNet),
    ("cifar-resnet", "CIFAR-10 32x32, WGAN-GP ResNet width 128 as in the paper (GPU-scale)", cifarResNet),
  ]

  public static func preset(_ name: String) throws -> TrainingConfig {
    guard let p = presets.first(where: { $0.name == name }) else {
      throw ConfigError("unknown preset '\(name)'. Valid: \(presets.map(\.name).joined(separator: ", "))")
    }
    return p.config
  }

  public static var ring8MLP: TrainingConfig { TrainingConfig() }

  public static var grid25MLP: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = .grid25
    c.steps = 3000
    return c
  }

  public static var theorySetting: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = .theory
    c.model = .theory
    c.loss = .minimax
    c.schedule = .constant
    c.batchSize = 64
    c.steps = 1000
    c.generatorOptimizer = .nsgda
    c.discriminatorOptimizer = .nsgda
    c.generatorSettings = OptimizerSettings(learningRate: 0.02)
    c.discriminatorSettings = OptimizerSettings(learningRate: 0.02)
    c.logEvery = 100
    return c
  }

  public static var fashionDCGAN: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = .fashionMNIST
    c.model = .dcgan
    c.loss = .nonSaturating
    c.schedule = .constant
    c.latentDimension = 100
    c.width = 32
    c.batchSize = 64
    c.steps = 2000
    c.generatorSettings = OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
    c.discriminatorSettings = OptimizerSettings(learningRate: 2e-4, beta1: 0.5, beta2: 0.999)
    c.logEvery = 50
    c.sampleEvery = 250
    c.checkpointEvery = 250
    return c
  }

  public static var fashionWGANGP: TrainingConfig {
    var c = fashionDCGAN
    c.loss = .wganGP
    c.discriminatorSteps = 5
    c.generatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    c.discriminatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    return c
  }

  public static var fashionResNet: TrainingConfig {
    var c = fashionWGANGP
    c.model = .resnet
    c.latentDimension = 128
    return c
  }

  public static var cifarResNet: TrainingConfig {
    var c = fashionResNet
    c.dataset = .cifar10
    c.width = 128
    c.steps = 100_000
    return c
  }
}
