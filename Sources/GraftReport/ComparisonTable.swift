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

    public init(
      key: String, label: String, values: [Double?], isResult: Bool = true, texts: [String?]? = nil,
      bounds: ClosedRange<Double>? = nil
    ) {
      self.key = key
      self.label = label
      self.values = values
      self.isResult = isResult
      self.texts = texts ?? values.map { _ in nil }
      self.bounds = bounds
    }

    public func text(_ run: Int) -> String {
      if let t = texts[run] { return t }
      return values[run].map(NumberFormatting.metric) ?? "—"
    }
  }

  public var runNames: [String]
  public var statuses: [String]
  public var columns: [Column]

  /// Keys of summary.json shown in their own columns or not at all.
  static let bookkeeping: Set<String> = [
    "steps", "stepsPerSecond", "wallSeconds", "discriminatorLoss", "generatorLoss",
  ]

  public init(_ runs: [RunRecord]) {
    runNames = runs.map(\.name)
    statuses = runs.map { $0.status?.rawValue ?? ($0.summary == nil ? "no summary" : "?") }
    var columns: [Column] = []
    func add(_ key: String, _ label: String, result: Bool, _ value: (RunRecord) -> Double?) {
      let values = runs.map(value)
      guard values.contains(where: { $0 != nil }) else { return }
      columns.append(Column(key: key, label: label, values: values, isResult: result, texts: values.map { _ in nil }))
    }
    add("steps", "steps", result: false) { $0.summary?["steps"] ?? $0.metrics.entries.last.map { Double($0.step) } }
    add("stepsPerSecond", "steps/s", result: false) { $0.summary?["stepsPerSecond"] }
    for player in [Player.discriminator, .generator] {
      let key = TrainingScalar.loss(player).key
      add(key, "final \(key)", result: false) { Self.finalLoss($0, player) }
    }

    let summaryKeys = GroupOrdering.sorted(
      Set(runs.flatMap { $0.summary?.keys.map { $0 } ?? [] }).subtracting(Self.bookkeeping))
    for key in summaryKeys where !key.hasSuffix("modeCount") {
      add(key, MetricLabels.label(key), result: true) { $0.summary?[key] }
    }
    // "modes covered" reads better as "3 / 8", with the mode count from the same object.
    for i in columns.indices where columns[i].key.hasSuffix("modesCovered") {
      let countKey = String(columns[i].key.dropLast("modesCovered".count)) + "modeCount"
      columns[i].bounds = runs.compactMap { $0.summary?[countKey] }.max().map { 0...$0 }
      columns[i].texts = runs.indices.map { r in
        guard let covered = columns[i].values[r], let count = runs[r].summary?[countKey] else { return nil }
        return "\(NumberFormatting.metric(covered)) / \(NumberFormatting.metric(count))"
      }
    }
    // The other bounded summary metrics: shares, and the synthetic setting's modes (of its K modes).
    for i in columns.indices where columns[i].key.hasSuffix("Share") { columns[i].bounds = 0...1 }
    for i in columns.indices where columns[i].key.hasSuffix("modesRecovered") {
      columns[i].bounds = runs.compactMap { $0.config["theory.modes"]?.number }.max().map { 0...$0 }
    }
    add("updateRatio", "G/D update ratio (settled)", result: false) { $0.magnitudeRatio.settled()?.mean }
    add("updateRatioVariation", "ratio variation", result: false) { $0.magnitudeRatio.settled()?.variation }

    let evalKeys = GroupOrdering.sorted(Set(runs.flatMap { $0.evaluation?.keys.map { $0 } ?? [] }))
    for key in evalKeys {
      add("eval." + key, "\(MetricLabels.label(key)) (eval)", result: true) { $0.evaluation?[key] }
    }
    // The last evaluation during training (metrics.jsonl's `eval` lines): image metrics in each feature
    // space it measured (runs evaluated only by `graft evaluate` have them in the eval.json columns).
    for key in Self.trainingEvaluationKeys {
      add("lastEval." + key, "\(MetricLabels.label(key)) (last eval)", result: true) {
        $0.metrics.evaluations.last?.values[key]
      }
    }
    self.columns = columns
  }

  /// The image metrics a training-time evaluation writes, in the three feature spaces (GraftEval's
  /// ImageMetrics), shown from the last `eval` line.
  public static let trainingEvaluationKeys = ["fid", "kid", "precision", "recall"].flatMap { key in
    ["", "PreReLU", "Seed1"].map { key + $0 }
  }

  /// The final loss of a player: summary.json's, else the last logged one.
  public static func finalLoss(_ run: RunRecord, _ player: Player) -> Double? {
    run.summary?[player == .discriminator ? "discriminatorLoss" : "generatorLoss"]
      ?? run.metrics.last(.loss(player))
  }
}
