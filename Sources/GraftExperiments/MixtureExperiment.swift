import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// 2-D mixtures (ring8, grid25): the same MLP GAN trained with SGDA, Adam, Ada_nSGDA, SGDA_Ada and
/// nSGDA. Each optimizer's learning rate is chosen by a screen (`RateScreen`: its grid, widened while the
/// best rate sits at an edge, on `screenSeeds`), then confirmed on fresh seeds; the tables and claims
/// come from the confirmation only: modes covered and high-quality share as mean ± 95% interval with
/// the per-seed values.
///
/// Seeds: the screen runs seeds 0, 1, 2 (quick: 0); the confirmation runs seeds 100, 101, …: on ring8,
/// whose cells the claims are decided on, as many as its `seedPlan` fixes from a pilot of 5 seeds (quick:
/// 3) — at least twice the scale's seeds (10 by default, `--seeds N` gives 2N; quick: the scale's 3), at
/// most `--max-seeds` (default 40; quick: 2 more than the minimum); on grid25 (tables only) the minimum.
public struct MixtureExperiment: Experiment {
  public static let name = "mog"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  public static let optimizers = ["sgda", "adam", "ada-nsgda", "sgda-ada", "nsgda"]

  /// The first learning-rate grid of each optimizer's screen, on the scale its step is measured in: four
  /// half-decade rates around the usual choice (the quick version: the middle two).
  public func rates(_ optimizer: String) -> [Double] {
    let grid: [Double]
    switch optimizer {
    case "adam": grid = [3e-4, 1e-3, 3e-3, 1e-2]
    case "ada-nsgda": grid = [1e-4, 3e-4, 1e-3, 3e-3]
    case "nsgda": grid = [0.003, 0.01, 0.03, 0.1]
    default: grid = [0.01, 0.03, 0.1, 0.3]
    }
    return scale.quick ? Array(grid[1...2]) : grid
  }

  /// How many rates a screen may add past its grid's edges.
  public var maxExtensions: Int { scale.quick ? 1 : 3 }

  /// The seeds the rates are chosen on.
  public var screenSeeds: [Int] { scale.quick ? [0] : [0, 1, 2] }

  /// The confirmation's plan before its pilot has settled: seeds from 100 (never a screen seed).
  var pendingPlan: SeedPlan {
    SeedPlan(scale: scale, minimum: scale.quick ? scale.seeds : 2 * scale.seeds, budget: 40, quickExtra: 2)
  }

  /// The ring8 confirmation's seed count, fixed from the claims on its pilot seeds once every ring8
  /// screen has chosen and those runs have settled (`SeedPlan`).
  public var seedPlan: SeedPlan {
    let plan = pendingPlan
    var cells: [String: Cell] = [:]
    for optimizer in Self.optimizers {
      let screen = screen("ring8", optimizer, confirmationSeeds: plan.pilotSeeds)
      guard let chosen = screen.state.chosen, screen.confirmationRuns(chosen).allSatisfy(Sweep.isSettled) else {
        return plan
      }
      cells[optimizer] = confirmation(screen, chosen: chosen, modeCount: 8)
    }
    return plan.fixed(by: claims(cells))
  }

  /// The fresh seeds the chosen rates are measured on: ring8's, by the seed plan.
  public var confirmationSeeds: [Int] { seedPlan.confirmationSeeds }

  /// The confirmation seeds of `dataset`: the plan's on ring8, the minimum elsewhere.
  func confirmationSeeds(_ dataset: String, plan: SeedPlan) -> [Int] {
    dataset == "ring8" ? plan.confirmationSeeds : pendingPlan.confirmationSeeds
  }

  /// The data sets, each with the preset of its MLP GAN, its steps and its number of modes.
  var datasets: [(name: String, preset: String, steps: Int, modes: Int)] {
    scale.quick
      ? [("ring8", "ring8-mlp", 2000, 8)] : [("ring8", "ring8-mlp", 4000, 8), ("grid25", "grid25-mlp", 6000, 25)]
  }

  /// The screen of (data set, optimizer), confirmed on `confirmationSeeds`.
  func screen(_ dataset: String, _ optimizer: String, confirmationSeeds: [Int]) -> RateScreen {
    let (_, name, steps, _) = datasets.first { $0.name == dataset }!
    let base = Self.comparisonConfig(preset: name, steps: steps)
    return mixtureScreen(
      base, optimizer: optimizer, grid: rates(optimizer), maxExtensions: maxExtensions,
      screenSeeds: screenSeeds, confirmationSeeds: confirmationSeeds, name: "\(dataset)-\(optimizer)",
      labels: [.dataset: dataset])
  }

  /// The MLP GAN of `preset` as the optimizers are compared on mixtures: the standard non-saturating
  /// objective at a constant rate (the main job's hinge loss and decay made SGDA cover half the ring:
  /// another question), `steps` steps, samples and a checkpoint at the end.
  static func comparisonConfig(preset name: String, steps: Int) -> TrainingConfig {
    var base = preset(name)
    base.steps = steps
    base.loss = .nonSaturating
    base.schedule.decay = .constant
    base.logEvery = 100
    base.sampleEvery = steps
    base.checkpointEvery = steps
    return base
  }

  public var runs: [Sweep.Run] {
    let plan = seedPlan
    return datasets.flatMap { dataset in
      Self.optimizers.flatMap {
        screen(dataset.name, $0, confirmationSeeds: confirmationSeeds(dataset.name, plan: plan)).runs
      }
    }
  }

  /// One (dataset, optimizer) at its chosen rate over the confirmation seeds.
  struct Cell {
    var lr: String
    var modes: SeedStatistics
    var quality: SeedStatistics
    var failed: Int
    var runs: [Sweep.Run]
  }

  /// The confirmation cell of `screen`'s chosen rate (empty while the screen has not chosen); a run that
  /// stopped early covers no mode and has no high-quality samples. Modes lie in 0…`modeCount`, shares in
  /// 0…100 (so their intervals are bootstrap ones).
  func confirmation(_ screen: RateScreen, chosen: Double?, modeCount: Int) -> Cell {
    let runs = chosen.map(screen.confirmationRuns) ?? []
    var modes: [String: Double] = [:]
    var quality: [String: Double] = [:]
    var failed = 0
    for run in runs {
      let seed = run.seedKey
      let outcome = mixtureOutcome(run)
      if outcome.failed { failed += 1 }
      modes[seed] = outcome.modes
      quality[seed] = outcome.share
    }
    return Cell(
      lr: chosen.map { "\($0)" } ?? "–", modes: SeedStatistics(bySeed: modes, bounds: 0...Double(modeCount)),
      quality: SeedStatistics(bySeed: quality, bounds: 0...100), failed: failed, runs: runs)
  }

  public func summarize(_ sweep: Sweep) -> ExperimentResult {
    var md = ""
    var results: [String: [String: Cell]] = [:]
    var measures: [String: SeedStatistics] = [:]
    var highlighted: [String] = []
    let plan = seedPlan
    for (dataset, _, steps, k) in datasets {
      let seeds = confirmationSeeds(dataset, plan: plan)
      let seedList = "seeds \(seeds.first!)…\(seeds.last!)"
      let screenIntroduction =
        "Screen (\(screenSeeds.count) seed(s): \(screenSeeds.map(String.init).joined(separator: ", "))): each rate's mean modes covered, the chosen rate in bold (most modes, then highest share; a rate may be added past an edge of the grid up to \(maxExtensions) time(s) while the best rate sits there).\n\n"
      var screenTable = MarkdownTable(["optimizer", "mean modes by learning rate", "chosen"])
      var table = MarkdownTable([
        "optimizer", "lr", "modes covered", "high-quality share (%)", "failed runs", "samples (seed \(seeds.first!))",
      ])
      for optimizer in Self.optimizers {
        let screen = screen(dataset, optimizer, confirmationSeeds: seeds)
        let (text, state) = screenSummary(screen)
        screenTable.add(optimizer, text, choiceText(state))
        let c = confirmation(screen, chosen: state.chosen, modeCount: k)
        results[dataset, default: [:]][optimizer] = c
        measures["\(dataset)/\(optimizer)/\(MixtureCoverage.modesCoveredKey)"] = c.modes
        measures["\(dataset)/\(optimizer)/highQualityShare"] = c.quality
        let first = c.runs.first
        let picture = first.map { "\($0.name)/samples/step-\(String(format: "%06d", steps)).png" } ?? ""
        highlighted += first.map { [$0.directory.path] } ?? []
        table.add(
          optimizer, c.lr, c.modes.formatted(), c.quality.formatted(), "\(c.failed) of \(c.runs.count)",
          first == nil ? "" : "[scatter](\(picture))")
      }
      md +=
        "### \(dataset): modes covered (of \(k)) and high-quality share, \(steps) steps, chosen rate on \(seeds.count) fresh seeds\n\n"
      md +=
        "Each optimizer at the rate its screen chose, on fresh seeds (\(seedList)) that took no part in the choice. Each cell: the mean and its 95% BCa bootstrap interval over those seeds (modes and shares are bounded, and the bootstrap's interval stays within them), then the per-seed values in seed order; a run that stopped early counts as 0.\n\n"
      if dataset == "ring8" { md += plan.markdown }
      md += table.markdown + "\n" + screenIntroduction + screenTable.markdown + "\n"
    }
    let claims = claims(results["ring8"] ?? [:])
    return ExperimentResult(
      name: Self.name, markdown: md, checks: claims.map(\.check), highlightedRuns: highlighted,
      seedPlan: plan, measures: measures)
  }

  /// The paper's claims on ring8, from its confirmation cells by optimizer.
  func claims(_ ring: [String: Cell]) -> [Claim] {
    func modes(_ name: String) -> SeedStatistics { ring[name]?.modes ?? SeedStatistics([], bounds: 0...8) }
    let (adam, adaN, sgdaAda, sgda, nsgda) = (
      modes("adam"), modes("ada-nsgda"), modes("sgda-ada"), modes("sgda"), modes("nsgda")
    )
    return [
      Claim(
        claim: "Adam covers the ring's modes (mean ≥ 7 of 8)",
        parts: [ClaimPart(what: "ring8 modes, Adam", statistics: adam, criterion: .atLeast(7))]),
      Claim(
        claim: "Ada_nSGDA (Adam's magnitude, SGD's direction) does about as well as Adam (within 1 mode)",
        parts: [
          ClaimPart(
            what: "ring8 modes, Ada_nSGDA − Adam (paired by seed)", statistics: adaN.minus(adam),
            criterion: .within(margin: 1))
        ],
        context: "Ada_nSGDA \(adaN.formatted()), Adam \(adam.formatted())"),
      Claim(
        claim:
          "SGDA_Ada (SGD's magnitude, Adam's direction) does no better than SGDA (by at most 1 mode) and worse than Adam",
        parts: [
          ClaimPart(
            what: "ring8 modes, SGDA_Ada − SGDA (paired by seed)", statistics: sgdaAda.minus(sgda),
            criterion: .atMost(1)),
          ClaimPart(what: "Adam − SGDA_Ada (paired by seed)", statistics: adam.minus(sgdaAda), criterion: .positive),
        ],
        context: "SGDA_Ada \(sgdaAda.formatted()), SGDA \(sgda.formatted()), Adam \(adam.formatted())"),
      Claim(
        claim: "nSGDA does about as well as Adam (within 1 mode)",
        parts: [
          ClaimPart(
            what: "ring8 modes, nSGDA − Adam (paired by seed)", statistics: nsgda.minus(adam),
            criterion: .within(margin: 1))
        ],
        context: "nSGDA \(nsgda.formatted()), Adam \(adam.formatted())"),
    ]
  }
}
