import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// Beyond the paper's two grafted pairs: every magnitude × direction pair of SGD, Adam, RMSprop and
/// normalized SGD (`graft:M:D`) on ring8, with the mixture experiment's base (ring8 MLP, 4000 steps,
/// non-saturating loss, constant rate). Each pair's learning rate (on the magnitude source's scale, as it
/// alone sets the step's norm) is chosen by a screen of 3 half-decade rates widened at most twice, on 2
/// seeds, then measured on fresh seeds: a heat map of modes covered, and the effects of the magnitude
/// source and of the direction source, paired by seed.
///
/// Seeds: the screen runs seeds 0, 1 (quick: 0); the confirmation runs seeds from 100, as many as its
/// `seedPlan` fixes from a pilot of 5 seeds (quick: 3): at least the scale's seeds (5 in the full
/// version, 3 in the quick one, by default), at most `--max-seeds` (default 20; quick: 2 more than the
/// minimum). The quick version: SGD and Adam only (2 × 2), one rate each, 300 steps.
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
  /// The confirmation's plan before its pilot has settled: seeds from 100 (never a screen seed).
  var pendingPlan: SeedPlan {
    SeedPlan(scale: scale, minimum: scale.seeds, budget: 20, quickExtra: 2)
  }

  /// The confirmation's seed count, fixed from the claims on its pilot seeds once every pair's screen
  /// has chosen and those runs have settled (`SeedPlan`).
  public var seedPlan: SeedPlan {
    let plan = pendingPlan
    var modes: [[SeedStatistics]] = []
    for m in sources {
      var row: [SeedStatistics] = []
      for d in sources {
        let screen = screen(m, d, confirmationSeeds: plan.pilotSeeds)
        guard let chosen = screen.state.chosen else { return plan }
        let runs = screen.confirmationRuns(chosen)
        guard runs.allSatisfy(Sweep.isSettled) else { return plan }
        row.append(Self.modes(runs))
      }
      modes.append(row)
    }
    return plan.fixed(by: claims(modes))
  }

  /// Fresh seeds (from 100, never a screen seed), by the seed plan.
  public var confirmationSeeds: [Int] { seedPlan.confirmationSeeds }

  /// Modes covered (of 8) by seed over `runs`; a run that stopped early counts as 0.
  static func modes(_ runs: [Sweep.Run]) -> SeedStatistics {
    let outcomes = runs.map { ($0.seedKey, mixtureOutcome($0).modes) }
    return SeedStatistics(bySeed: Dictionary(uniqueKeysWithValues: outcomes), bounds: 0...8)
  }
  var steps: Int { scale.quick ? 300 : 4000 }

  /// The screen of the pair (magnitude, direction), confirmed on `confirmationSeeds`.
  func screen(_ magnitude: String, _ direction: String, confirmationSeeds: [Int]) -> RateScreen {
    let base = MixtureExperiment.comparisonConfig(preset: "ring8-mlp", steps: steps)
    return mixtureScreen(
      base, optimizer: "graft:\(magnitude):\(direction)", grid: rates(magnitude: magnitude),
      maxExtensions: maxExtensions, screenSeeds: screenSeeds, confirmationSeeds: confirmationSeeds,
      name: "graft_\(magnitude)_\(direction)", labels: [.magnitude: magnitude, .direction: direction])
  }

  public var runs: [Sweep.Run] {
    let seeds = confirmationSeeds
    return sources.flatMap { m in sources.flatMap { d in screen(m, d, confirmationSeeds: seeds).runs } }
  }

  /// The mean over `cells` seed by seed (on the seeds all of them have), within their bounds.
  static func seedMean(_ cells: [SeedStatistics]) -> SeedStatistics {
    guard let first = cells.first else { return SeedStatistics([], bounds: 0...8) }
    let common = first.seeds.filter { seed in cells.allSatisfy { $0.seeds.contains(seed) } }
    let values = common.map { seed in
      cells.map { $0.values[$0.seeds.firstIndex(of: seed)!] }.reduce(0, +) / Double(cells.count)
    }
    return SeedStatistics(values, seeds: common, bounds: first.bounds)
  }

  /// A source's row mean (its magnitude with every direction) and column mean, per seed.
  func sourceMeans(_ modes: [[SeedStatistics]]) -> (rows: [SeedStatistics], columns: [SeedStatistics]) {
    (
      sources.indices.map { Self.seedMean(modes[$0]) },
      sources.indices.map { j in Self.seedMean(sources.indices.map { modes[$0][j] }) }
    )
  }

  /// The claims on Adam's magnitude and direction, from the matrix of cells (rows: magnitude source).
  func claims(_ modes: [[SeedStatistics]]) -> [Claim] {
    let (rowMeans, columnMeans) = sourceMeans(modes)
    let sgd = sources.firstIndex(of: "sgd")!
    let adam = sources.firstIndex(of: "adam")!
    return [
      Claim(
        claim: "Adam's magnitude helps: with any direction, Adam's magnitude covers more modes than SGD's",
        parts: [
          ClaimPart(
            what: "row adam − row sgd (paired by seed)", statistics: rowMeans[adam].minus(rowMeans[sgd]),
            criterion: .positive)
        ],
        context: "row adam \(rowMeans[adam].formatted()), row sgd \(rowMeans[sgd].formatted())"),
      Claim(
        claim: "Adam's direction does not matter: with any magnitude, Adam's direction is within 1 mode of SGD's",
        parts: [
          ClaimPart(
            what: "column adam − column sgd (paired by seed)", statistics: columnMeans[adam].minus(columnMeans[sgd]),
            criterion: .within(margin: 1))
        ],
        context: "column adam \(columnMeans[adam].formatted()), column sgd \(columnMeans[sgd].formatted())"),
    ]
  }

  func withInterval(_ s: SeedStatistics) -> String { "\(s.formatted()), 95% interval \(s.formattedInterval())" }

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    let n = sources.count
    var modes: [[SeedStatistics]] = []
    var chosen: [[RateSearch.State]] = []
    var failed: [[Int]] = []
    var measures: [String: SeedStatistics] = [:]
    var highlighted: [String] = []
    let plan = seedPlan
    for m in sources {
      var row: [SeedStatistics] = []
      var states: [RateSearch.State] = []
      var failures: [Int] = []
      for d in sources {
        let screen = screen(m, d, confirmationSeeds: plan.confirmationSeeds)
        let state = screen.state
        let runs = state.chosen.map(screen.confirmationRuns) ?? []
        let cell = Self.modes(runs)
        measures["\(m)/\(d)/\(MixtureCoverage.modesCoveredKey)"] = cell
        highlighted += runs.prefix(1).map(\.directory.path)
        row.append(cell)
        states.append(state)
        failures.append(runs.filter { mixtureOutcome($0).failed }.count)
      }
      modes.append(row)
      chosen.append(states)
      failed.append(failures)
    }
    let seeds = plan.confirmationSeeds
    let grid = sources.map { "\($0)" }.joined(separator: ", ")
    var md =
      "### ring8: every magnitude × direction pair of \(grid) (`graft:M:D`), \(steps) steps, modes covered (of 8) at each pair's chosen rate on \(seeds.count) fresh seeds\n\n"
    md +=
      "Each pair's learning rate (on its magnitude source's scale) was chosen by a screen on seeds \(screenSeeds.map(String.init).joined(separator: ", ")) (most modes, then highest share; up to \(maxExtensions) rate(s) added past an edge), then trained on seeds \(seeds.first!)…\(seeds.last!), which took no part in the choice. Each cell: the mean and its 95% BCa bootstrap interval over those seeds (modes are bounded, 0…8, and so is the bootstrap's interval), then the per-seed values; a run that stopped early counts as 0. Rows: magnitude source; columns: direction source.\n\n"
    md += plan.markdown
    md += "![modes covered by magnitude and direction source](grafting-matrix.svg)\n\n"
    var modeTable = MarkdownTable(["magnitude \\ direction"] + sources)
    for (i, m) in sources.enumerated() { modeTable.add(["**\(m)**"] + modes[i].map { $0.formatted() }) }
    md += modeTable.markdown
    md += "\nChosen learning rates (screen means of modes covered by rate in the full table below; † runs failed):\n\n"
    var rateTable = MarkdownTable(["magnitude \\ direction"] + sources)
    for (i, m) in sources.enumerated() {
      rateTable.add(
        ["**\(m)**"]
          + chosen[i].indices.map { j in choiceText(chosen[i][j]) + (failed[i][j] > 0 ? " †\(failed[i][j])" : "") })
    }
    md += rateTable.markdown
    var screenTable = MarkdownTable(["magnitude", "direction", "rates"])
    for m in sources {
      for d in sources { screenTable.add(m, d, screenSummary(screen(m, d, confirmationSeeds: seeds)).text) }
    }
    md += "\nScreen (mean modes covered by rate, chosen in bold):\n\n" + screenTable.markdown
    // Effects, paired by seed: a source's row mean (its magnitude with every direction) and column mean.
    let (rowMeans, columnMeans) = sourceMeans(modes)
    md += "\nSources averaged over the other axis (per seed, the mean over the \(n) pairs):\n\n"
    var sourceTable = MarkdownTable(["source", "as magnitude (row mean)", "as direction (column mean)"])
    for (i, s) in sources.enumerated() {
      measures["magnitude/\(s)/\(MixtureCoverage.modesCoveredKey)"] = rowMeans[i]
      measures["direction/\(s)/\(MixtureCoverage.modesCoveredKey)"] = columnMeans[i]
      sourceTable.add(s, withInterval(rowMeans[i]), withInterval(columnMeans[i]))
    }
    md += sourceTable.markdown
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
      notes: modes.map { $0.map { $0.count > 1 ? $0.formattedInterval(digits: 1) : "" } }, range: 0...8,
      caption: "mean modes covered (of 8) and its 95% BCa bootstrap interval over seeds \(seeds.first!)…\(seeds.last!)")
    return ExperimentResult(
      name: Self.name, markdown: md, checks: claims(modes).map(\.check), highlightedRuns: highlighted, seedPlan: plan,
      figures: ["grafting-matrix.svg": heatMap.render()], measures: measures)
  }
}
