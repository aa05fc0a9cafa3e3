import Foundation
import GraftGAN
import GraftReport

/// The grafting study on images (PAPER.md, experiment 1): the same Fashion-MNIST DCGAN trained with
/// Adam, SGDA, Ada_nSGDA, SGDA_Ada and nSGDA; FID in the committed classifier's features, class
/// coverage, sample grids, FID over steps; every measure over seeds (mean ± 95% interval, per seed).
public struct GraftingExperiment: Experiment {
  public static let name = "grafting"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  public static let optimizers = ["adam", "sgda", "ada-nsgda", "sgda-ada", "nsgda"]

  /// One learning rate per optimizer, on the scale each one's step is measured in: Adam's own (and
  /// its magnitude in Ada_nSGDA), SGD's, and nSGDA's per-tensor step norm.
  public static func learningRate(_ optimizer: String) -> Double {
    switch optimizer {
    case "adam", "ada-nsgda": return 2e-4
    case "nsgda": return 0.02
    default: return 0.02
    }
  }

  var steps: Int { scale.quick ? 60 : 2000 }
  var evaluateEvery: Int { scale.quick ? 30 : 250 }

  public var runs: [Sweep.Run] {
    var base = preset("fashion-dcgan")
    base.steps = steps
    base.evaluateEvery = evaluateEvery
    base.logEvery = scale.quick ? 10 : 50
    base.sampleEvery = scale.quick ? steps : 500
    base.checkpointEvery = scale.quick ? steps : 500
    if scale.quick {
      base.width = 16
      base.batchSize = 32
      base.dataLimit = 2000
    }
    var runs: [Sweep.Run] = []
    for seed in 0..<seeds {
      for optimizer in Self.optimizers {
        var config = base
        config.setOptimizer(optimizer)
        config.setLearningRate(Self.learningRate(optimizer))
        config.seed = UInt64(seed)
        runs.append(makeRun("\(optimizer)-seed\(seed)", config, labels: ["optimizer": optimizer, "seed": "\(seed)"]))
      }
    }
    return runs
  }

  /// The columns of the table: eval keys of the last evaluation, their labels and decimals.
  static let columns: [(key: String, label: String, digits: Int)] = [
    ("fid", "FID", 1), ("classesCovered", "classes covered", 1), ("klToUniform", "KL to uniform", 3),
    ("meanConfidence", "confidence", 3),
  ]

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    var md =
      "### Fashion-MNIST DCGAN (32x32), \(steps) steps, \(seeds) seed(s): FID in the classifier's features (lower is better)\n\n"
    md +=
      "Each cell: mean ± half-width of the 95% Student-t interval over the seeds whose run finished, then the per-seed values in seed order; a failed run has no FID and is left out (counted in \"failed\").\n\n"
    md +=
      "| optimizer | lr | " + Self.columns.map { "\($0.label) | " }.joined() + "failed | samples (seed 0) |\n|---|---|"
      + String(repeating: "---|", count: Self.columns.count + 2) + "\n"
    var measures: [String: SeedStatistics] = [:]
    var seedZero: [RunRecord] = []
    for optimizer in Self.optimizers {
      let runs = sweep.runs.filter { $0.labels["optimizer"] == optimizer }
      var values: [String: [String: Double]] = [:]
      var failed = 0
      for run in runs {
        let seed = run.labels["seed"] ?? run.name
        guard let record = try? RunRecord.load(run.directory), let last = record.metrics.evaluations.last,
          let fid = last.values["fid"], fid.isFinite
        else {
          failed += 1
          continue
        }
        if seed == "0" { seedZero.append(record) }
        values["fid", default: [:]][seed] = fid
        for column in Self.columns.dropFirst() {
          if let v = last.values[column.key], v.isFinite { values[column.key, default: [:]][seed] = v }
        }
      }
      md += "| \(optimizer) | \(Self.learningRate(optimizer)) | "
      for column in Self.columns {
        let s = SeedStatistics(bySeed: values[column.key] ?? [:])
        measures["\(optimizer)/\(column.key)"] = s
        md += s.formatted(digits: column.digits) + " | "
      }
      let grid =
        runs.first { $0.labels["seed"] == "0" }.map {
          "[grid](\($0.name)/samples/step-\(String(format: "%06d", steps)).png)"
        } ?? ""
      md += "\(failed) of \(runs.count) | \(grid) |\n"
    }
    // FID over steps, one curve per optimizer (seed 0's `eval` lines: all seeds would crowd the chart).
    let curves = RunPlots.evaluation("fid", of: seedZero)
    md += "\n![FID over steps, seed 0](fid-over-steps.svg)\n"
    func fid(_ name: String) -> SeedStatistics { measures["\(name)/fid"] ?? SeedStatistics([]) }
    let (adam, sgda, adaN, sgdaAda, nsgda) = (fid("adam"), fid("sgda"), fid("ada-nsgda"), fid("sgda-ada"), fid("nsgda"))
    let checks = [
      ClaimCheck(
        claim: "Ada_nSGDA matches Adam (FID at most 25% above Adam's)",
        evidence: evidence("FID ratio Ada_nSGDA / Adam", adaN.ratio(to: adam), digits: 2)
          + "; FID Ada_nSGDA \(adaN.formatted()), Adam \(adam.formatted())",
        rule: RuleText.atMost("the FID ratio Ada_nSGDA / Adam (paired by seed)", "1.25") + RuleText.otherwise,
        verdict: Verdict.atMost(adaN.ratio(to: adam), 1.25)),
      ClaimCheck(
        claim: "Adam is ahead of SGDA and SGDA_Ada (lower FID)",
        evidence: evidence("FID SGDA − Adam", sgda.minus(adam)) + "; "
          + evidence("SGDA_Ada − Adam", sgdaAda.minus(adam))
          + "; FID Adam \(adam.formatted()), SGDA \(sgda.formatted()), SGDA_Ada \(sgdaAda.formatted())",
        rule: RuleText.both(RuleText.positive("SGDA − Adam"), RuleText.positive("SGDA_Ada − Adam")),
        verdict: Verdict.all([Verdict.positive(sgda.minus(adam)), Verdict.positive(sgdaAda.minus(adam))])),
      ClaimCheck(
        claim: "nSGDA approaches Adam (FID at most 50% above Adam's) and beats SGDA",
        evidence: evidence("FID SGDA − nSGDA", sgda.minus(nsgda)) + "; "
          + evidence("FID ratio nSGDA / Adam", nsgda.ratio(to: adam), digits: 2)
          + "; FID nSGDA \(nsgda.formatted()), Adam \(adam.formatted()), SGDA \(sgda.formatted())",
        rule: RuleText.both(
          RuleText.positive("SGDA − nSGDA"), RuleText.atMost("the FID ratio nSGDA / Adam (paired by seed)", "1.5")),
        verdict: Verdict.all([Verdict.positive(sgda.minus(nsgda)), Verdict.atMost(nsgda.ratio(to: adam), 1.5)])),
    ]
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks, highlightedRuns: seedZero.map(\.url.path),
      figures: ["fid-over-steps.svg": curves.render()], measures: measures)
  }
}
