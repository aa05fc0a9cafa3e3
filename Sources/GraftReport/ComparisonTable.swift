import GraftIO
import GraftOptimizers
import GraftRun
import GraftStatistics

/// The metrics table of a report: one row per run, one column per metric any run has. Columns are,
/// in order: steps, steps/s, final losses, the summary's metrics (mixture coverage, the synthetic
/// setting's recovered modes), the settled G/D update ratio, eval.json's metrics, then the image metrics
/// of the last evaluation during training.
public struct ComparisonTable: Sendable {
  public struct Column: Sendable {
    public var key: String
    public var label: String
    /// One value per run (nil where the run lacks the metric).
    public var values: [Double?]
    /// Whether the column is a result worth a bar chart (not bookkeeping such as steps).
    public var isResult: Bool
    /// Cell text per run, when not just the number (e.g. "3 / 8" modes).
    public var texts: [String?]
    /// The range the metric's values lie in (modes covered: 0…K; shares: 0…1), nil when unbounded: over
    /// seeds, a bounded metric gets a bootstrap interval (`SeedStatistics.bounds`).
    public var bounds: ClosedRange<Double>?
    /// Decimals of its mean over seeds.
    public var digits: Int

    public init(
      key: String, label: String, values: [Double?], isResult: Bool = true, texts: [String?]? = nil,
      bounds: ClosedRange<Double>? = nil, digits: Int = 3
    ) {
      self.key = key
      self.label = label
      self.values = values
      self.isResult = isResult
      self.texts = texts ?? values.map { _ in nil }
      self.bounds = bounds
      self.digits = digits
    }

    public func text(_ run: Int) -> String {
      if let t = texts[run] { return t }
      return values[run].map(NumberFormatting.metric) ?? "—"
    }
  }

  public var runNames: [String]
  public var statuses: [String]
  public var columns: [Column]

  public init(_ runs: [RunRecord]) {
    runNames = runs.map(\.name)
    statuses = runs.map { $0.status?.rawValue ?? "no summary" }
    var columns: [Column] = []
    func add(_ key: String, _ label: String, result: Bool, _ value: (RunRecord) -> Double?) {
      let values = runs.map(value)
      guard values.contains(where: { $0 != nil }) else { return }
      columns.append(Column(key: key, label: label, values: values, isResult: result))
    }
    // A column per measure any run has, in the order the runs' files declare them; a count out of a
    // total reads "3 / 8", and its bounds cover every run's.
    func addMeasures(_ prefix: String, _ suffix: String, _ measures: (RunRecord) -> [Measure]) {
      let perRun = runs.map(measures)
      for key in perRun.joined().firstOfEachKey().map(\.key) {
        let found = perRun.map { $0.first { $0.key == key } }
        let first = found.lazy.compactMap { $0 }.first!
        let bounds = found.compactMap { $0?.bounds }.reduce(nil as ClosedRange<Double>?) { union, b in
          union.map { min($0.lowerBound, b.lowerBound)...max($0.upperBound, b.upperBound) } ?? b
        }
        let texts = found.map { m in
          m.flatMap { m in m.total.map { "\(NumberFormatting.metric(m.value)) / \(NumberFormatting.metric($0))" } }
        }
        columns.append(
          Column(
            key: prefix + key, label: first.label + suffix, values: found.map { $0?.value }, texts: texts,
            bounds: bounds, digits: first.digits))
      }
    }
    add("steps", "steps", result: false) {
      $0.summary.map { Double($0.steps) } ?? $0.metrics.entries.last.map { Double($0.step) }
    }
    add("stepsPerSecond", "steps/s", result: false) { $0.summary?.stepsPerSecond }
    for player in [Player.discriminator, .generator] {
      let key = TrainingScalar.loss(player).key
      add(key, "final \(key)", result: false) { Self.finalLoss($0, player) }
    }
    add("peakMemory", "peak memory (MB)", result: false) { $0.summary?.peakResidentMegabytes }
    addMeasures("", "") { $0.summary?.measures ?? [] }
    add("updateRatio", "G/D update ratio (settled)", result: false) { $0.magnitudeRatio.settled()?.mean }
    add("updateRatioVariation", "ratio variation", result: false) { $0.magnitudeRatio.settled()?.variation }
    addMeasures("eval.", " (eval)") { $0.evaluation?.measures ?? [] }
    // The last evaluation during training (metrics.jsonl's `eval` lines): the image metrics of each
    // feature space it measured (runs evaluated only by `graft evaluate` have them in the eval.json columns).
    addMeasures("lastEval.", " (last eval)") {
      $0.metrics.evaluations.last?.measures.filter { $0.featureSpace != nil } ?? []
    }
    self.columns = columns
  }

  /// The final loss of a player: summary.json's, else the last logged one.
  public static func finalLoss(_ run: RunRecord, _ player: Player) -> Double? {
    let final = run.summary.map { Double(player == .discriminator ? $0.discriminatorLoss : $0.generatorLoss) }
    // NaN: a summary that does not know the loss (written as null).
    return final.flatMap { $0.isFinite ? $0 : nil } ?? run.metrics.last(.loss(player))
  }
}
