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

  /// Experiments `graft reproduce` runs only by name, not in `all`: the theory family search (about
  /// 45 minutes on 2 cores) and the robustness of `graft dissect` over seeds.
  public static var byNameOnly: [any Experiment.Type] { [TheoryFamilyExperiment.self, DissectionExperiment.self] }

  /// The experiment called `name`, if there is one.
  public static func named(_ name: String) -> (any Experiment.Type)? {
    (all + byNameOnly).first { $0.name == name }
  }
}
