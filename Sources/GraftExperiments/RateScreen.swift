import Foundation
import GraftGAN
import GraftRun
import GraftSweep

/// One configuration's learning rate chosen by a screen, then measured at that rate on fresh seeds: the
/// screen trains every rate of a `RateSearch` on `screenSeeds` (widening the grid while the best rate sits
/// at an edge), and the confirmation trains the chosen rate on `confirmationSeeds`, disjoint from the
/// screen's, so the reported numbers are not lifted by the selection.
///
/// Everything is read back from the run directories: `runs` lists the screen's runs so far and, once the
/// search has chosen, the confirmation's, so `Experiment.run(on:)` can ask again after every batch.
struct RateScreen {
  var search: RateSearch
  var screenSeeds: [Int]
  var confirmationSeeds: [Int]
  /// The run of this configuration at a learning rate, seed and stage (for its labels).
  var makeRun: (_ rate: Double, _ seed: Int, _ stage: RunStage) -> Sweep.Run
  /// A rate's score from its settled screen runs (higher is better; a failed run should score lowest).
  var score: ([Sweep.Run]) -> Double

  /// The screen's runs at `rate`.
  func screenRuns(_ rate: Double) -> [Sweep.Run] { screenSeeds.map { makeRun(rate, $0, .screen) } }

  /// The confirmation's runs at `rate`.
  func confirmationRuns(_ rate: Double) -> [Sweep.Run] {
    confirmationSeeds.map { makeRun(rate, $0, .confirmation) }
  }

  /// Where the search stands: a rate's score is nil until all its screen runs have settled.
  var state: RateSearch.State {
    search.resolve { rate in
      let runs = screenRuns(rate)
      return runs.allSatisfy(Sweep.isSettled) ? score(runs) : nil
    }
  }

  /// The runs called for so far: the screen's at every rate of the search, then the confirmation's once
  /// a rate is chosen.
  var runs: [Sweep.Run] {
    let state = state
    return state.rates.flatMap(screenRuns) + (state.chosen.map(confirmationRuns) ?? [])
  }
}

/// Modes covered and high-quality share (%) of a mixture run; a run that stopped early (or has not
/// finished) covers no mode and has no high-quality samples.
func mixtureOutcome(_ run: Sweep.Run) -> (modes: Double, share: Double, failed: Bool) {
  guard let mixture = Sweep.summary(run)?.mixture else { return (0, 0, true) }
  return (Double(mixture.modesCovered), Double(mixture.highQualityShare) * 100, false)
}

/// A screen score for mixture runs: the mean modes covered, ties broken by the mean high-quality share
/// (scaled far below one seed's mode, so it only orders equal mode means).
func mixtureScore(_ runs: [Sweep.Run]) -> Double {
  guard !runs.isEmpty else { return 0 }
  let outcomes = runs.map(mixtureOutcome)
  let n = Double(runs.count)
  let modes = outcomes.map(\.modes).reduce(0, +) / n
  let share = outcomes.map(\.share).reduce(0, +) / n
  // share ≤ 100, so share·1e-4 ≤ 0.01 < 1/n for any screen of fewer than 100 seeds.
  return modes + share * 1e-4
}

extension Experiment {
  /// One optimizer's screen on a mixture: `base` with `optimizer` and each rate of `grid` (widened up to
  /// `maxExtensions` times) on both players, runs named "`name`-lrR-seedS" and labelled with `labels` plus
  /// the optimizer, rate, seed and stage, scored by modes covered (`mixtureScore`).
  func mixtureScreen(
    _ base: TrainingConfig, optimizer: String, grid: [Double], maxExtensions: Int, screenSeeds: [Int],
    confirmationSeeds: [Int], name: String, labels: [RunLabel: String]
  ) -> RateScreen {
    RateScreen(
      search: RateSearch(from: grid.first!, to: grid.last!, maxExtensions: maxExtensions),
      screenSeeds: screenSeeds, confirmationSeeds: confirmationSeeds,
      makeRun: { lr, seed, stage in
        var config = base
        config.setOptimizer(arm: optimizer)
        config.setLearningRate(lr)
        config.seed = UInt64(seed)
        return makeRun(
          "\(name)-lr\(lr)-seed\(seed)", config,
          labels: labels.merging([
            .optimizer: optimizer, .learningRate: "\(lr)", .seed: "\(seed)", .stage: stage.rawValue,
          ]) { $1 })
      }, score: mixtureScore)
  }
}

/// "0.01: 0.3 · 0.03: **1.0** · 0.1: 0.7": each screened rate's mean modes, the chosen one in bold.
func screenSummary(_ screen: RateScreen) -> (text: String, state: RateSearch.State) {
  let state = screen.state
  let text = state.rates.map { rate -> String in
    let runs = screen.screenRuns(rate)
    let value =
      runs.allSatisfy(Sweep.isSettled)
      ? format(runs.map { mixtureOutcome($0).modes }.reduce(0, +) / Double(runs.count), 1) : "…"
    return rate == state.chosen ? "**\(rate): \(value)**" : "\(rate): \(value)"
  }.joined(separator: " · ")
  return (text, state)
}

/// Where the chosen rate sits, in words for the screen tables.
func choiceText(_ state: RateSearch.State) -> String {
  guard let chosen = state.chosen else { return "not settled" }
  return state.chosenAtEdge ? "\(chosen) (still at an edge: extension budget spent)" : "\(chosen)"
}
