import Foundation
import GraftIO
import GraftOptimizers

/// metrics.jsonl, read: the training lines (losses, learning rates, per-group norms) and the
/// evaluation lines (`{"step": N, "eval": {...}}`), each ordered by step. A line that does not parse
/// (e.g. the torn last line of a killed run) is counted and skipped; a step logged twice keeps its
/// last line.
public struct MetricsLog: Sendable {
  /// One logged training step.
  public struct Entry: Sendable {
    public var step: Int
    /// Scalar fields: `loss_d`, `loss_g`, `time`, `lr_g`, `lr_d`, ...
    public var scalars: [String: Double]
    /// Per-group fields: `g_update_norm`, `d_grad_norm`, `g_magnitude_norm`, ... → group → value.
    public var groups: [String: [String: Double]]

    public init(step: Int, scalars: [String: Double] = [:], groups: [String: [String: Double]] = [:]) {
      self.step = step
      self.scalars = scalars
      self.groups = groups
    }
  }

  /// One evaluation: its numeric metrics (nested objects flattened to dotted keys, arrays left out).
  public struct Evaluation: Sendable {
    public var step: Int
    public var values: [String: Double]
    public init(step: Int, values: [String: Double]) {
      self.step = step
      self.values = values
    }
  }

  public var entries: [Entry]
  public var evaluations: [Evaluation]
  public var skippedLines: Int

  public init(entries: [Entry] = [], evaluations: [Evaluation] = [], skippedLines: Int = 0) {
    self.entries = entries
    self.evaluations = evaluations
    self.skippedLines = skippedLines
  }

  /// Parses the text of a metrics.jsonl file.
  public init(text: String) {
    var entries: [Int: Entry] = [:]
    var evaluations: [Int: Evaluation] = [:]
    var skipped = 0
    for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
      // A step that is no integer (1e308, -1.5: a damaged line) skips the line; converting it trapped.
      guard let value = try? JSONValue.parse(line.utf8), case .object(let members) = value,
        let stepValue = value["step"]?.number, let step = Int(exactly: stepValue)
      else {
        skipped += 1
        continue
      }
      if let eval = value["eval"] {
        evaluations[step] = Evaluation(step: step, values: eval.numericLeaves())
        continue
      }
      var entry = Entry(step: step)
      for (key, field) in members where key != "step" {
        if let number = field.number {
          entry.scalars[key] = number
        } else if let groups = field.dictionary {
          entry.groups[key] = groups.compactMapValues(\.number)
        }
      }
      entries[step] = entry
    }
    self.entries = entries.values.sorted { $0.step < $1.step }
    self.evaluations = evaluations.values.sorted { $0.step < $1.step }
    skippedLines = skipped
  }

  /// (step, value) of a scalar field over the training lines that have it.
  public func series(_ key: String) -> [SVGPlot.Point] {
    entries.compactMap { e in e.scalars[key].map { SVGPlot.Point(Double(e.step), $0) } }
  }

  /// (step, value) of an evaluation metric.
  public func evaluationSeries(_ key: String) -> [SVGPlot.Point] {
    evaluations.compactMap { e in e.values[key].map { SVGPlot.Point(Double(e.step), $0) } }
  }

  /// The group names a per-group field uses anywhere in the log, in network order.
  public func groupNames(_ field: String) -> [String] {
    GroupOrdering.sorted(Set(entries.flatMap { $0.groups[field]?.keys.map { $0 } ?? [] }))
  }

  /// Every per-group field in the log.
  public var groupFields: Set<String> { Set(entries.flatMap(\.groups.keys)) }

  /// Every evaluation metric in the log.
  public var evaluationKeys: Set<String> { Set(evaluations.flatMap(\.values.keys)) }

  /// The last value of a scalar field.
  public func last(_ key: String) -> Double? { entries.last { $0.scalars[key] != nil }?.scalars[key] }
}
