import GraftIO
import GraftOptimizers

/// The settings that tell runs apart: the config keys (dotted, e.g. `generatorSettings.learningRate`)
/// whose values differ between runs or that some run lacks, after the optimizer names, which are
/// always shown. `shared` lists the main settings all runs have in common, for context.
public struct ConfigDifferences: Sendable {
  /// Rows, in order: the optimizer names, then the differing keys in network-setting order.
  public var keys: [String]
  /// Per key, one text per run ("—" where a run lacks the key).
  public var values: [String: [String]]
  /// (key, value) of the main settings that every run shares.
  public var shared: [(key: String, value: String)]

  static let alwaysShown = ["generatorOptimizer", "discriminatorOptimizer"]
  static let context = [
    "dataset", "model", "loss", "steps", "batchSize", "discriminatorSteps", "generatorSettings.learningRate",
    "discriminatorSettings.learningRate", "seed",
  ]

  public init(_ runs: [RunRecord]) {
    let allKeys = Set(runs.flatMap(\.config.keys))
    func text(_ run: RunRecord, _ key: String) -> String { run.config[key]?.text ?? "—" }
    let differing = allKeys.filter { key in Set(runs.map { text($0, key) }).count > 1 }
    keys = Self.alwaysShown.filter(allKeys.contains) + GroupOrdering.sorted(differing.subtracting(Self.alwaysShown))
    var values: [String: [String]] = [:]
    for key in keys { values[key] = runs.map { text($0, key) } }
    self.values = values
    shared = Self.context.compactMap { key in
      guard allKeys.contains(key), !differing.contains(key), let first = runs.first else { return nil }
      return (key, text(first, key))
    }
  }
}
