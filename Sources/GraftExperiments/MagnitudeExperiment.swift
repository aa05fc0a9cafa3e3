import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

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

  /// A setting: its name and the config Adam trains.
  typealias Setting = (name: String, config: TrainingConfig)

  /// The settings Adam trains, by name.
  var settings: [Setting] {
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

  /// A setting's plan before its pilot has settled: seeds from 0 (there is no screen to keep apart), a
  /// pilot of 5 (quick: 3), at least the scale's seeds, at most 20.
  var pendingPlan: SeedPlan {
    SeedPlan(scale: scale, minimum: scale.seeds, budget: 20, quickExtra: 0, first: 0)
  }

  /// A setting's seed count, fixed from its claim on the pilot seeds once those runs have settled. Each
  /// setting has its own: a Fashion-MNIST seed costs a hundred ring8 ones.
  func seedPlan(_ setting: Setting) -> SeedPlan {
    let plan = pendingPlan
    let pilot = runs(setting, seeds: plan.pilotSeeds)
    guard pilot.allSatisfy(Sweep.isSettled) else { return plan }
    return plan.fixed(by: [claim(setting.name, Measurement(pilot))])
  }

  /// Adam on `setting` at `seeds`.
  func runs(_ setting: Setting, seeds: [Int]) -> [Sweep.Run] {
    seeds.map { seed in
      var config = setting.config
      config.setOptimizer(.adam)
      config.seed = UInt64(seed)
      return makeRun("\(setting.name)-seed\(seed)", config, labels: [.setting: setting.name, .seed: "\(seed)"])
    }
  }

  public var runs: [Sweep.Run] {
    settings.flatMap { runs($0, seeds: seedPlan($0).confirmationSeeds) }
  }

  /// A setting's ratios over its seeds: the settled ratio, its step noise and its drift per seed, and
  /// the per-layer drifts.
  struct Measurement {
    var ratio: SeedStatistics
    var variation: SeedStatistics
    var drift: SeedStatistics
    /// log(drift): the claim's measure, symmetric about 0.
    var logDrift: SeedStatistics
    /// Per paired layer, the drift of each seed that has it.
    var layerDrifts: [[Double]] = []
    /// The longest run's last logged step.
    var steps = 0
    /// Runs without a usable record (not finished, diverged, or too short to settle).
    var missing = 0
    /// The usable runs' records, for their figures.
    var records: [(run: Sweep.Run, record: RunRecord)] = []

    init(_ runs: [Sweep.Run]) {
      let window = MagnitudeRatio.smoothingWindow
      var ratios: [String: Double] = [:]
      var variations: [String: Double] = [:]
      var drifts: [String: Double] = [:]
      for run in runs {
        // MagnitudeRatio is computed from the metrics on each access of `record.magnitudeRatio`: once here.
        guard let record = try? RunRecord.load(run.directory) else {
          missing += 1
          continue
        }
        let magnitude = record.magnitudeRatio
        guard let settled = magnitude.settled(), let drift = magnitude.drift(window: window) else {
          missing += 1
          continue
        }
        let seed = run.seedKey
        ratios[seed] = settled.mean
        variations[seed] = settled.variation
        drifts[seed] = drift
        records.append((run, record))
        for (i, d) in magnitude.layerDrifts(window: window).enumerated() {
          if layerDrifts.count <= i { layerDrifts.append([]) }
          if let d { layerDrifts[i].append(d) }
        }
        steps = max(steps, record.metrics.entries.last?.step ?? 0)
      }
      ratio = SeedStatistics(bySeed: ratios)
      variation = SeedStatistics(bySeed: variations)
      drift = SeedStatistics(bySeed: drifts)
      logDrift = SeedStatistics(bySeed: drifts.mapValues { Foundation.log($0) })
    }
  }

  /// The claim on one setting: its log drift within ±log of the band's upper end.
  func claim(_ setting: String, _ m: Measurement) -> Claim {
    let band = MagnitudeRatio.driftBand
    let window = MagnitudeRatio.smoothingWindow
    let margin = Foundation.log(band.upperBound)
    let inBand = m.drift.values.filter { band.contains($0) }.count
    return Claim(
      claim:
        "With Adam the G/D update-norm ratio stays roughly constant after an initial phase (\(setting): the smoothed ratio drifts by less than ×\(band.upperBound) from the third to the fourth quarter)",
      parts: [
        ClaimPart(
          what:
            "the log drift (log of mean Q4 / mean Q3 of the ratio smoothed over \(window) logged steps; ±\(format(margin, 3)) = ±log \(band.upperBound))",
          statistics: m.logDrift, criterion: .within(margin: margin), digits: 3)
      ],
      context: "drift \(m.drift.formatted(digits: 3)); "
        + "\(inBand) of \(m.drift.count) runs in [\(band.lowerBound), \(band.upperBound)]; mean ratio \(m.ratio.formatted(digits: 3))"
    )
  }

  public func summarize(_ sweep: Sweep) throws -> ExperimentResult {
    let band = MagnitudeRatio.driftBand
    let window = MagnitudeRatio.smoothingWindow
    var md = "### Magnitude ratio under Adam: ‖Δ_G‖ / ‖Δ_D‖ per layer (layers paired by position from the input)\n\n"
    md +=
      "Per setting, the seeds its plan fixed: mean ± half-width of the 95% Student-t interval over the seeds, then the per-seed values in seed order. "
      + "Drift: the player-level ratio (mean ‖Δ_G‖ over G's layers / mean ‖Δ_D‖ over D's) smoothed by a centered moving average over \(window) logged steps, "
      + "then its mean over the run's fourth quarter divided by its mean over the third; a run's ratio counts as constant when its drift lies in "
      + "[\(band.lowerBound), \(band.upperBound)]. Per-layer drift: the same per paired layer, mean over the seeds. "
      + "The raw ratio's coefficient of variation over the second half is shown for reference only: it measures step noise, not drift.\n\n"
    var plans = ""
    var table = MarkdownTable([
      "setting", "seeds", "steps", "settled ratio (mean over 2nd half)", "drift Q4/Q3", "runs in band",
      "per-layer drift (mean over seeds)", "raw coefficient of variation", "missing runs", "figure (seed 0)",
    ])
    var checks: [ClaimCheck] = []
    var measures: [String: SeedStatistics] = [:]
    for setting in settings {
      let plan = seedPlan(setting)
      plans += "**\(setting.name)**. " + plan.markdown
      let runs = sweep.runs.filter { $0.labels[.setting] == setting.name }
      let m = Measurement(runs)
      for (run, record) in m.records {
        let figure = run.directory.appendingPathComponent("magnitude-ratio.svg")
        try Data(RunPlots.magnitudeRatio(record, smoothing: window).render().utf8).write(to: figure)
      }
      measures["\(setting.name)/ratio"] = m.ratio
      measures["\(setting.name)/variation"] = m.variation
      measures["\(setting.name)/drift"] = m.drift
      measures["\(setting.name)/logDrift"] = m.logDrift
      let inBand = m.drift.values.filter { band.contains($0) }.count
      let perLayer = m.layerDrifts.enumerated().map { i, values in
        "\(i + 1): " + (values.isEmpty ? "–" : format(values.reduce(0, +) / Double(values.count), 3))
      }.joined(separator: ", ")
      let figure = runs.first.map { "[svg](\($0.name)/magnitude-ratio.svg)" } ?? ""
      table.add(
        setting.name, "\(plan.seeds)", "\(m.steps)", m.ratio.formatted(digits: 3), m.drift.formatted(digits: 3),
        "\(inBand) of \(m.drift.count)", perLayer, m.variation.formatted(digits: 3), "\(m.missing) of \(runs.count)",
        figure)
      checks.append(claim(setting.name, m).check)
    }
    return ExperimentResult(
      name: Self.name, markdown: md + plans + table.markdown, checks: checks,
      highlightedRuns: sweep.runs.filter { $0.config.seed == 0 }.map(\.directory.path), measures: measures)
  }
}
