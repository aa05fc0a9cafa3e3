import Foundation
import GraftOptimizers

/// Every setting of a training run. Saved as `config.json` in the run directory, so a run can be
/// resumed or repeated exactly; loadable from JSON or YAML (`--config`).
public struct TrainingConfig: Codable, Equatable, Sendable {
  // What to train on, with what.
  /// `ring8`, `grid25`, `theory`, `fashion-mnist` or `cifar10`.
  public var dataset = "ring8"
  /// `mlp`, `dcgan`, `resnet` or `theory`.
  public var model = "mlp"
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
  /// Update both players from the same point instead of alternating (D first).
  public var simultaneous = false
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

  /// Decodes a config in which every key is optional: a file gives only what it changes.
  public init(from decoder: Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    dataset = try c.decodeIfPresent(type(of: dataset).self, forKey: .dataset) ?? dataset
    model = try c.decodeIfPresent(type(of: model).self, forKey: .model) ?? model
    loss = try c.decodeIfPresent(type(of: loss).self, forKey: .loss) ?? loss
    latentDimension = try c.decodeIfPresent(type(of: latentDimension).self, forKey: .latentDimension) ?? latentDimension
    width = try c.decodeIfPresent(type(of: width).self, forKey: .width) ?? width
    imageSize = try c.decodeIfPresent(type(of: imageSize).self, forKey: .imageSize) ?? imageSize
    steps = try c.decodeIfPresent(type(of: steps).self, forKey: .steps) ?? steps
    batchSize = try c.decodeIfPresent(type(of: batchSize).self, forKey: .batchSize) ?? batchSize
    discriminatorSteps =
      try c.decodeIfPresent(type(of: discriminatorSteps).self, forKey: .discriminatorSteps) ?? discriminatorSteps
    simultaneous = try c.decodeIfPresent(type(of: simultaneous).self, forKey: .simultaneous) ?? simultaneous
    gradientPenaltyWeight =
      try c.decodeIfPresent(type(of: gradientPenaltyWeight).self, forKey: .gradientPenaltyWeight)
      ?? gradientPenaltyWeight
    generatorOptimizer =
      try c.decodeIfPresent(type(of: generatorOptimizer).self, forKey: .generatorOptimizer) ?? generatorOptimizer
    discriminatorOptimizer =
      try c.decodeIfPresent(type(of: discriminatorOptimizer).self, forKey: .discriminatorOptimizer)
      ?? discriminatorOptimizer
    generatorSettings =
      try c.decodeIfPresent(type(of: generatorSettings).self, forKey: .generatorSettings) ?? generatorSettings
    discriminatorSettings =
      try c.decodeIfPresent(type(of: discriminatorSettings).self, forKey: .discriminatorSettings)
      ?? discriminatorSettings
    schedule = try c.decodeIfPresent(type(of: schedule).self, forKey: .schedule) ?? schedule
    theory = try c.decodeIfPresent(type(of: theory).self, forKey: .theory) ?? theory
    seed = try c.decodeIfPresent(type(of: seed).self, forKey: .seed) ?? seed
    logEvery = try c.decodeIfPresent(type(of: logEvery).self, forKey: .logEvery) ?? logEvery
    checkpointEvery = try c.decodeIfPresent(type(of: checkpointEvery).self, forKey: .checkpointEvery) ?? checkpointEvery
    sampleEvery = try c.decodeIfPresent(type(of: sampleEvery).self, forKey: .sampleEvery) ?? sampleEvery
    keepCheckpoints = try c.decodeIfPresent(type(of: keepCheckpoints).self, forKey: .keepCheckpoints) ?? keepCheckpoints
    evaluateEvery = try c.decodeIfPresent(type(of: evaluateEvery).self, forKey: .evaluateEvery) ?? evaluateEvery
    dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory) ?? dataDirectory
    dataLimit = try c.decodeIfPresent(Int.self, forKey: .dataLimit) ?? dataLimit
    emaDecay = try c.decodeIfPresent(Float.self, forKey: .emaDecay) ?? emaDecay
    generatorGrouping = try c.decodeIfPresent(Grouping.self, forKey: .generatorGrouping) ?? generatorGrouping
    discriminatorGrouping =
      try c.decodeIfPresent(Grouping.self, forKey: .discriminatorGrouping) ?? discriminatorGrouping
  }
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

  public init(from decoder: Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    dimension = try c.decodeIfPresent(type(of: dimension).self, forKey: .dimension) ?? dimension
    modes = try c.decodeIfPresent(type(of: modes).self, forKey: .modes) ?? modes
    noise = try c.decodeIfPresent(type(of: noise).self, forKey: .noise) ?? noise
    generatorNeurons =
      try c.decodeIfPresent(type(of: generatorNeurons).self, forKey: .generatorNeurons) ?? generatorNeurons
    discriminatorNeurons =
      try c.decodeIfPresent(type(of: discriminatorNeurons).self, forKey: .discriminatorNeurons) ?? discriminatorNeurons
    power = try c.decodeIfPresent(type(of: power).self, forKey: .power) ?? power
    initScale = try c.decodeIfPresent(type(of: initScale).self, forKey: .initScale) ?? initScale
    gaussianLatent = try c.decodeIfPresent(type(of: gaussianLatent).self, forKey: .gaussianLatent) ?? gaussianLatent
  }
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

  public static let datasets = ["ring8", "grid25", "theory", "fashion-mnist", "cifar10"]
  public static let models = ["mlp", "dcgan", "resnet", "theory"]

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
    c.dataset = "grid25"
    c.steps = 3000
    return c
  }

  static var theorySetting: TrainingConfig {
    var c = TrainingConfig()
    c.dataset = "theory"
    c.model = "theory"
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
    c.dataset = "fashion-mnist"
    c.model = "dcgan"
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
    c.model = "resnet"
    c.latentDimension = 128
    return c
  }

  static var cifarResNet: TrainingConfig {
    var c = fashionResNet
    c.dataset = "cifar10"
    c.width = 128
    c.steps = 100_000
    return c
  }

  /// Checks every setting; the message names the setting and the valid values.
  public func validate() throws {
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
      if !condition { throw ConfigError(message()) }
    }
    try require(
      Self.datasets.contains(dataset), "unknown dataset '\(dataset)'. Valid: \(Self.datasets.joined(separator: ", "))")
    try require(Self.models.contains(model), "unknown model '\(model)'. Valid: \(Self.models.joined(separator: ", "))")
    let twoD = dataset == "ring8" || dataset == "grid25"
    let images = dataset == "fashion-mnist" || dataset == "cifar10"
    try require(!twoD || model == "mlp", "dataset \(dataset) needs model mlp, got \(model)")
    try require(
      !images || model == "dcgan" || model == "resnet", "dataset \(dataset) needs model dcgan or resnet, got \(model)")
    try require(
      (dataset == "theory") == (model == "theory"),
      "dataset theory and model theory go together (got \(dataset)/\(model))")
    try require(imageSize == 28 || imageSize == 32, "image size must be 28 or 32, got \(imageSize)")
    try require(model != "resnet" || imageSize == 32, "the ResNet models need image size 32")
    try require(dataset != "cifar10" || imageSize == 32, "CIFAR-10 images are 32x32")
    try require(steps > 0, "steps must be positive, got \(steps)")
    try require(batchSize > 0, "batch size must be positive, got \(batchSize)")
    try require(latentDimension > 0, "latent dimension must be positive, got \(latentDimension)")
    try require(width > 0, "width must be positive, got \(width)")
    try require(discriminatorSteps > 0, "discriminator steps (n_dis) must be positive, got \(discriminatorSteps)")
    try require(
      logEvery > 0 && checkpointEvery > 0 && sampleEvery > 0, "log/checkpoint/sample intervals must be positive")
    try require(emaDecay.map { $0 > 0 && $0 < 1 } ?? true, "EMA decay must lie in (0, 1)")
    for (name, s) in [("generator", generatorSettings), ("discriminator", discriminatorSettings)] {
      try require(
        s.learningRate > 0 && s.learningRate.isFinite, "\(name) learning rate must be positive, got \(s.learningRate)")
      try require(s.beta1 >= 0 && s.beta1 < 1 && s.beta2 >= 0 && s.beta2 < 1, "\(name) betas must lie in [0, 1)")
    }
    _ = try OptimizerCatalog.make(generatorOptimizer, generatorSettings)
    _ = try OptimizerCatalog.make(discriminatorOptimizer, discriminatorSettings)
    if dataset == "theory" {
      try require(theory.modes >= 1 && theory.modes <= theory.dimension, "theory: need 1 ≤ modes ≤ dimension")
      try require(
        theory.generatorNeurons > 0 && theory.discriminatorNeurons > 0, "theory: neuron counts must be positive")
    }
  }
}
