import Foundation

/// The experiments `graft reproduce` runs, in the order `all` runs them.
public enum Experiments {
  public static var all: [any Experiment.Type] {
    [
      TheoryExperiment.self, MixtureExperiment.self, GraftingMatrixExperiment.self, GraftingExperiment.self,
      MagnitudeExperiment.self,
    ]
  }

  public static var names: [String] { all.map { $0.name } }

  /// The experiment called `name`, if there is one.
  public static func named(_ name: String) -> (any Experiment.Type)? {
    all.first { $0.name == name }
  }
}
