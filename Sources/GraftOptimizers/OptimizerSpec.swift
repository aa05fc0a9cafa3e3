/// An optimizer as the command line and config files name it, parsed once: one of the paper's optimizers,
/// or a graft of two (`graft:M:D`, Adam's magnitude with SGD's direction for `graft:adam:sgd`), whose
/// parts may be grafts themselves, written in prefix form (`graft:graft:adam:sgd:rmsprop` is
/// (Adam#SGD)#RMSprop).
public indirect enum OptimizerSpec: Sendable, Hashable {
  /// SGD on each player's loss (the paper's SGDA).
  case sgda
  case adam
  case rmsprop
  /// Normalized SGD, layer-wise (each parameter tensor its own group).
  case nsgda
  /// Normalized SGD over all of a player's parameters at once.
  case nsgdaGlobal
  /// Adam's magnitude, SGD's direction (the paper's Ada_nSGDA).
  case adaNSGDA
  /// SGD's magnitude, Adam's direction (the paper's SGDA_Ada).
  case sgdaAda
  /// One optimizer's magnitude with another's direction.
  case graft(magnitude: OptimizerSpec, direction: OptimizerSpec)

  /// The named optimizers with what they are, as `graft info` lists them.
  public static let descriptions: [(spec: OptimizerSpec, meaning: String)] = [
    (.sgda, "SGD on each player's loss (the paper's SGDA); momentum from --momentum"),
    (.adam, "Adam (torch.optim.Adam semantics)"),
    (.rmsprop, "RMSprop (torch.optim.RMSprop semantics)"),
    (.adaNSGDA, "grafting: Adam's magnitude, SGD's direction, per parameter tensor (Ada_nSGDA)"),
    (.sgdaAda, "grafting: SGD's magnitude, Adam's direction, per parameter tensor (SGDA_Ada)"),
    (.nsgda, "normalized SGD, each parameter tensor moves by the learning rate (layer-wise nSGDA)"),
    (.nsgdaGlobal, "normalized SGD over all of a player's parameters at once (global nSGDA)"),
  ]
  /// The names a graft's parts are written with (besides `graft:…`, `ada-nsgda` and `sgda-ada`).
  public static let partNames = ["sgd", "adam", "rmsprop", "nsgd"]

  /// Parses a name: a named optimizer (`sgd` also means `sgda`) or `graft:M:D`.
  public init(parsing text: String) throws {
    let tokens = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    if tokens.count == 1, let named = Self.named(tokens[0]) {
      self = named
      return
    }
    var rest = tokens[...]
    guard tokens.first == "graft", let spec = Self.part(&rest), rest.isEmpty else {
      throw OptimizerNameError(name: text)
    }
    self = spec
  }

  private static func named(_ name: String) -> OptimizerSpec? {
    switch name {
    case "sgda", "sgd": .sgda
    case "adam": .adam
    case "rmsprop": .rmsprop
    case "nsgda": .nsgda
    case "nsgda-global": .nsgdaGlobal
    case "ada-nsgda": .adaNSGDA
    case "sgda-ada": .sgdaAda
    default: nil
    }
  }

  /// Reads one part of a graft from the front of `tokens`: a base name or a whole nested graft.
  private static func part(_ tokens: inout ArraySlice<String>) -> OptimizerSpec? {
    guard let first = tokens.popFirst() else { return nil }
    if first == "graft" {
      guard let m = part(&tokens), let d = part(&tokens) else { return nil }
      return .graft(magnitude: m, direction: d)
    }
    // A part is any named optimizer but the global one (grouping is a player's, not a part's), or
    // `nsgd`, the name a part is written with.
    if first == "nsgd" { return .nsgda }
    return named(first).flatMap { $0 == .nsgdaGlobal ? nil : $0 }
  }

  /// The name as it is written in config files and on the command line.
  public var name: String {
    switch self {
    case .sgda: "sgda"
    case .adam: "adam"
    case .rmsprop: "rmsprop"
    case .nsgda: "nsgda"
    case .nsgdaGlobal: "nsgda-global"
    case .adaNSGDA: "ada-nsgda"
    case .sgdaAda: "sgda-ada"
    case .graft(let m, let d): "graft:\(m.partName):\(d.partName)"
    }
  }

  /// The name as a part of a graft: the base optimizers by their own names (`sgd`, `nsgd`).
  private var partName: String {
    switch self {
    case .sgda: "sgd"
    case .nsgda, .nsgdaGlobal: "nsgd"
    default: name
    }
  }

  /// The parameter grouping the optimizer implies: the whole player for `nsgda-global`, else layer-wise.
  public var grouping: Grouping { self == .nsgdaGlobal ? .global : .perTensor }

  /// The optimizer with these settings (each kind uses the ones that apply to it).
  public func make(_ s: OptimizerSettings) -> any Optimizer {
    switch self {
    case .sgda: SGD(learningRate: s.learningRate, momentum: s.momentum, weightDecay: s.weightDecay)
    case .adam:
      Adam(learningRate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay)
    case .rmsprop:
      RMSprop(
        learningRate: s.learningRate, alpha: s.alpha, epsilon: s.epsilon, weightDecay: s.weightDecay,
        momentum: s.momentum)
    case .nsgda, .nsgdaGlobal: NormalizedSGD(learningRate: s.learningRate, momentum: s.momentum)
    case .adaNSGDA: OptimizerSpec.graft(magnitude: .adam, direction: .sgda).make(s)
    case .sgdaAda: OptimizerSpec.graft(magnitude: .sgda, direction: .adam).make(s)
    case .graft(let m, let d): GraftedOptimizer(magnitude: m.make(s), direction: d.make(s))
    }
  }
}

/// An unknown optimizer name, with the valid choices.
public struct OptimizerNameError: Error, CustomStringConvertible, Equatable {
  public let name: String
  public init(name: String) { self.name = name }
  public var description: String {
    "unknown optimizer '\(name)'. Valid: \(OptimizerSpec.descriptions.map(\.spec.name).joined(separator: ", ")), "
      + "or graft:M:D with M and D from \(OptimizerSpec.partNames.joined(separator: ", ")) or another graft:M:D "
      + "(e.g. graft:adam:sgd)"
  }
}

/// Written and read as its name (`"ada-nsgda"`, `"graft:adam:sgd"`), as config files hold it.
extension OptimizerSpec: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    do {
      try self.init(parsing: text)
    } catch {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }
}

/// Its name, so that run names and messages read as the command line writes it.
extension OptimizerSpec: CustomStringConvertible {
  public var description: String { name }
}
