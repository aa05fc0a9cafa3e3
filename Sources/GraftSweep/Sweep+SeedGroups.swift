import Foundation
import GraftIO
import GraftRun
import GraftStatistics

extension Sweep {
  /// Runs that differ only in their seed: the labels they share (all but "seed") and the runs.
  public struct SeedGroup: Sendable {
    public var labels: [RunLabel: String]
    public var runs: [Run]
  }

  /// The runs grouped by their labels other than "seed", in the order each group first appears.
  public var seedGroups: [SeedGroup] {
    var groups: [SeedGroup] = []
    for run in runs {
      let labels = run.labels.filter { $0.key != .seed }
      if let i = groups.firstIndex(where: { $0.labels == labels }) {
        groups[i].runs.append(run)
      } else {
        groups.append(SeedGroup(labels: labels, runs: [run]))
      }
    }
    return groups
  }

  /// The summary metrics of the seed table: a column label, decimals, how to read it from a summary
  /// (nil where the run does not have it), and the range its values lie in (nil: unbounded), which makes
  /// its interval a bootstrap one.
  static let seedMetrics:
    [(
      label: String, digits: Int, value: @Sendable (TrainingSummary) -> Double?,
      bounds: @Sendable (TrainingSummary) -> ClosedRange<Double>?
    )] = [
      ("loss D", 3, { Double($0.discriminatorLoss) }, { _ in nil }),
      ("loss G", 3, { Double($0.generatorLoss) }, { _ in nil }),
      (
        "modes covered", 1, { $0.mixture.map { Double($0.modesCovered) } },
        { $0.mixture.map { 0...Double($0.modeCount) } }
      ),
      ("high-quality share (%)", 1, { $0.mixture.map { Double($0.highQualityShare) * 100 } }, { _ in 0...100 }),
      (
        "modes recovered", 1, { $0.theory.map { Double($0.modesRecovered) } },
        { $0.theory.map { 0...Double($0.bestCosines.count) } }
      ),
    ]

  /// A Markdown table with one row per configuration (runs equal but for the seed): each summary
  /// metric as mean ± 95% interval over the seeds that finished, with the per-seed values. A
  /// configuration with one seed shows n=1 and no interval.
  public func seedSummaryTable() -> String {
    let groups = seedGroups
    let keys = Array(Set(runs.flatMap { $0.labels.keys }).subtracting([.seed])).sorted()
    let summaries = groups.map { $0.runs.map { (run: $0, summary: Self.summary($0)) } }
    let metrics = Self.seedMetrics.filter { metric in
      summaries.joined().contains { $0.summary.flatMap(metric.value) != nil }
    }
    var table = MarkdownTable(keys.map(\.rawValue) + ["seeds", "finished"] + metrics.map(\.label))
    for (group, runs) in zip(groups, summaries) {
      let seeds = runs.map { $0.run.labels[.seed] ?? $0.run.name }
      let finished = runs.filter { $0.summary?.status == .finished }.count
      var row = keys.map { group.labels[$0] ?? "" }
      row.append(zip(seeds, runs).map { $0 + ($1.summary == nil ? "†" : "") }.joined(separator: ", "))
      row.append("\(finished) of \(runs.count)")
      for metric in metrics {
        let entries = zip(seeds, runs).map { (seed: $0, value: $1.summary.flatMap(metric.value)) }
        let bounds = runs.lazy.compactMap { $0.summary.flatMap(metric.bounds) }.first
        row.append(SeedStatistics(leavingOutMissing: entries, bounds: bounds).formatted(digits: metric.digits))
      }
      table.add(row)
    }
    return table.markdown
  }

  /// summary.md of a sweep: the per-configuration table over seeds, then the per-run table.
  public func summaryMarkdown() -> String {
    """
    ## Per configuration, over seeds

    The mean over the seeds whose run wrote a summary with its 95% interval (± the half-width of the Student-t interval for the losses; in brackets the BCa bootstrap interval for modes and shares, which are bounded), then the per-seed values in the order of the seeds column (n=1: one seed, no interval). † marks a seed whose run wrote no summary (missing or stopped); it is left out.

    \(seedSummaryTable())

    ## Per run

    \(summaryTable())

    """
  }
}
