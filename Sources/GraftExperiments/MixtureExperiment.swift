import Foundation

/// 2-D mixtures (ring8, grid25): the same MLP GAN trained with SGDA, Adam, Ada_nSGDA, SGDA_Ada and
/// nSGDA, each at its best learning rate from a small grid; modes covered and high-quality share.
public struct MixtureExperiment: Sendable {
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  public static let optimizers = ["sgda", "adam", "ada-nsgda", "sgda-ada", "nsgda"]

  /// The learning-rate grid of each optimizer, on the scale its step is measured in (the quick version
  /// tries the second value only). Four log-spaced values around the usual choice; the first full run
  /// with three values put the best rate of three optimizers at an edge of their grid, so each got a
  /// fourth value past that edge.
  public func rates(_ optimizer: String) -> [Double] {
    let grid: [Double]
    switch optimizer {
    case "adam": grid = [3e-4, 1e-3, 3e-3, 1e-2]
    case "ada-nsgda": grid = [1e-4, 3e-4, 1e-3, 3e-3]
    case "nsgda": grid = [0.003, 0.01, 0.03, 0.1]
    default: grid = [0.01, 0.03, 0.1, 0.3]
    }
    return scale.quick ? [grid[1]] : grid
  }

  var datasets: [(name: String, steps: Int)] {
    scale.quick ? [("ring8", 2000)] : [("ring8", 4000), ("grid25", 6000)]
  }
  var seeds: Int { scale.quick ? 1 : scale.seeds }

  public var sweep: Sweep {
    var runs: [Sweep.Run] = []
    for (dataset, steps) in datasets {
      for optimizer in Self.optimizers {
        for lr in rates(optimizer) {
          for seed in 0..<seeds {
            runs.append(
              Sweep.Run(
                name: "\(dataset)-\(optimizer)-lr\(lr)-seed\(seed)",
                arguments: [
                  "--dataset", dataset, "--steps", "\(steps)", "--optimizer", optimizer, "--lr", "\(lr)", "--seed",
                  "\(seed)",
                  "--log-every", "100", "--sample-every", "\(steps)", "--checkpoint-every", "\(steps)",
                ], root: root, labels: ["dataset": dataset, "optimizer": optimizer, "lr": "\(lr)", "seed": "\(seed)"]))
          }
        }
      }
    }
    return Sweep(root: root, runs: runs)
  }

  public func run() throws -> ExperimentResult {
    let sweep = self.sweep
    try execute(sweep, scale)
    return summarize(sweep)
  }

  struct Cell {
    var lr: String
    var modes: (mean: Double, std: Double)
    var quality: Double
    var failed: Int
    var runs: [Sweep.Run]
  }

  /// The best learning rate's cell for (dataset, optimizer): most modes, then highest quality.
  func best(_ sweep: Sweep, _ dataset: String, _ optimizer: String) -> Cell {
    let cells = rates(optimizer).map { lr -> Cell in
      let runs = sweep.runs.filter {
        $0.labels["dataset"] == dataset && $0.labels["optimizer"] == optimizer && $0.labels["lr"] == "\(lr)"
      }
      let summaries = runs.compactMap(Sweep.summary).compactMap(\.mixture)
      // A run that stopped early covers no mode.
      let modes = summaries.map { Double($0.modesCovered) } + Array(repeating: 0, count: runs.count - summaries.count)
      let quality =
        summaries.map { Double($0.highQualityShare) } + Array(repeating: 0, count: runs.count - summaries.count)
      return Cell(
        lr: "\(lr)", modes: meanAndSpread(modes), quality: meanAndSpread(quality).mean,
        failed: runs.count - summaries.count, runs: runs)
    }
    return cells.max { ($0.modes.mean, $0.quality) < ($1.modes.mean, $1.quality) }!
  }

  func summarize(_ sweep: Sweep) -> ExperimentResult {
    var md = ""
    var adamRing = 0.0
    var results: [String: [String: Cell]] = [:]
    var highlighted: [String] = []
    for (dataset, steps) in datasets {
      let k = dataset == "ring8" ? 8 : 25
      md +=
        "### \(dataset): modes covered (of \(k)) and high-quality share, \(steps) steps, \(seeds) seed(s), best learning rate of \(scale.quick ? "1" : "4")\n\n"
      md +=
        "| optimizer | best lr | modes covered (mean ± std) | high-quality share | failed runs | samples |\n|---|---|---|---|---|---|\n"
      for optimizer in Self.optimizers {
        let c = best(sweep, dataset, optimizer)
        results[dataset, default: [:]][optimizer] = c
        if dataset == "ring8" && optimizer == "adam" { adamRing = c.modes.mean }
        let picture = c.runs.first.map { "\($0.name)/samples/step-\(String(format: "%06d", steps)).png" } ?? ""
        highlighted += c.runs.prefix(1).map(\.directory.path)
        md +=
          "| \(optimizer) | \(c.lr) | \(format(c.modes.mean, 1)) ± \(format(c.modes.std, 1)) | \(format(c.quality * 100, 1))% | \(c.failed) | [scatter](\(picture)) |\n"
      }
      md += "\n"
    }
    let ring = results["ring8"] ?? [:]
    func modes(_ name: String) -> Double { ring[name]?.modes.mean ?? 0 }
    let checks = [
      ClaimCheck(
        claim: "Adam covers the ring's modes (≥ 7 of 8)", evidence: "Adam covers \(format(adamRing, 1)) of 8 on ring8",
        held: adamRing >= 7),
      ClaimCheck(
        claim: "Ada_nSGDA (Adam's magnitude, SGD's direction) does about as well as Adam",
        evidence: "ring8 modes: Ada_nSGDA \(format(modes("ada-nsgda"), 1)), Adam \(format(modes("adam"), 1))",
        held: modes("ada-nsgda") >= modes("adam") - 1),
      ClaimCheck(
        claim: "SGDA_Ada (SGD's magnitude, Adam's direction) does no better than SGDA, worse than Adam",
        evidence:
          "ring8 modes: SGDA_Ada \(format(modes("sgda-ada"), 1)), SGDA \(format(modes("sgda"), 1)), Adam \(format(modes("adam"), 1))",
        held: modes("sgda-ada") < modes("adam")),
      ClaimCheck(
        claim: "nSGDA does about as well as Adam",
        evidence: "ring8 modes: nSGDA \(format(modes("nsgda"), 1)), Adam \(format(modes("adam"), 1))",
        held: modes("nsgda") >= modes("adam") - 1),
    ]
    return ExperimentResult(name: "mog", markdown: md, checks: checks, highlightedRuns: highlighted)
  }
}
