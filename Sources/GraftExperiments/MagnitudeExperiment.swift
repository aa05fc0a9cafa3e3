import Foundation

/// The paper's magnitude observation: with Adam, the ratio of the generator's to the discriminator's
/// per-layer update norms settles to a roughly constant value. One Adam run per setting records the
/// norms (metrics.jsonl); the ratio is plotted and its spread over the second half measured.
public struct MagnitudeExperiment: Sendable {
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  /// The coefficient of variation below which the ratio counts as "roughly constant".
  public static let constancyThreshold = 0.3

  var settings: [(name: String, arguments: [String])] {
    let ring = ("ring8-adam", ["--preset", "ring8-mlp", "--steps", scale.quick ? "1000" : "4000", "--log-every", "10"])
    let fashion = ("fashion-dcgan-adam", ["--preset", "fashion-dcgan", "--steps", "1500", "--log-every", "10"])
    return scale.quick ? [ring] : [ring, fashion]
  }

  public var sweep: Sweep {
    Sweep(
      root: root,
      runs: settings.map {
        Sweep.Run(
          name: $0.name, arguments: $0.arguments + ["--optimizer", "adam", "--seed", "0"], root: root,
          labels: ["setting": $0.name])
      })
  }

  public func run() throws -> ExperimentResult {
    let sweep = self.sweep
    try execute(sweep, scale)
    var md = "### Magnitude ratio under Adam: ‖Δ_G‖ / ‖Δ_D‖ per layer (layers paired by position from the input)\n\n"
    md +=
      "| setting | steps | settled ratio (mean over 2nd half) | coefficient of variation | figure |\n|---|---|---|---|---|\n"
    var checks: [ClaimCheck] = []
    for run in sweep.runs {
      guard let record = try? RunRecord.load(run.directory) else {
        md += "| \(run.name) | – | run missing | | |\n"
        continue
      }
      let ratio = MagnitudeRatio(record.metrics)
      let figure = run.directory.appendingPathComponent("magnitude-ratio.svg")
      try Data(RunPlots.magnitudeRatio(record).render().utf8).write(to: figure)
      let settled = ratio.settled()
      let steps = record.metrics.entries.last?.step ?? 0
      md +=
        "| \(run.name) | \(steps) | \(format(settled?.mean ?? .nan, 3)) | \(format(settled?.variation ?? .nan, 3)) | [svg](\(run.name)/magnitude-ratio.svg) |\n"
      if let settled {
        checks.append(
          ClaimCheck(
            claim: "With Adam the G/D update-norm ratio stays roughly constant after an initial phase (\(run.name))",
            evidence: String(
              format: "mean ratio %.3f over the second half, coefficient of variation %.3f (threshold %.2f)",
              settled.mean,
              settled.variation, Self.constancyThreshold),
            held: settled.variation < Self.constancyThreshold))
      }
    }
    return ExperimentResult(
      name: "magnitudes", markdown: md, checks: checks, highlightedRuns: sweep.runs.map(\.directory.path))
  }
}
