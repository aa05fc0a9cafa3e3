/// A name under which a sweep's run says what it varies (its raw value is the column's name in tables),
/// and by which an experiment finds its runs again: declared once here, so that the code that labels a
/// run and the code that reads the label spell it alike.
public enum RunLabel: String, Comparable, Sendable {
  /// Both players' optimizer, by its name ("adam", "graft:sgd:adam").
  case optimizer
  /// Both players' learning rate; the generator's and the discriminator's where they differ.
  case learningRate = "lr"
  case generatorRate = "lr_g"
  case discriminatorRate = "lr_d"
  /// The run's seed; runs equal but for it form a seed group.
  case seed
  /// A staged experiment's stage (`RunStage`).
  case stage
  /// A named setting of an experiment's arm.
  case setting
  /// A model variant (the synthetic setting's).
  case variant
  /// The learning-rate schedule, where an arm has one.
  case schedule
  /// The number of modes of the data, and the data set.
  case modes
  case dataset
  /// A grafted optimizer's magnitude and direction parts.
  case magnitude
  case direction

  /// In the order of their names, as tables list them.
  public static func < (a: RunLabel, b: RunLabel) -> Bool { a.rawValue < b.rawValue }
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
