import Foundation
import GraftData
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
  public var generatorOptimizer = OptimizerSpec.adam
  public var discriminatorOptimizer = OptimizerSpec.adam
  public var generatorSettings = OptimizerSettings(learningRate: 1e-3)
  public var discriminatorSettings = OptimizerSettings(learningRate: 1e-3)
  /// Overrides the grouping the optimizer name implies (`tensor`, `module`, `global`).
  public var generatorGrouping: Grouping?
  public var discriminatorGrouping: Grouping?
  /// Per-layer learning-rate scales by parameter-name pattern (`graft layer-scales` derives them from a run).
  public var generatorLayerScales = LayerScales()
  public var discriminatorLayerScales = LayerScales()
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
  /// Generated samples each evaluation measures (mode coverage, recovered modes, image metrics).
  public var evaluationSamples = 2000
  /// Write TensorBoard event files into the run's tensorboard/ folder.
  public var tensorboard = true
  /// Also write histograms of both players' weights to TensorBoard at each sample interval.
  public var tensorboardHistograms = false

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
  /// The norm of each mode's centre (K numbers > 0); empty: every mode has norm 1.
  public var norms: [Float] = []
  /// The relative frequency of each mode (K numbers ≥ 0, not all 0); empty: equally likely modes.
  public var weights: [Double] = []
  /// Whether the discriminator's output scale a is trained (true) or held at 1.
  public var trainScale = true
  /// Whether the discriminator's output bias b is trained (true) or held at 0.
  public var trainBias = true
  public init() {}

  /// The data distribution these settings describe.
  public var data: SyntheticModes {
    SyntheticModes(
      dimension: dimension, modeCount: modes, noise: noise, weights: weights.isEmpty ? nil : weights,
      norms: norms.isEmpty ? nil : norms)
  }
}

/// A setting that makes no sense, found before any work is done.
public struct ConfigError: Error, CustomStringConvertible {
  public let message: String
  /// `message` kept to one line: a control character in it (from a key or value in a damaged file) is
  /// shown as its escape.
  public init(_ message: String) {
    self.message = String(
      message.unicodeScalars.map { s in
        s.value < 0x20 || s.value == 0x7f ? "\\u{\(String(s.value, radix: 16))}" : String(s)
      }.joined())
  }
  public var description: String { message }
}

extension TrainingConfig {
  /// `schedule` with a `totalSteps` of 0 read as this run's `steps`.
  public var resolvedSchedule: LearningRateSchedule {
    var s = schedule
    if s.totalSteps <= 0 { s.totalSteps = steps }
    return s
  }
}
