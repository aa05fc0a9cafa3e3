import GraftOptimizers

/// Every setting of `TrainingConfig`, declared once. Adding a setting means adding its field, its line
/// here, and its use.
extension TrainingConfig {
  public static let settings: [Setting] = {
    typealias S = Setting
    var all: [Setting] = [
      .value("dataset", \.dataset, key: "dataset", .data, "Data set."),
      .value("model", \.model, key: "model", .data, "Generator and discriminator family."),
      .value("loss", \.loss, key: "loss", .data, "GAN objective."),
      .value("latent-dim", \.latentDimension, key: "latentDimension", .data, "Latent dimension.", valid: .above(0)),
      .value(
        "width", \.width, key: "width", .data, "MLP hidden width, or DCGAN/ResNet base channels.", valid: .above(0)),
      .value(
        "image-size", \.imageSize, key: "imageSize", .data,
        "Image side in pixels (Fashion-MNIST is padded to 32 when 32).",
        valid: Validity("28 or 32") { [28, 32].contains($0) }),
      .optional("data-dir", \.dataDirectory, key: "dataDirectory", .data, "Directory of the data files."),
      .optional("data-limit", \.dataLimit, key: "dataLimit", .data, "Use only the first N images.", valid: .above(0)),

      .value("steps", \.steps, key: "steps", .game, "Generator steps.", valid: .above(0)),
      .value("batch-size", \.batchSize, key: "batchSize", .game, "Batch size.", valid: .above(0)),
      .value(
        "n-dis", \.discriminatorSteps, key: "discriminatorSteps", .game,
        "Discriminator steps per generator step (alternating game only).",
        valid: .above(0)),
      .value(
        "game", \.game, key: "game", .game,
        "Update rule: alternating (n_dis D steps, then G), simultaneous (both from the same point) or "
          + "extragradient (both from the start with the gradients at a look-ahead step)."),
      .value(
        "gp-weight", \.gradientPenaltyWeight, key: "gradientPenaltyWeight", .game, "WGAN-GP penalty weight λ.",
        valid: .atLeast(0)),
      .optional(
        "ema", \.emaDecay, key: "emaDecay", .game, "Exponential moving average of G's weights (e.g. 0.999).",
        valid: .between(0, 1)),

      .value(
        "schedule", \.schedule.decay, key: "schedule.decay", .optimizers,
        "Learning-rate schedule: decay over the run after the warm-up."),
      .value(
        "warmup", \.schedule.warmupSteps, key: "schedule.warmupSteps", .optimizers, "Linear warm-up steps.",
        valid: .atLeast(0)),
      .value(
        "schedule-steps", \.schedule.totalSteps, key: "schedule.totalSteps", .optimizers,
        "Steps over which the schedule decays (0: the run's steps).", valid: .atLeast(0)),
      .value(
        "final-fraction", \.schedule.finalFraction, key: "schedule.finalFraction", .optimizers,
        "Fraction of the base rate the decay ends at.", valid: .within(0, 1)),
    ]
    // Per player: --g-X and --d-X, and --X for both.
    func players<V: SettingValue>(
      _ flag: String, _ g: WritableKeyPath<TrainingConfig, V> & Sendable,
      _ d: WritableKeyPath<TrainingConfig, V> & Sendable, key: String, _ help: String, valid: Validity<V> = .any
    ) -> [Setting] {
      let pair: [Setting] = [
        .value("g-" + flag, g, key: "generator" + key, .optimizers, "The generator's \(help).", valid: valid),
        .value("d-" + flag, d, key: "discriminator" + key, .optimizers, "The discriminator's \(help).", valid: valid),
      ]
      return [.shorthand(flag, for: pair, "The \(help) of both players (--g-\(flag) and --d-\(flag)).")] + pair
    }
    all += players(
      "optimizer", \.generatorOptimizer, \.discriminatorOptimizer, key: "Optimizer",
      "optimizer (see graft info)")
    all += players(
      "lr", \.generatorSettings.learningRate, \.discriminatorSettings.learningRate, key: "Settings.learningRate",
      "learning rate", valid: .above(0))
    all += players(
      "beta1", \.generatorSettings.beta1, \.discriminatorSettings.beta1, key: "Settings.beta1", "Adam β1",
      valid: .from(0, below: 1))
    all += players(
      "beta2", \.generatorSettings.beta2, \.discriminatorSettings.beta2, key: "Settings.beta2", "Adam β2",
      valid: .from(0, below: 1))
    all += players(
      "eps", \.generatorSettings.epsilon, \.discriminatorSettings.epsilon, key: "Settings.epsilon",
      "Adam/RMSprop ε", valid: .atLeast(0))
    all += players(
      "momentum", \.generatorSettings.momentum, \.discriminatorSettings.momentum, key: "Settings.momentum",
      "momentum (SGD, nSGD, RMSprop)", valid: .from(0, below: 1))
    all += players(
      "weight-decay", \.generatorSettings.weightDecay, \.discriminatorSettings.weightDecay,
      key: "Settings.weightDecay", "weight decay (L2, as torch.optim)", valid: .atLeast(0))
    all += players(
      "alpha", \.generatorSettings.alpha, \.discriminatorSettings.alpha, key: "Settings.alpha",
      "RMSprop smoothing constant α", valid: .from(0, below: 1))
    all += players(
      "grouping", \.generatorGrouping, \.discriminatorGrouping, key: "Grouping",
      "parameter groups, overriding the optimizer's own (tensor: layer-wise)")
    all += players(
      "layer-scale", \.generatorLayerScales, \.discriminatorLayerScales, key: "LayerScales",
      "per-layer learning-rate scales: 'pattern=scale,...' on parameter names, * any characters, the most "
        + "specific pattern winning (see graft layer-scales)")
    all += [
      .value("theory-dim", \.theory.dimension, key: "theory.dimension", .theory, "Dimension d.", valid: .above(0)),
      .value(
        "theory-modes", \.theory.modes, key: "theory.modes", .theory, "Number of modes K (≤ d).", valid: .above(0)),
      .value("theory-noise", \.theory.noise, key: "theory.noise", .theory, "Noise σ.", valid: .atLeast(0)),
      .value(
        "theory-g-neurons", \.theory.generatorNeurons, key: "theory.generatorNeurons", .theory, "Generator neurons.",
        valid: .above(0)),
      .value(
        "theory-d-neurons", \.theory.discriminatorNeurons, key: "theory.discriminatorNeurons", .theory,
        "Discriminator neurons.", valid: .above(0)),
      .value("theory-power", \.theory.power, key: "theory.power", .theory, "Activation power.", valid: .above(0)),
      .value(
        "theory-init", \.theory.initScale, key: "theory.initScale", .theory, "Initialisation scale σ0·√d.",
        valid: .above(0)),
      .value(
        "theory-gaussian-latent", \.theory.gaussianLatent, key: "theory.gaussianLatent", .theory,
        "Gaussian instead of one-hot latent codes."),
      .value(
        "theory-norms", \.theory.norms, key: "theory.norms", .theory,
        "Norm of each mode's centre, K numbers (e.g. 1,0.25); empty: all 1.",
        valid: Validity("> 0") { $0.allSatisfy { $0 > 0 } }),
      .value(
        "theory-weights", \.theory.weights, key: "theory.weights", .theory,
        "Relative frequency of each mode, K numbers (e.g. 3,1); empty: equally likely.",
        valid: Validity("≥ 0, not all 0") { $0.isEmpty || ($0.allSatisfy { $0 >= 0 } && $0.contains { $0 > 0 }) }),
      .value(
        "theory-train-scale", \.theory.trainScale, key: "theory.trainScale", .theory,
        "Train the discriminator's output scale a (--no-theory-train-scale: hold a = 1)."),
      .value(
        "theory-train-bias", \.theory.trainBias, key: "theory.trainBias", .theory,
        "Train the discriminator's output bias b (--no-theory-train-bias: hold b = 0)."),

      .value("seed", \.seed, key: "seed", .bookkeeping, "Random seed."),
      .value("log-every", \.logEvery, key: "logEvery", .bookkeeping, "Log every N steps.", valid: .above(0)),
      .value(
        "checkpoint-every", \.checkpointEvery, key: "checkpointEvery", .bookkeeping, "Checkpoint every N steps.",
        valid: .above(0)),
      .value(
        "sample-every", \.sampleEvery, key: "sampleEvery", .bookkeeping, "Sample grid every N steps.", valid: .above(0)),
      .value(
        "keep", \.keepCheckpoints, key: "keepCheckpoints", .bookkeeping, "Step checkpoints kept besides latest.",
        valid: .atLeast(0)),
      .value(
        "evaluate-every", \.evaluateEvery, key: "evaluateEvery", .bookkeeping,
        "Evaluate every N steps into metrics.jsonl (0: only at the end).", valid: .atLeast(0)),
      .value(
        "evaluation-samples", \.evaluationSamples, key: "evaluationSamples", .bookkeeping,
        "Generated samples each evaluation measures.", valid: .within(100, 100_000)),
      .value(
        "tensorboard", \.tensorboard, key: "tensorboard", .bookkeeping,
        "TensorBoard event files in RUN/tensorboard: losses, rates, norms, evaluations, sample grids "
          + "(--no-tensorboard: none)."),
      .value(
        "tensorboard-histograms", \.tensorboardHistograms, key: "tensorboardHistograms", .bookkeeping,
        "Also histograms of both players' weights in TensorBoard at each sample interval."),
    ]
    return all
  }()

  /// The setting with this flag (without dashes).
  public static func setting(flag: String) -> Setting? { settings.first { $0.flag == flag } }
  /// The setting with this config-file key.
  public static func setting(key: String) -> Setting? { settings.first { $0.key == key } }
}
