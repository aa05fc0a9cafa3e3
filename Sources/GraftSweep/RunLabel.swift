/// A name under which a sweep's run says what it varies: a column of the sweep's tables, and how an
/// experiment finds its runs again. The labels Graft's sweeps and experiments use are declared here, so
/// that the code that labels a run and the code that reads the label spell it alike.
public struct RunLabel: RawRepresentable, Hashable, Comparable, Sendable {
  /// The column's name in tables ("lr").
  public let rawValue: String

  public init(rawValue: String) { self.rawValue = rawValue }

  public static func < (a: RunLabel, b: RunLabel) -> Bool { a.rawValue < b.rawValue }

  /// Both players' optimizer, by its name ("adam", "graft:sgd:adam").
  public static let optimizer = RunLabel(rawValue: "optimizer")
  /// Both players' learning rate.
  public static let learningRate = RunLabel(rawValue: "lr")
  /// The generator's learning rate, where the players' differ.
  public static let generatorRate = RunLabel(rawValue: "lr_g")
  /// The discriminator's learning rate, where the players' differ.
  public static let discriminatorRate = RunLabel(rawValue: "lr_d")
  /// The run's seed; runs equal but for it form a seed group.
  public static let seed = RunLabel(rawValue: "seed")
  /// A staged experiment's stage (`RunStage`).
  public static let stage = RunLabel(rawValue: "stage")
  /// A named setting of an experiment's arm.
  public static let setting = RunLabel(rawValue: "setting")
  /// A model variant (the synthetic setting's).
  public static let variant = RunLabel(rawValue: "variant")
  /// The learning-rate schedule, where an arm has one.
  public static let schedule = RunLabel(rawValue: "schedule")
  /// The number of modes of the data.
  public static let modes = RunLabel(rawValue: "modes")
  /// The data set.
  public static let dataset = RunLabel(rawValue: "dataset")
  /// A grafted optimizer's magnitude and direction parts.
  public static let magnitude = RunLabel(rawValue: "magnitude")
  public static let direction = RunLabel(rawValue: "direction")
}

/// The values of `RunLabel.stage`: a rate screen's runs, then the confirmation's.
public enum RunStage: String, Sendable {
  case screen
  case confirmation
}

extension Sweep.Run {
  /// Whether the run belongs to `stage` of a staged experiment.
  public func isIn(_ stage: RunStage) -> Bool { labels[.stage] == stage.rawValue }
}
