import GraftRun
import GraftIO
import GraftStatistics

/// Runs whose configs are equal except for the seed: repeats of one configuration, whose results the
/// report states over seeds (mean ± 95% interval, per-seed values) rather than run by run.
/// The git commit is not part of the configuration: a sweep's runs record the checkout's HEAD when
/// each started, which may move while the sweep runs.
public struct SeedGroups: Sendable {
  public struct Group: Sendable {
    /// Indices of the group's runs in the report's run list, in that order.
    public var runs: [Int]
    /// The seed of each run ("?" where its config has none).
    public var seeds: [String]
    /// What sets the group apart from the others: "adam, generatorSettings.learningRate = 0.001".
    public var label: String
  }

  public var groups: [Group]

  /// Config keys that do not make two runs different configurations.
  static let ignored: Set<String> = ["seed", "gitCommit"]

  public init(_ runs: [RunRecord]) {
    func key(_ run: RunRecord) -> [String: String] {
      run.config.filter { !Self.ignored.contains($0.key) }.mapValues(\.text)
    }
    var keys: [[String: String]] = []
    var members: [[Int]] = []
    for (i, run) in runs.enumerated() {
      let k = key(run)
      if let g = keys.firstIndex(of: k) {
        members[g].append(i)
      } else {
        keys.append(k)
        members.append([i])
      }
    }
    // A group's label: its optimizers, then the settings that differ between groups.
    let firsts = members.map { runs[$0[0]] }
    let differing = ConfigDifferences(firsts).keys.filter {
      !ConfigDifferences.alwaysShown.contains($0) && !Self.ignored.contains($0)
    }
    groups = zip(members, firsts).map { indices, first in
      let settings = differing.map { "\($0) = \(first.config[$0]?.text ?? "—")" }
      return Group(
        runs: indices, seeds: indices.map { runs[$0].config["seed"]?.text ?? "?" },
        label: ([first.optimizerLabel] + settings).joined(separator: ", "))
    }
  }

  /// Whether some configuration was run on more than one seed.
  public var hasRepeats: Bool { groups.contains { $0.runs.count > 1 } }

  /// A column's values for one group, labelled by seed (runs without the metric left out).
  public func statistics(_ column: ComparisonTable.Column, _ group: Group) -> SeedStatistics {
    SeedStatistics(
      leavingOutMissing: zip(group.runs, group.seeds).map { (seed: $1, value: column.values[$0]) },
      bounds: column.bounds)
  }
}
