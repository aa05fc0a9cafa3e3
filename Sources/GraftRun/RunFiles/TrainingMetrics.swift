import Foundation

/// A logged training step: one line of metrics.jsonl, e.g.
/// `{"d_grad_norm":{"0.weight":0.3,…},…,"loss_d":1.38,"loss_g":0.69,"lr_d":0.001,"lr_g":0.001,"step":20,"time":0.5}`.
///
/// The keys are spelled here and nowhere else in Graft (the Python package reads the same names).
/// Numbers are Doubles as a reader parses them from the text. The trainer measures losses and norms in
/// Float: one of those that is exactly a Float is written as the Float's shortest form, so that a line
/// reads as it always has (`0.83869296`, not `0.838692963123322`); learning rates and times are written
/// as Doubles.
public struct TrainingMetrics: Sendable, Equatable {
  public var step: Int
  /// `loss_d`, `loss_g`: the players' losses at this step.
  public var discriminatorLoss: Double
  public var generatorLoss: Double
  /// `time`: seconds since the `train` call started (absent in some old runs).
  public var seconds: Double?
  /// `lr_g`, `lr_d`: the learning rates of this step (absent in some old runs).
  public var generatorLearningRate: Double?
  public var discriminatorLearningRate: Double?
  /// The `g_…` and `d_…` per-group norms.
  public var generator: PlayerMetrics
  public var discriminator: PlayerMetrics

  public init(
    step: Int, discriminatorLoss: Double, generatorLoss: Double, seconds: Double? = nil,
    generatorLearningRate: Double? = nil, discriminatorLearningRate: Double? = nil,
    generator: PlayerMetrics = PlayerMetrics(), discriminator: PlayerMetrics = PlayerMetrics()
  ) {
    self.step = step
    self.discriminatorLoss = discriminatorLoss
    self.generatorLoss = generatorLoss
    self.seconds = seconds
    self.generatorLearningRate = generatorLearningRate
    self.discriminatorLearningRate = discriminatorLearningRate
    self.generator = generator
    self.discriminator = discriminator
  }

  /// The player's norms: `generator` for `.generator`, `discriminator` for `.discriminator`.
  public subscript(player: Player) -> PlayerMetrics {
    get { player == .generator ? generator : discriminator }
    set { if player == .generator { generator = newValue } else { discriminator = newValue } }
  }

  /// The scalars TensorBoard shows of this line: every number but the step and the time, per-group ones
  /// as `key/group` (`g_grad_norm/0.weight`), in key order.
  public var tensorBoardScalars: [(tag: String, value: Double)] {
    var scalars: [(tag: String, value: Double)] = [
      (TrainingScalar.discriminatorLoss.key, discriminatorLoss), (TrainingScalar.generatorLoss.key, generatorLoss),
    ]
    for scalar in [TrainingScalar.generatorLearningRate, .discriminatorLearningRate] {
      if let value = scalar.value(in: self) { scalars.append((scalar.key, value)) }
    }
    for player in Player.allCases {
      for (norm, groups) in self[player].all {
        scalars += groups.map { ("\(player.prefix)_\(norm.key)/\($0.key)", $0.value) }
      }
    }
    return scalars.sorted { $0.tag < $1.tag }
  }

}

/// A number every training line may have, by its metrics.jsonl key.
public enum TrainingScalar: String, CaseIterable, Sendable {
  case discriminatorLoss = "loss_d"
  case generatorLoss = "loss_g"
  case generatorLearningRate = "lr_g"
  case discriminatorLearningRate = "lr_d"
  case seconds = "time"

  /// The key in metrics.jsonl (and the tag in TensorBoard).
  public var key: String { rawValue }

  /// The loss of a player.
  public static func loss(_ player: Player) -> TrainingScalar {
    player == .generator ? .generatorLoss : .discriminatorLoss
  }

  /// The learning rate of a player.
  public static func learningRate(_ player: Player) -> TrainingScalar {
    player == .generator ? .generatorLearningRate : .discriminatorLearningRate
  }

  /// Its value in `line`, if the line has it.
  public func value(in line: TrainingMetrics) -> Double? {
    switch self {
    case .discriminatorLoss: line.discriminatorLoss
    case .generatorLoss: line.generatorLoss
    case .generatorLearningRate: line.generatorLearningRate
    case .discriminatorLearningRate: line.discriminatorLearningRate
    case .seconds: line.seconds
    }
  }
}

/// One of the two players, as metrics name them (`g_…`, `d_…`).
public enum Player: String, CaseIterable, Sendable {
  case generator, discriminator
  /// `g` or `d`.
  public var prefix: String { self == .generator ? "g" : "d" }
}

/// A norm the trainer logs per parameter group.
public enum NormKind: Hashable, Sendable, Comparable {
  /// `…_grad_norm`: the gradient's.
  case gradient
  /// `…_update_norm`: the applied step's.
  case update
  /// `…_<name>_norm`: what an optimizer reports of its own (a grafted one's `magnitude` and `direction`).
  case component(String)

  /// The key after the player's prefix: `grad_norm`, `update_norm`, `magnitude_norm`, ...
  public var key: String {
    switch self {
    case .gradient: "grad_norm"
    case .update: "update_norm"
    case .component(let name): "\(name)_norm"
    }
  }

  /// The kind a key after the player's prefix names (`update_norm` → `.update`); nil for no `…_norm` key.
  public init?(key: String) {
    guard key.hasSuffix("_norm"), key.count > 5 else { return nil }
    switch key {
    case "grad_norm": self = .gradient
    case "update_norm": self = .update
    default: self = .component(String(key.dropLast(5)))
    }
  }

  public static func < (a: NormKind, b: NormKind) -> Bool { a.key < b.key }
}

/// A player's per-group norms at one logged step: group name (`0.weight`, …) → norm.
public struct PlayerMetrics: Sendable, Equatable {
  public var norms: [NormKind: [String: Double]]

  public init(norms: [NormKind: [String: Double]] = [:]) { self.norms = norms }

  public subscript(kind: NormKind) -> [String: Double]? {
    get { norms[kind] }
    set { norms[kind] = newValue }
  }

  /// Every kind logged, in key order.
  public var all: [(key: NormKind, value: [String: Double])] { norms.sorted { $0.key < $1.key } }
}

// MARK: Coding

extension TrainingMetrics: Codable {
  struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(_ scalar: TrainingScalar) { stringValue = scalar.key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: DynamicKey.self)
    step = try c.decode(Int.self, forKey: DynamicKey("step"))
    discriminatorLoss = try c.decode(Double.self, forKey: DynamicKey(.discriminatorLoss))
    generatorLoss = try c.decode(Double.self, forKey: DynamicKey(.generatorLoss))
    seconds = try c.decodeIfPresent(Double.self, forKey: DynamicKey(.seconds))
    generatorLearningRate = try c.decodeIfPresent(Double.self, forKey: DynamicKey(.generatorLearningRate))
    discriminatorLearningRate = try c.decodeIfPresent(Double.self, forKey: DynamicKey(.discriminatorLearningRate))
    (generator, discriminator) = (PlayerMetrics(), PlayerMetrics())
    for key in c.allKeys {
      for player in Player.allCases where key.stringValue.hasPrefix(player.prefix + "_") {
        guard let kind = NormKind(key: String(key.stringValue.dropFirst(2))),
          let groups = try? c.decode([String: Double].self, forKey: key)
        else { continue }
        self[player][kind] = groups
      }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: DynamicKey.self)
    try c.encode(step, forKey: DynamicKey("step"))
    try c.encode(MeasuredNumber(discriminatorLoss), forKey: DynamicKey(.discriminatorLoss))
    try c.encode(MeasuredNumber(generatorLoss), forKey: DynamicKey(.generatorLoss))
    try c.encodeIfPresent(seconds, forKey: DynamicKey(.seconds))
    try c.encodeIfPresent(generatorLearningRate, forKey: DynamicKey(.generatorLearningRate))
    try c.encodeIfPresent(discriminatorLearningRate, forKey: DynamicKey(.discriminatorLearningRate))
    for player in Player.allCases {
      for (kind, groups) in self[player].all {
        try c.encode(groups.mapValues(MeasuredNumber.init), forKey: DynamicKey("\(player.prefix)_\(kind.key)"))
      }
    }
  }
}

/// A loss or norm, written in the precision the trainer measured it in: a Double that is exactly a Float
/// as the Float, any other as the Double.
struct MeasuredNumber: Encodable {
  let value: Double
  init(_ value: Double) { self.value = value }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    if let single = Float(exactly: value) { try c.encode(single) } else { try c.encode(value) }
  }
}
