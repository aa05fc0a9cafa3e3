import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// The synthetic setting (PAPER.md, "The theory"), one member of its model family (`TheoryVariant`,
/// the default one unless told): SGDA over a log-spaced grid of (η_G, η_D) against nSGDA, several seeds
/// each; modes recovered per cell, as the mean and the per-seed values, with the share of seeds that
/// recovered 0, 1, …, K modes and the best cosine, so that a cell that collapses to one mode is told apart
/// from one that learned nothing; and, for variants evaluated during training, collapse over time (the
/// share of evaluations a run held exactly one mode, and whether it left it for two or more later).
///
/// Its seeds follow a `SeedPlan`: the full version's pilot is seeds 100…104, fresh because the default
/// variant and nSGDA's setting were chosen on seeds 0–3 (docs/theory-family.md), and it runs up to 50
/// seeds; the quick version stays on seeds 0–2, the ones its cell was measured on. The model family
/// (`TheoryFamilyExperiment`) runs each variant unplanned, on seeds 0..<`scale.seeds`.
public struct TheoryExperiment: Experiment {
  public static let name = "theory"
  public var root: URL
  public var scale: ExperimentScale
  public var variant: TheoryVariant
  /// Whether the seed count comes from a pilot (`seedPlan`) rather than `scale.seeds`.
  public var planned: Bool

  /// The default variant (`TheoryVariant.default`).
  public init(root: URL, scale: ExperimentScale) {
    self.init(root: root, scale: scale, variant: .default)
  }

  public init(root: URL, scale: ExperimentScale, variant: TheoryVariant, planned: Bool = true) {
    self.root = root
    self.scale = scale
    self.variant = variant
    self.planned = planned
  }

  /// The plan before its pilot has settled: at least the scale's seeds, at most 50 (about 20 minutes of
  /// the default variant on 2 cores).
  var pendingPlan: SeedPlan {
    SeedPlan(scale: scale, minimum: scale.seeds, budget: 50, quickExtra: 0, first: scale.quick ? 0 : 100)
  }

  /// The seed count, fixed from the claims on the pilot seeds once those runs have settled; nil when
  /// unplanned.
  public var seedPlan: SeedPlan? {
    guard planned else { return nil }
    let plan = pendingPlan
    let pilot = Sweep(root: root, runs: runs(seeds: plan.pilotSeeds))
    guard pilot.runs.allSatisfy(Sweep.isSettled) else { return plan }
    return plan.fixed(by: modeCounts.flatMap { summarize(pilot, modes: $0, seeds: plan.pilotSeeds).needs })
  }

  /// The seeds every configuration runs on: the plan's, or 0..<`scale.seeds` when unplanned.
  public var seedList: [Int] { seedPlan?.confirmationSeeds ?? Array(0..<seeds) }

  /// η values of the SGDA grid (both players): log-spaced and wide.
  public var sgdaRates: [Double] { scale.quick ? variant.sgdaRates.quick : variant.sgdaRates.full }
  /// nSGDA's settings.
  public var nsgdaSettings: [TheoryVariant.NSGDA] { scale.quick ? variant.nsgda.quick : variant.nsgda.full }
  /// The mode counts K run (today's full version adds K = 3, where "at most one" leaves room for two
  /// modes SGDA should miss).
  public var modeCounts: [Int] { scale.quick ? variant.modeCounts.quick : variant.modeCounts.full }

  /// Run-name and measure prefix of a mode count: none for the paper's K = 2 (names as before, so
  /// finished runs are found again), "k3-" and so on otherwise.
  static func prefix(_ modes: Int) -> String { modes == TrainingConfig().theory.modes ? "" : "k\(modes)-" }

  public var runs: [Sweep.Run] { runs(seeds: seedList) }

  /// Every configuration on `seeds`.
  func runs(seeds: [Int]) -> [Sweep.Run] {
    var runs: [Sweep.Run] = []
    for k in modeCounts {
      var base = variant.config(modes: k, quick: scale.quick)
      let prefix = variant.prefix + Self.prefix(k)
      var common: [RunLabel: String] = Self.prefix(k).isEmpty ? [:] : [.modes: "\(k)"]
      if let label = variant.label { common[.variant] = label }
      for seed in seeds {
        base.seed = UInt64(seed)
        for g in sgdaRates {
          for d in sgdaRates {
            var config = base
            config.setOptimizer(.sgda)
            config.generatorSettings.learningRate = g
            config.discriminatorSettings.learningRate = d
            runs.append(
              makeRun(
                "\(prefix)sgda-g\(g)-d\(d)-seed\(seed)", config,
                labels: [.optimizer: "sgda", .generatorRate: "\(g)", .discriminatorRate: "\(d)", .seed: "\(seed)"]
                  .merging(common) { $1 })
            )
          }
        }
        for n in nsgdaSettings {
          var config = base
          config.setOptimizer(.nsgda)
          config.generatorSettings.learningRate = n.generatorRate
          config.discriminatorSettings.learningRate = n.discriminatorRate
          config.schedule.decay = n.schedule
          var labels: [RunLabel: String] = [
            .optimizer: "nsgda", .generatorRate: "\(n.generatorRate)", .discriminatorRate: "\(n.discriminatorRate)",
            .seed: "\(seed)",
          ]
          if let schedule = n.scheduleLabel { labels[.schedule] = schedule }
          runs.append(makeRun("\(prefix)\(n.name)-seed\(seed)", config, labels: labels.merging(common) { $1 }))
        }
      }
    }
    return runs
  }

  /// Modes recovered by a run; nil when it stopped early (diverged).
  static func modes(_ run: Sweep.Run) -> Double? {
    Sweep.summary(run)?.theory.map { Double($0.modesRecovered) }
  }

  /// One cell over the seeds: modes recovered per seed, a diverged run (stopped on a non-finite loss)
  /// counting as 0 (it ends with no usable generator), which seeds diverged, and per finished seed the
  /// best cosine (max over modes and generator neurons): how close the nearest neuron came to any mode.
  struct Cell {
    var modes: SeedStatistics
    var diverged: Set<String>
    var bestCosine: SeedStatistics
    /// Per finished seed evaluated during training: the share of evaluations at exactly one mode.
    var oneModeShare: SeedStatistics
    /// Finished seeds evaluated during training that held exactly one mode and later two or more.
    var leftOneMode: Set<String>
    /// Per finished seed evaluated during training: the most modes held at any evaluation.
    var maximumModes: SeedStatistics

    /// "0.33 (0, 1, 0†)": the mean, then the per-seed values, † marking a seed that diverged.
    var text: String {
      guard modes.count > 0 else { return "–" }
      let seeds = zip(modes.seeds, modes.values).map { seed, value in
        SeedStatistics.number(value, digits: 2) + (diverged.contains(seed) ? "†" : "")
      }
      return format(modes.mean) + " (" + seeds.joined(separator: ", ") + ")"
    }

    /// Seeds with exactly 0, 1, …, `k` modes.
    func histogram(_ k: Int) -> [Int] {
      (0...k).map { m in modes.values.filter { Int($0) == m }.count }
    }

    /// Whether any seed learned at least one mode.
    var learnsAny: Bool { modes.values.contains { $0 >= 1 } }
  }

  /// The cell of this variant's runs with mode count `k`, `optimizer` (both players) at rates `g`, `d`
  /// and, for nSGDA, learning-rate `schedule` (nil: the variant's one), read from each run's config.
  func cell(
    _ sweep: Sweep, _ k: Int, _ optimizer: OptimizerSpec, _ g: Double, _ d: Double,
    schedule: LearningRateSchedule.Decay? = nil
  ) -> Cell {
    let runs = sweep.runs.filter {
      let config = $0.config
      return config.generatorOptimizer == optimizer && config.discriminatorOptimizer == optimizer
        && config.generatorSettings.learningRate == g && config.discriminatorSettings.learningRate == d
        && config.theory.modes == k && (schedule.map { config.schedule.decay == $0 } ?? true)
        && $0.labels[.variant] == variant.label
    }
    var modes: [String: Double] = [:]
    var cosines: [String: Double] = [:]
    var shares: [String: Double] = [:]
    var maxima: [String: Double] = [:]
    var diverged: Set<String> = []
    var left: Set<String> = []
    for run in runs {
      let seed = run.seedKey
      if let summary = Sweep.summary(run), let theory = summary.theory {
        modes[seed] = Double(theory.modesRecovered)
        if let best = theory.bestCosines.max(), best.isFinite { cosines[seed] = Double(best) }
        if let timeline = summary.theoryTimeline {
          shares[seed] = timeline.oneModeShare
          maxima[seed] = Double(timeline.maximumModes)
          if timeline.leftOneMode { left.insert(seed) }
        }
      } else {
        modes[seed] = 0
        diverged.insert(seed)
      }
    }
    // Every measure here is bounded (modes of K, cosines, shares), so its intervals are bootstrap ones.
    let modeRange = 0...Double(k)
    return Cell(
      modes: SeedStatistics(bySeed: modes, bounds: modeRange), diverged: diverged,
      bestCosine: SeedStatistics(bySeed: cosines, bounds: -1...1),
      oneModeShare: SeedStatistics(bySeed: shares, bounds: 0...1), leftOneMode: left,
      maximumModes: SeedStatistics(bySeed: maxima, bounds: modeRange))
  }

  /// Over time, for the tables: "0.85 (0.9, 0.8, …); left 1 → ≥2: 0 of 5", or "–" when no seed was
  /// evaluated during training.
  static func overTime(_ c: Cell) -> String {
    guard c.oneModeShare.count > 0 else { return "–" }
    return "\(c.oneModeShare.formatted(digits: 2)); left 1 → ≥ 2: \(c.leftOneMode.count) of \(c.oneModeShare.count)"
  }

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    let plan = seedPlan
    let seeds = plan?.confirmationSeeds ?? Array(0..<self.seeds)
    let firstSeed = UInt64(seeds.first ?? 0)
    var md = plan?.markdown ?? ""
    var checks: [ClaimCheck] = []
    var figures: [String: String] = [:]
    var measures: [String: SeedStatistics] = [:]
    for k in modeCounts {
      let part = summarize(sweep, modes: k, seeds: seeds)
      md += part.markdown
      checks += part.checks
      figures.merge(part.figures) { $1 }
      measures.merge(part.measures) { $1 }
    }
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks,
      highlightedRuns: sweep.runs.filter { $0.config.seed == firstSeed && $0.config.generatorOptimizer == .nsgda }.map(
        \.directory.path), seedPlan: plan, figures: figures, measures: measures)
  }

  /// The tables, heat map, claims (and each claim's need of seeds, for the plan) and measures of one
  /// mode count K on `seeds`.
  func summarize(_ sweep: Sweep, modes modeCount: Int, seeds: [Int])
    -> (
      markdown: String, checks: [ClaimCheck], needs: [SeedPlan.Need], figures: [String: String],
      measures: [String: SeedStatistics]
    )
  {
    let prefix = Self.prefix(modeCount)
    let kText = prefix.isEmpty ? "" : " (K = \(modeCount))"
    let seedText = "seeds \(seeds.first ?? 0)…\(seeds.last ?? 0)"
    var md =
      "### Synthetic setting, variant \(variant.name): modes recovered (of \(modeCount)), \(seeds.count) seeds\n\n"
    md += "Variant `\(variant.name)`: \(variant.summary) (`graft train --preset theory \(variant.flags)`).\n\n"
    md +=
      "SGDA, rows η_G, columns η_D; each cell is the mean over the seeds, then the per-seed values in seed order (\(seedText)); `†` marks a seed that diverged (stopped on a non-finite loss), which counts as 0 modes:\n\n"
    var sgdaTable = MarkdownTable(["η_G \\ η_D"] + sgdaRates.map { "\($0)" })
    var sgdaCells: [(label: String, cell: Cell)] = []
    var measures: [String: SeedStatistics] = [:]
    var grid: [[Double?]] = []
    var notes: [[String]] = []
    for g in sgdaRates {
      var row = ["\(g)"]
      grid.append([])
      notes.append([])
      for d in sgdaRates {
        let c = cell(sweep, modeCount, .sgda, g, d)
        sgdaCells.append(("η_G \(g), η_D \(d)", c))
        measures["\(prefix)sgda/g\(g)-d\(d)/modesRecovered"] = c.modes
        measures["\(prefix)sgda/g\(g)-d\(d)/bestCosine"] = c.bestCosine
        grid[grid.count - 1].append(c.modes.mean.isFinite ? c.modes.mean : nil)
        notes[notes.count - 1].append(c.diverged.isEmpty ? "" : "†\(c.diverged.count) of \(c.modes.count)")
        row.append(c.text)
      }
      sgdaTable.add(row)
    }
    md += sgdaTable.markdown
    // Collapse (one mode) and not learning (none) both read "at most one": the histogram tells them apart.
    md +=
      "\nSGDA per cell: seeds that recovered exactly 0, 1, …, \(modeCount) modes (diverged runs count as 0), and the best cosine (max over modes and generator neurons; mean over the finished seeds, then per seed; a mode counts as recovered above 0.9 with a sample share of at least 5%):\n\n"
    md +=
      "Over time (variants evaluated during training): the share of evaluations at which a run held exactly one mode (mean ± 95% interval, per seed), and the seeds that held one mode and later two or more.\n\n"
    var histograms = MarkdownTable(
      ["η_G", "η_D"] + (0...modeCount).map { "\($0) mode\($0 == 1 ? "" : "s")" }
        + ["best cosine", "over time: share at 1 mode"])
    for (g, row) in zip(sgdaRates, sgdaCells.chunked(sgdaRates.count)) {
      for (d, entry) in zip(sgdaRates, row) {
        let n = entry.cell.modes.count
        histograms.add(
          ["\(g)", "\(d)"] + entry.cell.histogram(modeCount).map { "\($0)/\(n)" }
            + [
              entry.cell.bestCosine.count == 0 ? "–" : entry.cell.bestCosine.formatted(digits: 2),
              Self.overTime(entry.cell),
            ])
      }
    }
    md += histograms.markdown
    md += "\nnSGDA (layer-wise): modes recovered, mean ± 95% interval (per-seed values):\n\n"
    var nsgdaTable = MarkdownTable([
      "η_G, η_D, schedule", "modes recovered", "seeds with 0…\(modeCount) modes", "best cosine", "diverged",
      "over time: share at 1 mode",
    ])
    var nsgda = SeedStatistics([], bounds: 0...Double(modeCount))
    var nsgdaLabel = ""
    for n in nsgdaSettings {
      let c = cell(sweep, modeCount, .nsgda, n.generatorRate, n.discriminatorRate, schedule: n.schedule)
      if nsgda.count == 0 || c.modes.mean > nsgda.mean {
        nsgda = c.modes
        nsgdaLabel = n.label
      }
      nsgdaTable.add(
        n.label, c.modes.formatted(digits: 2), c.histogram(modeCount).map(String.init).joined(separator: " / "),
        c.bestCosine.formatted(digits: 2), "\(c.diverged.count) of \(c.modes.count)", Self.overTime(c))
    }
    md += nsgdaTable.markdown
    // Today's figure names as before; other variants' start with their name (the family puts them in one folder).
    let figureName = variant.prefix + (prefix.isEmpty ? "heatmap.svg" : "heatmap-\(prefix.dropLast()).svg")
    let heatMap = SVGHeatMap(
      title:
        "SGDA on the synthetic setting (variant \(variant.name)): modes recovered (of \(modeCount)), mean of \(seeds.count) seeds",
      rowLabels: sgdaRates.map { "\($0)" }, rowTitle: "η_G", columnLabels: sgdaRates.map { "\($0)" },
      columnTitle: "η_D", values: grid, notes: notes, range: 0...Double(modeCount),
      caption:
        "nSGDA (\(nsgdaLabel)): \(format(nsgda.mean)) modes; †: runs that diverged (count as 0)"
    )
    md += "\n![SGDA heat map\(kText)](\(figureName))\n\n"
    // The best SGDA cell is picked by its mean on the same seeds it is compared on: that favours SGDA,
    // so "nSGDA beats it" is the harder claim to hold.
    let best = sgdaCells.max { $0.cell.modes.mean < $1.cell.modes.mean }
    let bestModes = best?.cell.modes ?? SeedStatistics([], bounds: 0...Double(modeCount))
    // "At most one mode" holds vacuously in a cell where nothing is learned: judge only the cells where
    // some seed learned a mode, and call the claim inconclusive when there are none.
    let learning = sgdaCells.filter(\.cell.learnsAny)
    let cellParts = learning.map {
      ClaimPart(what: "\($0.label) modes", statistics: $0.cell.modes, criterion: .atMost(1))
    }
    let cellVerdicts = cellParts.map(\.verdict)
    let undecided = zip(learning, cellVerdicts).filter { $0.1 != .held }.map { cell, verdict in
      "\(cell.label) [\(verdict.rawValue)]: \(cell.cell.modes.formatted(digits: 2))"
    }
    let runsTotal = sgdaCells.map(\.cell.modes.count).reduce(0, +)
    let runsOne = sgdaCells.map { $0.cell.modes.values.filter { $0 == 1 }.count }.reduce(0, +)
    let runsMore = sgdaCells.flatMap { c in c.cell.modes.values.filter { $0 > 1 }.map { _ in c.label } }
    let moreText =
      runsMore.isEmpty
      ? "no SGDA run recovered more than one mode"
      : "\(runsMore.count) SGDA run(s) recovered more than one mode (\(Set(runsMore).sorted().joined(separator: "; ")))"
    // One claim over every learning cell: each a part "its modes ≤ 1" (as `Claim` decides parts), its
    // evidence summarised rather than listed cell by cell. No learning cell: nothing to decide on.
    let collapseClaim =
      "SGDA collapses\(kText): among the grid's cells where SGDA learns at least one mode, none recovers more than one mode on average"
    let collapseCells = cellParts.isEmpty ? nil : Claim(claim: collapseClaim, parts: cellParts)
    let collapse = collapseCells?.check
    let nsgdaAll = Claim(
      claim: "nSGDA recovers all \(modeCount) modes",
      parts: [
        ClaimPart(
          what: "nSGDA modes (\(nsgdaLabel))", statistics: nsgda, criterion: .atLeast(Double(modeCount)), digits: 2)
      ])
    let nsgdaAhead = Claim(
      claim: "nSGDA recovers more modes than SGDA's best cell\(kText)",
      parts: [
        ClaimPart(
          what: "nSGDA − best SGDA cell (\(best?.label ?? "none"); picked by mean on the same seeds, paired by seed)",
          statistics: nsgda.minus(bestModes), criterion: .positive, digits: 2)
      ],
      context: "nSGDA \(nsgda.formatted(digits: 2)), best SGDA cell \(bestModes.formatted(digits: 2))")
    // With no learning cell the collapse claim cannot be decided at any count: the plan runs its budget.
    let needs =
      [SeedPlan.Need(claim: collapseClaim, seeds: collapseCells?.seedsNeeded ?? .unbounded)]
      + [nsgdaAll, nsgdaAhead].map { SeedPlan.Need(claim: $0.claim, seeds: $0.seedsNeeded) }
    let checks = [
      ClaimCheck(
        claim: collapseClaim,
        evidence: "\(learning.count) of \(sgdaCells.count) cells learned ≥ 1 mode on some seed; "
          + "\(cellVerdicts.filter { $0 == .held }.count) of those held"
          + (undecided.isEmpty ? "" : "; the others: " + undecided.joined(separator: ", "))
          + "; runs with exactly one mode: \(runsOne) of \(runsTotal); \(moreText); "
          + evidence("best cell (\(best?.label ?? "none"))", bestModes, digits: 2),
        rule: "only cells where some seed recovered ≥ 1 mode are judged; held when every such cell holds, a cell being "
          + Criterion.atMost(1).rule("its modes")
          + "; not held when any is not held; inconclusive when no cell learns any mode (the claim would hold vacuously)"
          + RuleText.otherwise,
        verdict: collapse?.verdict ?? .inconclusive, seeds: collapse?.seeds ?? bestModes.count,
        intervalMethod: collapse?.intervalMethod ?? bestModes.intervalMethod.rawValue,
        seedsNeeded: collapse?.seedsNeeded),
      nsgdaAll.check,
      nsgdaAhead.check,
    ]
    measures["\(prefix)nsgda/modesRecovered"] = nsgda
    measures["\(prefix)sgda-best/modesRecovered"] = bestModes
    return (md, checks, needs, [figureName: heatMap.render()], measures)
  }
}

extension Array {
  /// Consecutive slices of `size` elements (the last may be shorter).
  fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
    stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
  }
}
