import Foundation

/// Collapse over time in the synthetic setting: the modes recovered at each evaluation of a run
/// (`--evaluate-every`), and what that sequence says about mode collapse. A run judged only at its end
/// can look collapsed while it oscillates between one mode and all of them; this tells the two apart.
public struct TheoryTimeline: Codable, Equatable, Sendable {
  /// The evaluated steps, in order.
  public var steps: [Int]
  /// Modes recovered (`TheoryRecovery.modesRecovered`) at each of `steps`.
  public var modes: [Int]

  public init(steps: [Int], modes: [Int]) {
    precondition(steps.count == modes.count, "TheoryTimeline: \(steps.count) steps for \(modes.count) mode counts")
    self.steps = steps
    self.modes = modes
  }

  /// The share of evaluations (0…1) at which exactly one mode was held; 0 with no evaluation.
  public var oneModeShare: Double {
    modes.isEmpty ? 0 : Double(modes.filter { $0 == 1 }.count) / Double(modes.count)
  }

  /// The most modes held at any evaluation (0 with none).
  public var maximumModes: Int { modes.max() ?? 0 }

  /// Whether the run held exactly one mode at some evaluation and two or more at a later one: a run
  /// that collapsed for good never does.
  public var leftOneMode: Bool {
    guard let first = modes.firstIndex(of: 1) else { return false }
    return modes[first...].contains { $0 >= 2 }
  }

  /// The timeline of the evaluations in a run's metrics.jsonl (the lines `{"step": s, "eval": {…,
  /// "modesRecovered": m}}`); nil when the file has none (a run without `--evaluate-every`, or not a
  /// synthetic-setting run).
  public init?(metrics url: URL) {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
    var steps: [Int] = []
    var modes: [Int] = []
    for case .evaluation(let step, let evaluation) in MetricsLine.lines(of: text).lines {
      guard let m = evaluation.numbers["modesRecovered"].flatMap({ Int(exactly: $0) }) else { continue }
      steps.append(step)
      modes.append(m)
    }
    guard !steps.isEmpty else { return nil }
    self.init(steps: steps, modes: modes)
  }
}
