import Foundation
import GraftIO
import GraftOptimizers
import GraftRun

/// metrics.jsonl, read: the training lines (losses, learning rates, per-group norms) and the
/// evaluation lines (`{"step": N, "eval": {...}}`), each ordered by step. A line that does not parse
/// (e.g. the torn last line of a killed run) is counted and skipped; a step logged twice keeps its
/// last line.
public struct MetricsLog: Sendable {
  /// One evaluation: what it measured.
  public struct Evaluation: Sendable {
    public var step: Int
    public var measures: [Measure]
    public init(step: Int, measures: [Measure]) {
      self.step = step
      self.measures = measures
    }

    public func value(_ key: String) -> Double? { measures.first { $0.key == key }?.value }
  }

  public var entries: [TrainingMetrics]
  public var evaluations: [Evaluation]
  public var skippedLines: Int

  public init(entries: [TrainingMetrics] = [], evaluations: [Evaluation] = [], skippedLines: Int = 0) {
    self.entries = entries
    self.evaluations = evaluations
    self.skippedLines = skippedLines
  }

  /// Parses the text of a metrics.jsonl file.
  public init(text: String) {
    let (lines, unreadable) = MetricsLine.lines(of: text)
    var entries: [Int: TrainingMetrics] = [:]
    var evaluations: [Int: Evaluation] = [:]
    for line in lines {
      switch line {
      case .training(let t): entries[t.step] = t
      case .evaluation(let step, let e): evaluations[step] = Evaluation(step: step, measures: e.measures)
      }
    }
    self.entries = entries.values.sorted { $0.step < $1.step }
    self.evaluations = evaluations.values.sorted { $0.step < $1.step }
    skippedLines = unreadable
  }

  /// (step, value) of a scalar over the training lines that have it.
  public func series(_ scalar: TrainingScalar) -> [SVGPlot.Point] {
    entries.compactMap { e in scalar.value(in: e).map { SVGPlot.Point(Double(e.step), $0) } }
  }

  /// (step, value) of an evaluation measure, by its key.
  public func evaluationSeries(_ key: String) -> [SVGPlot.Point] {
    evaluations.compactMap { e in e.value(key).map { SVGPlot.Point(Double(e.step), $0) } }
  }

  /// The group names a player's per-group norm uses anywhere in the log, in network order.
  public func groupNames(_ player: Player, _ kind: NormKind) -> [String] {
    GroupOrdering.sorted(Set(entries.flatMap { $0[player][kind]?.keys.map { $0 } ?? [] }))
  }

  /// Every measure the log's evaluations have, each once (the first evaluation's that has it), in the order
  /// the evaluations list them.
  public var evaluationMeasures: [Measure] { evaluations.flatMap(\.measures).firstOfEachKey() }

  /// The last value of a scalar.
  public func last(_ scalar: TrainingScalar) -> Double? { entries.reversed().lazy.compactMap(scalar.value).first }
}
