import Foundation
import GraftGAN
import GraftOptimizers
import GraftReport

/// The paper's magnitude observation: with Adam, the ratio of the generator's to the discriminator's
/// per-layer update norms settles to a roughly constant value. Adam runs on several seeds per setting
/// record the norms (metrics.jsonl); each run's ratio is plotted and its spread over the second half
/// measured, and the spread is reported over the seeds.
public struct MagnitudeExperiment: Experiment {
  public static let name = "magnitudes"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  /// The coefficient of variation below which the ratio counts as "roughly constant".
  public static let constancyThreshold = 0.3

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
    var md = "### Magnitude ratio under Adam: ‖Δ_G‖ / ‖Δ_D‖ per layer (layers paired by position from the input)\n\n"
    md +=
      "Per setting, \(seeds) seed(s): mean ± half-width of the 95% Student-t interval over the seeds, then the per-seed values in seed order. The per-seed measure is the ratio's coefficient of variation (std / mean) over the second half of training.\n\n"
    md +=
      "| setting | steps | settled ratio (mean over 2nd half) | coefficient of variation | missing runs | figure (seed 0) |\n|---|---|---|---|---|---|\n"
    var checks: [ClaimCheck] = []
    var measures: [String: SeedStatistics] = [:]
    for setting in settings {
      var ratios: [String: Double] = [:]
      var variations: [String: Double] = [:]
      var steps = 0
      var missing = 0
      let runs = sweep.runs.filter { $0.labels["setting"] == setting.name }
      for run in runs {
        guard let record = try? RunRecord.load(run.directory), let settled = MagnitudeRatio(record.metrics).settled()
        else {
          missing += 1
          continue
        }
        let figure = run.directory.appendingPathComponent("magnitude-ratio.svg")
        try Data(RunPlots.magnitudeRatio(record).render().utf8).write(to: figure)
        let seed = run.labels["seed"] ?? run.name
        ratios[seed] = settled.mean
        variations[seed] = settled.variation
        steps = max(steps, record.metrics.entries.last?.step ?? 0)
      }
      let ratio = SeedStatistics(bySeed: ratios)
      let variation = SeedStatistics(bySeed: variations)
      measures["\(setting.name)/ratio"] = ratio
      measures["\(setting.name)/variation"] = variation
      let figure = runs.first.map { "[svg](\($0.name)/magnitude-ratio.svg)" } ?? ""
      md +=
        "| \(setting.name) | \(steps) | \(ratio.formatted(digits: 3)) | \(variation.formatted(digits: 3)) | \(missing) of \(runs.count) | \(figure) |\n"
      checks.append(
        ClaimCheck(
          claim:
            "With Adam the G/D update-norm ratio stays roughly constant after an initial phase (\(setting.name): coefficient of variation below \(Self.constancyThreshold))",
          evidence: evidence("coefficient of variation", variation, digits: 3)
            + "; mean ratio \(ratio.formatted(digits: 3))",
          rule: RuleText.atMost("the coefficient of variation", "\(Self.constancyThreshold)") + RuleText.otherwise,
          verdict: Verdict.atMost(variation, Self.constancyThreshold)))
    }
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks,
      highlightedRuns: sweep.runs.filter { $0.labels["seed"] == "0" }.map(\.directory.path), measures: measures)
  }
}
