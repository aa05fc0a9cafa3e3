import ArgumentParser
import Foundation
import GraftGAN
import GraftOptimizers
import Yams

/// `graft train`: every setting as a flag, or a config file, or a named preset; flags win over both.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a GAN (default: the main job, ring8 MLP with Adam, about 10 s on 2 cores).",
    discussion:
      "Presets: \(TrainingConfig.presets.map(\.name).joined(separator: ", ")). See `graft info` for data sets, models, losses and optimizers."
  )

  @Option(help: "Start from a named preset.") var preset: String?
  @Option(help: "Start from a JSON or YAML config file (a run's config.json works too).") var config: String?
  @Option(help: "Run directory (default: runs/<preset or dataset>-<optimizers>-seed<seed>).") var out: String?
  @Option(help: "Continue the run in this directory from its latest checkpoint.") var resume: String?

  @Option(help: "Data set: \(TrainingConfig.datasets.joined(separator: ", ")).") var dataset: String?
  @Option(help: "Model: \(TrainingConfig.models.joined(separator: ", ")).") var model: String?
  @Option(help: "Loss: \(GANLoss.allCases.map(\.rawValue).joined(separator: ", ")).") var loss: String?
  @Option(help: "Latent dimension.") var latentDim: Int?
  @Option(help: "MLP hidden width, or DCGAN/ResNet base channels.") var width: Int?
  @Option(help: "Image size, 28 or 32.") var imageSize: Int?
  @Option(help: "Directory of the data files.") var dataDir: String?
  @Option(help: "Use only the first N images.") var dataLimit: Int?

  @Option(help: "Generator steps.") var steps: Int?
  @Option(help: "Batch size.") var batchSize: Int?
  @Option(help: "Discriminator steps per generator step.") var nDis: Int?
  @Flag(help: "Simultaneous instead of alternating updates.") var simultaneous = false
  @Option(help: "WGAN-GP penalty weight λ.") var gpWeight: Float?
  @Option(help: "Exponential moving average of G's weights (e.g. 0.999).") var ema: Float?

  @Option(help: "Optimizer for both players: \(OptimizerCatalog.names.joined(separator: ", ")), or graft:M:D.")
  var optimizer: String?
  @Option(help: "Generator optimizer.") var gOptimizer: String?
  @Option(help: "Discriminator optimizer.") var dOptimizer: String?
  @Option(help: "Learning rate for both players.") var lr: Double?
  @Option(help: "Generator learning rate.") var gLr: Double?
  @Option(help: "Discriminator learning rate.") var dLr: Double?
  @Option(help: "Adam β1.") var beta1: Double?
  @Option(help: "Adam β2.") var beta2: Double?
  @Option(help: "Adam/RMSprop ε.") var eps: Double?
  @Option(help: "Momentum (SGD, nSGD, RMSprop).") var momentum: Double?
  @Option(help: "Grouping for both players: tensor, module, global.") var grouping: String?
  @Option(help: "Learning-rate schedule: constant, linear, cosine.") var schedule: String?
  @Option(help: "Warm-up steps.") var warmup: Int?

  @Option(help: "Synthetic setting: dimension d.") var theoryDim: Int?
  @Option(help: "Synthetic setting: number of modes K.") var theoryModes: Int?
  @Option(help: "Synthetic setting: noise σ.") var theoryNoise: Float?
  @Option(help: "Synthetic setting: generator neurons.") var theoryGNeurons: Int?
  @Option(help: "Synthetic setting: discriminator neurons.") var theoryDNeurons: Int?
  @Option(help: "Synthetic setting: activation power.") var theoryPower: Int?
  @Option(help: "Synthetic setting: initialisation scale σ0·√d.") var theoryInit: Float?
  @Flag(help: "Synthetic setting: Gaussian instead of one-hot latent codes.") var theoryGaussianLatent = false

  @Option(help: "Random seed.") var seed: UInt64?
  @Option(help: "Log every N steps.") var logEvery: Int?
  @Option(help: "Checkpoint every N steps.") var checkpointEvery: Int?
  @Option(help: "Sample grid every N steps.") var sampleEvery: Int?
  @Option(help: "Step checkpoints kept besides latest.") var keep: Int?
  @Option(help: "Evaluate every N steps into metrics.jsonl.") var evaluateEvery: Int?

  mutating func run() throws {
    if let resume {
      let trainer = try Trainer.resume(URL(fileURLWithPath: resume))
      print("graft: resuming \(resume) at step \(trainer.step) of \(trainer.config.steps)")
      try finish(trainer)
      return
    }
    let settings = try resolvedConfig()
    let directory =
      out
      ?? freshDirectory(
        "runs/\(preset ?? settings.dataset)-\(settings.generatorOptimizer)-\(settings.discriminatorOptimizer)-seed\(settings.seed)"
      )
    let url = URL(fileURLWithPath: directory)
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) {
      throw ValidationError(
        "\(directory) already holds a run; continue it with --resume \(directory) or choose another --out")
    }
    let trainer = try Trainer(config: settings, directory: url)
    print(
      "graft: training \(settings.dataset)/\(settings.model), loss \(settings.loss.rawValue), G \(settings.generatorOptimizer) (lr \(settings.generatorSettings.learningRate)), D \(settings.discriminatorOptimizer) (lr \(settings.discriminatorSettings.learningRate)), \(settings.steps) steps, seed \(settings.seed) → \(directory)"
    )
    try finish(trainer)
  }

  private func finish(_ trainer: Trainer) throws {
    attachImageEvaluator(to: trainer)
    do {
      let summary = try trainer.train()
      print(
        String(
          format: "graft: done: %d steps in %.1f s (%.1f steps/s), loss D %.4f G %.4f", summary.steps,
          summary.wallSeconds, summary.stepsPerSecond, summary.discriminatorLoss, summary.generatorLoss))
      if let m = summary.mixture {
        print(
          String(
            format: "graft: modes covered %d of %d, high-quality samples %.1f%%, KL to uniform %.3f", m.modesCovered,
            m.modeCount, m.highQualityShare * 100, m.klToUniform))
      }
      if let t = summary.theory {
        print(
          "graft: modes recovered \(t.modesRecovered) of \(t.bestCosines.count); best cosine per mode \(t.bestCosines.map { String(format: "%.3f", $0) }.joined(separator: ", "))"
        )
      }
      print("graft: results in \(trainer.run.url.path) (summary.json, metrics.jsonl, samples/, checkpoints/)")
    } catch let error as TrainingError {
      FileHandle.standardError.write(Data("graft: \(error.message)\n".utf8))
      throw ExitCode(2)
    }
  }

  /// Preset, then config file, then flags.
  func resolvedConfig() throws -> TrainingConfig {
    var c = try preset.map { try TrainingConfig.preset($0) } ?? TrainingConfig()
    if let config { c = try loadConfigFile(config, over: c) }
    if let dataset { c.dataset = dataset }
    if let model { c.model = model }
    if let loss {
      guard let l = GANLoss(rawValue: loss) else {
        throw ValidationError(
          "unknown loss '\(loss)'. Valid: \(GANLoss.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      c.loss = l
    }
    if let latentDim { c.latentDimension = latentDim }
    if let width { c.width = width }
    if let imageSize { c.imageSize = imageSize }
    if let dataDir { c.dataDirectory = dataDir }
    if let dataLimit { c.dataLimit = dataLimit }
    if let steps { c.steps = steps }
    if let batchSize { c.batchSize = batchSize }
    if let nDis { c.discriminatorSteps = nDis }
    if simultaneous { c.simultaneous = true }
    if let gpWeight { c.gradientPenaltyWeight = gpWeight }
    if let ema { c.emaDecay = ema }
    if let optimizer {
      c.generatorOptimizer = optimizer
      c.discriminatorOptimizer = optimizer
    }
    if let gOptimizer { c.generatorOptimizer = gOptimizer }
    if let dOptimizer { c.discriminatorOptimizer = dOptimizer }
    for keyPath in [\TrainingConfig.generatorSettings, \TrainingConfig.discriminatorSettings] {
      if let lr { c[keyPath: keyPath].learningRate = lr }
      if let beta1 { c[keyPath: keyPath].beta1 = beta1 }
      if let beta2 { c[keyPath: keyPath].beta2 = beta2 }
      if let eps { c[keyPath: keyPath].epsilon = eps }
      if let momentum { c[keyPath: keyPath].momentum = momentum }
    }
    if let gLr { c.generatorSettings.learningRate = gLr }
    if let dLr { c.discriminatorSettings.learningRate = dLr }
    if let grouping {
      guard let g = Grouping(rawValue: grouping) else {
        throw ValidationError(
          "unknown grouping '\(grouping)'. Valid: \(Grouping.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      c.generatorGrouping = g
      c.discriminatorGrouping = g
    }
    if let schedule {
      guard let d = LearningRateSchedule.Decay(rawValue: schedule) else {
        throw ValidationError("unknown schedule '\(schedule)'. Valid: constant, linear, cosine")
      }
      c.schedule.decay = d
    }
    c.schedule.totalSteps = c.steps
    if let warmup { c.schedule.warmupSteps = warmup }
    if let theoryDim { c.theory.dimension = theoryDim }
    if let theoryModes { c.theory.modes = theoryModes }
    if let theoryNoise { c.theory.noise = theoryNoise }
    if let theoryGNeurons { c.theory.generatorNeurons = theoryGNeurons }
    if let theoryDNeurons { c.theory.discriminatorNeurons = theoryDNeurons }
    if let theoryPower { c.theory.power = theoryPower }
    if let theoryInit { c.theory.initScale = theoryInit }
    if theoryGaussianLatent { c.theory.gaussianLatent = true }
    if let seed { c.seed = seed }
    if let logEvery { c.logEvery = logEvery }
    if let checkpointEvery { c.checkpointEvery = checkpointEvery }
    if let sampleEvery { c.sampleEvery = sampleEvery }
    if let keep { c.keepCheckpoints = keep }
    if let evaluateEvery { c.evaluateEvery = evaluateEvery }
    do {
      try c.validate()
    } catch {
      throw ValidationError("\(error)")
    }
    return c
  }
}

/// `base`, or `base-2`, `base-3`, … : the first that holds no run yet, so that repeated runs never clash.
func freshDirectory(_ base: String) -> String {
  var candidate = base
  var n = 2
  while FileManager.default.fileExists(atPath: candidate + "/config.json") {
    candidate = "\(base)-\(n)"
    n += 1
  }
  return candidate
}

/// The settings of a JSON or YAML config file (any subset of the keys, or a run's config.json) laid over
/// `base`: keys the file gives replace the base's, nested objects key by key, the rest keep the base's.
func loadConfigFile(_ path: String, over base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ValidationError("cannot read config file \(path)")
  }
  do {
    let parsed: Any?
    if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
      parsed = try Yams.load(yaml: String(decoding: data, as: UTF8.self))
    } else {
      parsed = try JSONSerialization.jsonObject(with: data)
    }
    guard var settings = parsed as? [String: Any] else {
      throw ValidationError("config file \(path) is not a Graft config: expected an object of settings")
    }
    // A run's config.json holds the settings under "config", beside its provenance.
    if let wrapped = settings["config"] as? [String: Any] { settings = wrapped }
    if let key = firstNonJSONValue(settings) {
      throw ValidationError(
        "config file \(path): the value of '\(key)' is not a number, string, boolean, list or object "
          + "(YAML dates and binary values are not settings)")
    }
    let baseObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as? [String: Any] ?? [:]
    let merged = layered(settings, over: baseObject)
    return try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: merged))
  } catch let error as ValidationError {
    throw error
  } catch {
    throw ValidationError("config file \(path) is not a valid Graft config: \(error)")
  }
}

/// `top` over `base`: top's keys win; where both hold an object, they are layered key by key.
func layered(_ top: [String: Any], over base: [String: Any]) -> [String: Any] {
  var result = base
  for (key, value) in top {
    if let inner = value as? [String: Any], let below = base[key] as? [String: Any] {
      result[key] = layered(inner, over: below)
    } else {
      result[key] = value
    }
  }
  return result
}

/// The dotted key of the first value in `object` that JSON cannot hold (a YAML date, say), or nil.
func firstNonJSONValue(_ object: [String: Any], prefix: String = "") -> String? {
  for (key, value) in object {
    if let inner = value as? [String: Any] {
      if let found = firstNonJSONValue(inner, prefix: prefix + key + ".") { return found }
    } else if !JSONSerialization.isValidJSONObject([value]) {
      return prefix + key
    }
  }
  return nil
}
