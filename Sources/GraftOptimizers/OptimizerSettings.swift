/// The hyperparameters a named optimizer is built from. Each name uses the ones that apply to it.
/// They are doubles, as the user wrote them (config files, flags) and as PyTorch holds them, so that the
/// optimizers derive their constants from these values and not from float roundings of them.
public struct OptimizerSettings: Sendable, Equatable, Codable {
  public var learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  public var momentum: Double
  public var weightDecay: Double
  /// RMSprop's smoothing constant.
  public var alpha: Double

  /// GAN defaults: Adam's β1 = 0.5, β2 = 0.999.
  public init(
    learningRate: Double = 2e-4, beta1: Double = 0.5, beta2: Double = 0.999, epsilon: Double = 1e-8,
    momentum: Double = 0,
    weightDecay: Double = 0, alpha: Double = 0.99
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.alpha = alpha
  }

  /// Decodes settings in which every key is optional (missing ones keep the defaults).
  public init(from decoder: Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
    beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? beta1
    beta2 = try c.decodeIfPresent(Double.self, forKey: .beta2) ?? beta2
    epsilon = try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? epsilon
    momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
    weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
    alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? alpha
  }
}
