import Foundation

/// The grafting study on images (PAPER.md, experiment 1): the same Fashion-MNIST DCGAN trained with
/// Adam, SGDA, Ada_nSGDA, SGDA_Ada and nSGDA; FID in the committed classifier's features, class
/// coverage, sample grids, FID over steps.
public struct GraftingExperiment: Sendable {
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

  public var sweep: Sweep {
    let base =
      [
        "--preset", "fashion-dcgan", "--steps", "\(steps)", "--evaluate-every", "\(evaluateEvery)",
        "--log-every", "\(scale.quick ? 10 : 50)", "--sample-every", "\(scale.quick ? steps : 500)",
        "--checkpoint-every", "\(scale.quick ? steps : 500)",
      ] + (scale.quick ? ["--width", "16", "--batch-size", "32", "--data-limit", "2000"] : [])
    return Sweep(
      root: root,
      runs: Self.optimizers.map { optimizer in
        Sweep.Run(
          name: optimizer,
          arguments: base + ["--optimizer", optimizer, "--lr", "\(Self.learningRate(optimizer))", "--seed", "0"],
          root: root, labels: ["optimizer": optimizer])
      })
  }

  public func run() throws -> ExperimentResult {
    let sweep = self.sweep
    try execute(sweep, scale)
    var md =
      "### Fashion-MNIST DCGAN (32x32), \(steps) steps, one seed: FID in the classifier's features (lower is better)\n\n"
    md +=
      "| optimizer | lr | FID | classes covered | KL to uniform | confidence | samples |\n|---|---|---|---|---|---|---|\n"
    var fid: [String: Double] = [:]
    for run in sweep.runs {
      let optimizer = run.labels["optimizer"]!
      guard let record = try? RunRecord.load(run.directory), let last = record.metrics.evaluations.last else {
        md += "| \(optimizer) | \(Self.learningRate(optimizer)) | run failed | | | | |\n"
        continue
      }
      let v = last.values
      fid[optimizer] = v["fid"] ?? .nan
      md +=
        "| \(optimizer) | \(Self.learningRate(optimizer)) | \(format(v["fid"] ?? .nan, 1)) | \(format(v["classesCovered"] ?? .nan, 0)) | "
        + "\(format(v["klToUniform"] ?? .nan, 3)) | \(format(v["meanConfidence"] ?? .nan, 3)) | "
        + "[grid](\(run.name)/samples/step-\(String(format: "%06d", steps)).png) |\n"
    }
    // FID over steps, one curve per optimizer (the runs' `eval` lines).
    let records = sweep.runs.compactMap { try? RunRecord.load($0.directory) }
    let curves = RunPlots.evaluation("fid", of: records)
    md += "\n![FID over steps](fid-over-steps.svg)\n"
    func f(_ name: String) -> Double { fid[name] ?? .infinity }
    let checks = [
      ClaimCheck(
        claim: "Ada_nSGDA matches Adam (FID within 25%)",
        evidence: "FID Ada_nSGDA \(format(f("ada-nsgda"), 1)), Adam \(format(f("adam"), 1))",
        held: f("ada-nsgda") <= 1.25 * f("adam")),
      ClaimCheck(
        claim: "Adam is far ahead of SGDA and SGDA_Ada",
        evidence:
          "FID Adam \(format(f("adam"), 1)), SGDA \(format(f("sgda"), 1)), SGDA_Ada \(format(f("sgda-ada"), 1))",
        held: f("adam") < f("sgda") && f("adam") < f("sgda-ada")),
      ClaimCheck(
        claim: "nSGDA approaches Adam and beats SGDA",
        evidence: "FID nSGDA \(format(f("nsgda"), 1)), Adam \(format(f("adam"), 1)), SGDA \(format(f("sgda"), 1))",
        held: f("nsgda") < f("sgda") && f("nsgda") <= 1.5 * f("adam")),
    ]
    return ExperimentResult(
      name: "grafting", markdown: md, checks: checks, highlightedRuns: sweep.runs.map(\.directory.path),
      figures: ["fid-over-steps.svg": curves.render()])
  }
}
