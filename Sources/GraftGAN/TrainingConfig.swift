import Foundation
import GraftOptimizers

/// Every setting of a training run. Saved as `config.json` in the run directory, so a run can be
/// resumed or repeated exactly; loadable from JSON or YAML (`--config`).
public struct TrainingConfig: Codable, Equatable, Sendable {
  // What to train on, with what.
  public var dataset = Dataset.ring8
  public var model = Architecture.mlp
  public var loss = GANLoss.hinge
  public var latentDimension = 16
  /// Hidden width of the MLPs; base channel count of DCGAN/ResNet.
  public var width = 128
  /// Image side for image data sets: 28 or 32 (Fashion-MNIST is padded to 32 when 32).
  public var imageSize = 32
  public var dataDirectory: String?
  /// Use only the first N images (quick runs and tests).
  public var dataLimit: Int?

  // The game.
  public var steps = 8000
  public var batchSize = 256
  /// Discriminator steps per generator step.
  public var discriminatorSteps = 1
  /// The update rule of the game: alternating (D first), simultaneous or extragradient.
  public var game = GameRuleName.alternating
  /// λ of the WGAN-GP gradient penalty.
  public var gradientPenaltyWeight: Float = 10
  /// Exponential moving average of G's parameters (e.g. 0.999); nil for none.
  public var emaDecay: Float?

  // Optimizers, per player.
  public var generatorOptimizer = "adam"
  public var discriminatorOptimizer = "adam"
  public var generatorSettings = OptimizerSettings(learningRate: 1e-3)
  public var discriminatorSettings = OptimizerSettings(learningRate: 1e-3)
  /// Overrides the grouping the optimizer name implies (`tensor`, `module`, `global`).
  public var generatorGrouping: Grouping?
  public var discriminatorGrouping: Grouping?
  /// The learning-rate schedule; `totalSteps` 0 means the run's `steps`.
  public var schedule = LearningRateSchedule(.cosine)

  // The synthetic setting (PAPER.md, "Our concrete version").
  public var theory = TheorySettings()

  // Bookkeeping.
  public var seed: UInt64 = 0
  public var logEvery = 100
  public var checkpointEvery = 500
  public var sampleEvery = 500
  /// Old checkpoints kept besides `latest` (0 keeps none).
  public var keepCheckpoints = 3
  /// Evaluate metrics every N steps into metrics.jsonl (0: only at the end).
  public var evaluateEvery = 0

  public init() {}
}

/// Constants of the paper's synthetic setting, every one a flag.
public struct TheorySettings: Codable, Equatable, Sendable {
  public var dimension = 100
  public var modes = 2
  public var noise: Float = 0.01
  public var generatorNeurons = 6
  public var discriminatorNeurons = 6
  public var power = 3
  /// σ0·√d of the Gaussian initialisation.
  public var initScale: Float = 0.1
  /// One-hot latent codes (the default) or Gaussian ones.
  public var gaussianLatent = false
  public init() {}
}

/// A setting that makes no sense, found before any work is done.
public struct ConfigError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension TrainingConfig {
  /// `schedule` with a `totalSteps` of 0 read as this run's `steps`.
  public var resolvedSchedule: LearningRateSchedule {
    var s = schedule
    if s.totalSteps <= 0 { s.totalSteps = steps }
    return s
  }

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

  static var ring8MLP: TrainingConfig { TrainingConfig() }

  static var grid25MLP: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = .grid25
    c.steps = 3000
    return c
  }

  static var theorySetting: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = .theory
    c.model = .theory
    c.loss = .minimax
    c.schedule = .constant
    c.batchSize = 64
    c.steps = 1000
    c.generatorOptimizer = "nsgda"
    c.discriminatorOptimizer = "nsgda"
    c.generatorSettings = OptimizerSettings(learningRate: 0.02)
    c.discriminatorSettings = OptimizerSettings(learningRate: 0.02)
    c.logEvery = 100
    return c
  }

  static var fashionDCGAN: TrainingConfig {
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

  static var fashionWGANGP: TrainingConfig {
    var c = fashionDCGAN
    c.loss = .wganGP
    c.discriminatorSteps = 5
    c.generatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    c.discriminatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
    return c
  }

  static var fashionResNet: TrainingConfig {
    var c = fashionWGANGP
    c.model = .resnet
    c.latentDimension = 128
    return c
  }

  static var cifarResNet: TrainingConfig {
    var c = fashionResNet
    c.dataset = .cifar10
    c.width = 128
    c.steps = 100_000
    return c
  }

  /// Checks every setting against its declaration, then the rules that tie settings together; the
  /// message names the setting and its valid values.
  public func validate() throws {
    for setting in Self.settings where !setting.isValid(self) {
      let key = setting.key.map { ", config key \($0)" } ?? ""
      throw ConfigError(
        "\(setting.option) must be \(setting.valid), got \(setting.text(self))\(key.isEmpty ? "" : " (\(key.dropFirst(2)))")"
      )
    }
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
      if !condition { throw ConfigError(message()) }
    }
    try require(
      dataset.architectures.contains(model),
      "dataset \(dataset.rawValue) needs model \(dataset.architectures.map(\.rawValue).joined(separator: " or ")), got \(model.rawValue)"
    )
    try require(model != .resnet || imageSize == 32, "the ResNet models need image size 32")
    try require(dataset != .cifar10 || imageSize == 32, "CIFAR-10 images are 32x32")
    try require(
      theory.modes <= theory.dimension,
      "--theory-modes must be at most --theory-dim (\(theory.dimension)), got \(theory.modes)")
  }
}
