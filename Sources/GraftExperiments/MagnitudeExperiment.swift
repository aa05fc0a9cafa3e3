import Foundation
import GraftGAN
import GraftOptimizers
import GraftReport

/// The paper's magnitude observation: with Adam, the ratio of the generator's to the discriminator's
/// per-layer update norms settles to a roughly constant value. Adam runs on several seeds per setting
/// record the norms (metrics.jsonl). "Constant" is judged by drift, not by step noise: each run's ratio
/// is smoothed (`MagnitudeRatio.smoothed`) and its fourth-quarter mean compared with its third-quarter
/// mean (`MagnitudeRatio.drift`); the log drift is then judged over the seeds.
public struct MagnitudeExperiment: Experiment {
  public static let name = "magnitudes"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  /// The settings Adam trains, by name.
  var settings: [(name: String, config: TrainingConfig)] {
    // The non-saturating loss at a constant rate: a decaying rate would shrink both players' steps.
    var ring = preset("ring8-mlp")
    ring.steps = scale.quick ? 1000 : 4000
    ring.loss = .nonSaturating
    ring.schedule.decay = .constant
    ring.logEvery = 10
    var fashion = preset("fashion-dcgan")
    fashion.steps = 1500
    fashion.logEvery = 10
    return scale.quick ? [("ring8-adam", ring)] : [("ring8-adam", ring), ("fashion-dcgan-adam", fashion)]
  }

  public var runs: [Sweep.Run] {
    var runs: [Sweep.Run] = []
    for setting in settings {
      for seed in 0..<seeds {
        var config = setting.config
        config.setOptimizer("adam")
        config.seed = UInt64(seed)
        runs.append(
          makeRun("\(setting.name)-seed\(seed)", config, labels: ["setting": setting.name, "seed": "\(seed)"]))
      }
    }
    return runs
  }

  public func summarize(_ sweep: Sweep) throws -> ExperimentResult {
    let band = MagnitudeRatio.driftBand
    let window = MagnitudeRatio.smoothingWindow
    var md = "### Magnitude ratio under Adam: ‖Δ_G‖ / ‖Δ_D‖ per layer (layers paired by position from the input)\n\n"
    md +=
      "Per setting, \(seeds) seed(s): mean ± half-width of the 95% Student-t interval over the seeds, then the per-seed values in seed order. "
      + "Drift: the player-level ratio (mean ‖Δ_G‖ over G's layers / mean ‖Δ_D‖ over D's) smoothed by a centered moving average over \(window) logged steps, "
      + "then its mean over the run's fourth quarter divided by its mean over the third; a run's ratio counts as constant when its drift lies in "
      + "[\(band.lowerBound), \(band.upperBound)]. Per-layer drift: the same per paired layer, mean over the seeds. "
      + "The raw ratio's coefficient of variation over the second half is shown for reference only: it measures step noise, not drift.\n\n"
    md +=
      "| setting | steps | settled ratio (mean over 2nd half) | drift Q4/Q3 | runs in band | per-layer drift (mean over seeds) | raw coefficient of variation | missing runs | figure (seed 0) |\n|---|---|---|---|---|---|---|---|---|\n"
    var checks: [ClaimCheck] = []
    var measures: [String: SeedStatistics] = [:]
    for setting in settings {
      var ratios: [String: Double] = [:]
      var variations: [String: Double] = [:]
      var drifts: [String: Double] = [:]
      var layerDrifts: [[Double]] = []
      var steps = 0
      var missing = 0
      let runs = sweep.runs.filter { $0.labels["setting"] == setting.name }
      for run in runs {
        guard let record = try? RunRecord.load(run.directory) else {
          missing += 1
          continue
        }
        let ratio = record.magnitudeRatio
        guard let settled = ratio.settled(), let drift = ratio.drift(window: window) else {
          missing += 1
          continue
        }
        let figure = run.directory.appendingPathComponent("magnitude-ratio.svg")
        try Data(RunPlots.magnitudeRatio(record, smoothing: window).render().utf8).write(to: figure)
        let seed = run.labels["seed"] ?? run.name
        ratios[seed] = settled.mean
        variations[seed] = settled.variation
        drifts[seed] = drift
        for (i, d) in ratio.layerDrifts(window: window).enumerated() {
          if layerDrifts.count <= i { layerDrifts.append([]) }
          if let d { layerDrifts[i].append(d) }
        }
        steps = max(steps, record.metrics.entries.last?.step ?? 0)
      }
      let ratio = SeedStatistics(bySeed: ratios)
      let variation = SeedStatistics(bySeed: variations)
      let drift = SeedStatistics(bySeed: drifts)
      let logDrift = SeedStatistics(bySeed: drifts.mapValues { Foundation.log($0) })
      measures["\(setting.name)/ratio"] = ratio
      measures["\(setting.name)/variation"] = variation
      measures["\(setting.name)/drift"] = drift
      measures["\(setting.name)/logDrift"] = logDrift
      let inBand = drift.values.filter { band.contains($0) }.count
      let perLayer = layerDrifts.enumerated().map { i, values in
        "\(i + 1): " + (values.isEmpty ? "–" : format(values.reduce(0, +) / Double(values.count), 3))
      }.joined(separator: ", ")
      let figure = runs.first.map { "[svg](\($0.name)/magnitude-ratio.svg)" } ?? ""
      md +=
        "| \(setting.name) | \(steps) | \(ratio.formatted(digits: 3)) | \(drift.formatted(digits: 3)) | \(inBand) of \(drift.count) | \(perLayer) | \(variation.formatted(digits: 3)) | \(missing) of \(runs.count) | \(figure) |\n"
      let margin = Foundation.log(band.upperBound)
      checks.append(
        Claim(
          claim:
            "With Adam the G/D update-norm ratio stays roughly constant after an initial phase (\(setting.name): the smoothed ratio drifts by less than ×\(band.upperBound) from the third to the fourth quarter)",
          parts: [
            ClaimPart(
              what:
                "the log drift (log of mean Q4 / mean Q3 of the ratio smoothed over \(window) logged steps; ±\(format(margin, 3)) = ±log \(band.upperBound))",
              statistics: logDrift, criterion: .within(margin: margin), digits: 3)
          ],
          context: "drift \(drift.formatted(digits: 3)); "
            + "\(inBand) of \(drift.count) runs in [\(band.lowerBound), \(band.upperBound)]; mean ratio \(ratio.formatted(digits: 3))"
        ).check)
    }
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks,
      highlightedRuns: sweep.runs.filter { $0.labels["seed"] == "0" }.map(\.directory.path), measures: measures)
  }
}
