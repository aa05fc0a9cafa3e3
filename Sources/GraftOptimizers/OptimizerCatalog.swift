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

/// An unknown optimizer name, with the valid choices.
public struct OptimizerNameError: Error, CustomStringConvertible, Equatable {
  public let name: String
  public init(name: String) { self.name = name }
  public var description: String {
    "unknown optimizer '\(name)'. Valid: \(OptimizerCatalog.names.joined(separator: ", ")), or graft:M:D with "
      + "M and D from \(OptimizerCatalog.baseNames.joined(separator: ", ")) (e.g. graft:adam:sgd)"
  }
}

/// The optimizers by name, as the command line and config files give them.
public enum OptimizerCatalog {
  /// Named optimizers with what they are.
  public static let descriptions: [(name: String, meaning: String)] = [
    ("sgda", "SGD on each player's loss (the paper's SGDA); momentum from --momentum"),
    ("adam", "Adam (torch.optim.Adam semantics)"),
    ("rmsprop", "RMSprop (torch.optim.RMSprop semantics)"),
    ("ada-nsgda", "grafting: Adam's magnitude, SGD's direction, per parameter tensor (Ada_nSGDA)"),
    ("sgda-ada", "grafting: SGD's magnitude, Adam's direction, per parameter tensor (SGDA_Ada)"),
    ("nsgda", "normalized SGD, each parameter tensor moves by the learning rate (layer-wise nSGDA)"),
    ("nsgda-global", "normalized SGD over all of a player's parameters at once (global nSGDA)"),
  ]
  public static var names: [String] { descriptions.map(\.name) }
  /// The optimizers that `graft:M:D` can combine.
  public static let baseNames = ["sgd", "adam", "rmsprop", "nsgd"]

  /// Builds the optimizer `name` and the grouping it implies (`.global` for `nsgda-global`, else
  /// layer-wise per tensor).
  public static func make(_ name: String, _ s: OptimizerSettings) throws -> (
    optimizer: any Optimizer, grouping: Grouping
  ) {
    switch name {
    case "sgda", "sgd": return (base("sgd", s)!, .perTensor)
    case "adam": return (base("adam", s)!, .perTensor)
    case "rmsprop": return (base("rmsprop", s)!, .perTensor)
    case "ada-nsgda": return (GraftedOptimizer(magnitude: base("adam", s)!, direction: base("sgd", s)!), .perTensor)
    case "sgda-ada": return (GraftedOptimizer(magnitude: base("sgd", s)!, direction: base("adam", s)!), .perTensor)
    case "nsgda": return (base("nsgd", s)!, .perTensor)
    case "nsgda-global": return (base("nsgd", s)!, .global)
    default:
      let parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      if parts.count == 3, parts[0] == "graft", let m = base(parts[1], s), let d = base(parts[2], s) {
        return (GraftedOptimizer(magnitude: m, direction: d), .perTensor)
      }
      throw OptimizerNameError(name: name)
    }
  }

  private static func base(_ name: String, _ s: OptimizerSettings) -> (any Optimizer)? {
    switch name {
    case "sgd", "sgda": return SGD(learningRate: s.learningRate, momentum: s.momentum, weightDecay: s.weightDecay)
    case "adam":
      return Adam(
        learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay)
    case "rmsprop":
      return RMSprop(
        learningRate: s.learningRate, alpha: s.alpha, epsilon: s.epsilon, weightDecay: s.weightDecay,
        momentum: s.momentum)
    case "nsgd", "nsgda": return NormalizedSGD(learningRate: s.learningRate, momentum: s.momentum)
    default: return nil
    }
  }
}
