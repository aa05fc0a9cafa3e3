import Foundation

/// How big an experiment is: `quick` finishes in a few minutes on 2 cores (the CI smoke version),
/// `full` is the budgeted version whose numbers go into RESULTS.md. Every experiment runs each of its
/// configurations on `seeds` seeds (0..<seeds) and reports mean ± 95% interval with the per-seed
/// values: one seed's outcome is a random draw and decides nothing. Where the runs train is the
/// executor's business (`Experiment.run(on:)`), not the scale's.
public struct ExperimentScale: Sendable {
  public var quick: Bool
  public var seeds: Int
  /// The most confirmation seeds an experiment with a seed plan (`SeedPlan`) may run; nil: its own
  /// default budget.
  public var maxSeeds: Int?

  public init(quick: Bool, seeds: Int? = nil, maxSeeds: Int? = nil) {
    self.quick = quick
    self.maxSeeds = maxSeeds
    // Three seeds is the fewest that gives a usable t interval (two give t = 12.7 times the spread).
    self.seeds = seeds ?? (quick ? 3 : 5)
  }
}
