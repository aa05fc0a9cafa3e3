import Foundation
import GraftGAN
import GraftOptimizers
import GraftReport

/// Beyond the paper's two grafted pairs: every magnitude × direction pair of SGD, Adam, RMSprop and
/// normalized SGD (`graft:M:D`) on ring8, with the mixture experiment's base (ring8 MLP, 4000 steps,
/// non-saturating loss, constant rate). Each pair's learning rate (on the magnitude source's scale, as it
/// alone sets the step's norm) is chosen by a screen of 3 half-decade rates widened at most twice, on 2
/// seeds, then measured on fresh seeds: a heat map of modes covered, and the effects of the magnitude
/// source and of the direction source, paired by seed.
///
/// Seeds: the screen runs seeds 0, 1 (quick: 0); the confirmation runs the scale's seeds from 100 (5 in
/// the full version, 3 in the quick one, by default). The quick version: SGD and Adam only (2 × 2), one
/// rate each, 300 steps.
public struct GraftingMatrixExperiment: Experiment {
  public static let name = "grafting-matrix"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  /// The optimizers whose magnitudes and directions are combined (rows and columns of the matrix).
  public var sources: [String] { scale.quick ? ["sgd", "adam"] : ["sgd", "adam", "rmsprop", "nsgd"] }

  /// The first grid of a pair's screen by its magnitude source: three half-decade rates around the rates
  /// the mixture experiment chose on ring8 (Adam 3e-3 and Ada_nSGDA 3e-4 for Adam's magnitude, SGDA 0.3
  /// and SGDA_Ada 0.1 for SGD's, nSGDA 0.01); the quick version takes the middle one.
  public func rates(magnitude: String) -> [Double] {
    let grid: [Double]
    switch magnitude {
    case "adam", "rmsprop": grid = [3e-4, 1e-3, 3e-3]
    case "nsgd": grid = [0.003, 0.01, 0.03]
    default: grid = [0.03, 0.1, 0.3]
    }
    return scale.quick ? [grid[1]] : grid
  }

  public var maxExtensions: Int { scale.quick ? 0 : 2 }
  public var screenSeeds: [Int] { scale.quick ? [0] : [0, 1] }
  /// Fresh seeds (from 100, never a screen seed).
  public var confirmationSeeds: [Int] { Array(100..<(100 + scale.seeds)) }
  var steps: Int { scale.quick ? 300 : 4000 }

  /// The screen of the pair (magnitude, direction).
  func screen(_ magnitude: String, _ direction: String) -> RateScreen {
    let base = MixtureExperiment.comparisonConfig(preset: "ring8-mlp", steps: steps)
    return mixtureScreen(
      base, optimizer: "graft:\(magnitude):\(direction)", grid: rates(magnitude: magnitude),
      maxExtensions: maxExtensions, screenSeeds: screenSeeds, confirmationSeeds: confirmationSeeds,
      name: "graft_\(magnitude)_\(direction)", labels: ["magnitude": magnitude, "direction": direction])
  }

  public var runs: [Sweep.Run] {
    sources.flatMap { m in sources.flatMap { d in screen(m, d).runs } }
  }

  /// The mean over `cells` seed by seed (on the seeds all of them have).
  static func seedMean(_ cells: [SeedStatistics]) -> SeedStatistics {
    guard let first = cells.first else { return SeedStatistics([]) }
    let common = first.seeds.filter { seed in cells.allSatisfy { $0.seeds.contains(seed) } }
    let values = common.map { seed in
      cells.map { $0.values[$0.seeds.firstIndex(of: seed)!] }.reduce(0, +) / Double(cells.count)
    }
    return SeedStatistics(values, seeds: common)
  }

  func withInterval(_ s: SeedStatistics) -> String { "\(s.formatted()), 95% interval \(s.formattedInterval())" }

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    let n = sources.count
    var modes: [[SeedStatistics]] = []
    var chosen: [[RateSearch.State]] = []
    var failed: [[Int]] = []
    var measures: [String: SeedStatistics] = [:]
    var highlighted: [String] = []
    for m in sources {
      var row: [SeedStatistics] = []
      var states: [RateSearch.State] = []
      var failures: [Int] = []
      for d in sources {
        let screen = screen(m, d)
        let state = screen.state
        let runs = state.chosen.map(screen.confirmationRuns) ?? []
        let outcomes = runs.map { ($0.labels["seed"]!, mixtureOutcome($0)) }
        let cell = SeedStatistics(bySeed: Dictionary(uniqueKeysWithValues: outcomes.map { ($0.0, $0.1.modes) }))
        measures["\(m)/\(d)/modesCovered"] = cell
        highlighted += runs.prefix(1).map(\.directory.path)
        row.append(cell)
        states.append(state)
        failures.append(outcomes.filter { $0.1.failed }.count)
      }
      modes.append(row)
      chosen.append(states)
      failed.append(failures)
    }
    let seeds = confirmationSeeds
    let grid = sources.map { "\($0)" }.joined(separator: ", ")
    var md =
      "### ring8: every magnitude × direction pair of \(grid) (`graft:M:D`), \(steps) steps, modes covered (of 8) at each pair's chosen rate on \(seeds.count) fresh seeds\n\n"
    md +=
      "Each pair's learning rate (on its magnitude source's scale) was chosen by a screen on seeds \(screenSeeds.map(String.init).joined(separator: ", ")) (most modes, then highest share; up to \(maxExtensions) rate(s) added past an edge), then trained on seeds \(seeds.first!)…\(seeds.last!), which took no part in the choice. Each cell: mean ± half-width of the 95% Student-t interval over those seeds, then the per-seed values; a run that stopped early counts as 0. Rows: magnitude source; columns: direction source.\n\n"
    md += "![modes covered by magnitude and direction source](grafting-matrix.svg)\n\n"
    md +=
      "| magnitude \\ direction | " + sources.map { "\($0) | " }.joined() + "\n|---|"
      + String(repeating: "---|", count: n) + "\n"
    for (i, m) in sources.enumerated() {
      md += "| **\(m)** | " + modes[i].map { "\($0.formatted()) | " }.joined() + "\n"
    }
    md += "\nChosen learning rates (screen means of modes covered by rate in the full table below; † runs failed):\n\n"
    md +=
      "| magnitude \\ direction | " + sources.map { "\($0) | " }.joined() + "\n|---|"
      + String(repeating: "---|", count: n) + "\n"
    for (i, m) in sources.enumerated() {
      md +=
        "| **\(m)** | "
        + chosen[i].indices.map { j in
          choiceText(chosen[i][j]) + (failed[i][j] > 0 ? " †\(failed[i][j])" : "") + " | "
        }.joined() + "\n"
    }
    md += "\nScreen (mean modes covered by rate, chosen in bold):\n\n| magnitude | direction | rates |\n|---|---|---|\n"
    for m in sources {
      for d in sources { md += "| \(m) | \(d) | \(screenSummary(screen(m, d)).text) |\n" }
    }
    // Effects, paired by seed: a source's row mean (its magnitude with every direction) and column mean.
    let rowMeans = sources.indices.map { Self.seedMean(modes[$0]) }
    let columnMeans = sources.indices.map { j in Self.seedMean(sources.indices.map { modes[$0][j] }) }
    md += "\nSources averaged over the other axis (per seed, the mean over the \(n) pairs):\n\n"
    md += "| source | as magnitude (row mean) | as direction (column mean) |\n|---|---|---|\n"
    for (i, s) in sources.enumerated() {
      measures["magnitude/\(s)/modesCovered"] = rowMeans[i]
      measures["direction/\(s)/modesCovered"] = columnMeans[i]
      md += "| \(s) | \(withInterval(rowMeans[i])) | \(withInterval(columnMeans[i])) |\n"
    }
    let sgd = sources.firstIndex(of: "sgd")!
    let adam = sources.firstIndex(of: "adam")!
    let magnitudeEffect = rowMeans[adam].minus(rowMeans[sgd])
    let directionEffect = columnMeans[adam].minus(columnMeans[sgd])
    measures["magnitudeEffect/adam-sgd"] = magnitudeEffect
    measures["directionEffect/adam-sgd"] = directionEffect
    md += "\n" + evidence("Magnitude effect, row adam − row sgd (paired by seed)", magnitudeEffect) + ".\n\n"
    md += evidence("Direction effect, column adam − column sgd (paired by seed)", directionEffect) + ".\n\n"
    if let nsgd = sources.firstIndex(of: "nsgd") {
      // With momentum 0 (the preset's), SGD's step is η·g and nSGD's η·g/‖g‖ per tensor: the same
      // direction, so the two columns differ only by rounding (which a GAN can amplify).
      let difference = columnMeans[sgd].minus(columnMeans[nsgd])
      measures["direction/sgd-nsgd"] = difference
      let identical = sources.indices.filter { modes[$0][sgd] == modes[$0][nsgd] }.count
      md +=
        "Sanity check: with momentum 0 (the preset's) SGD's and nSGD's directions coincide per tensor (η·g and η·g/‖g‖ have the same direction), so columns sgd and nsgd should agree up to rounding, which a GAN's training can amplify. "
        + evidence("Column sgd − column nsgd", difference)
        + "; \(identical) of \(n) rows have identical per-seed values.\n\n"
    }
    let heatMap = SVGHeatMap(
      title: "ring8: modes covered by magnitude × direction source (\(seeds.count) seeds)",
      rowLabels: sources, rowTitle: "magnitude", columnLabels: sources, columnTitle: "direction",
      values: modes.map { $0.map { $0.count > 0 ? $0.mean : nil } },
      notes: modes.map { $0.map { $0.count > 1 ? "± " + format($0.halfWidth, 1) : "" } }, range: 0...8,
      caption: "mean modes covered (of 8) ± half-width of the 95% interval over seeds \(seeds.first!)…\(seeds.last!)")
    let checks = [
      ClaimCheck(
        claim: "Adam's magnitude helps: with any direction, Adam's magnitude covers more modes than SGD's",
        evidence: evidence("row adam − row sgd", magnitudeEffect)
          + "; row adam \(rowMeans[adam].formatted()), row sgd \(rowMeans[sgd].formatted())",
        rule: RuleText.positive("row adam − row sgd") + RuleText.otherwise,
        verdict: Verdict.positive(magnitudeEffect)),
      ClaimCheck(
        claim: "Adam's direction does not matter: with any magnitude, Adam's direction is within 1 mode of SGD's",
        evidence: evidence("column adam − column sgd", directionEffect)
          + "; column adam \(columnMeans[adam].formatted()), column sgd \(columnMeans[sgd].formatted())",
        rule: RuleText.within("column adam − column sgd", "1") + RuleText.otherwise,
        verdict: Verdict.within(directionEffect, margin: 1)),
    ]
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks, highlightedRuns: highlighted,
      figures: ["grafting-matrix.svg": heatMap.render()], measures: measures)
  }
}
