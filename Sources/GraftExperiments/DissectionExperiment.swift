import Foundation
import GraftGAN
import GraftIO
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// How robust `graft dissect` is: the dissection (`Dissection`) on many seeds — 40 (100…139; quick: 5,
/// 100…104) — with the distribution of its magnitude and direction effects, so that the README can say
/// how often a newcomer's single run shows the paper's finding. Run it under each kernel set
/// (`OPENBLAS_CORETYPE`, `DNNL_MAX_CPU_ISA`) into its own directory to compare CPUs.
public struct DissectionExperiment: Experiment {
  public static let name = "dissect"
  public var root: URL
  public var scale: ExperimentScale

  public init(root: URL, scale: ExperimentScale) {
    self.root = root
    self.scale = scale
  }

  /// The seeds: 40 from 100 (quick: 5).
  public var seedList: [Int] { Array(100..<(scale.quick ? 105 : 140)) }

  /// The effect a seed must reach, and the share of seeds that must reach it (38 of 40).
  public static let target = (effect: 3.0, share: 0.95)

  func dissection(_ seed: Int) -> Dissection {
    Dissection(root: root, seed: UInt64(seed), prefix: "seed\(seed)-")
  }

  public var runs: [Sweep.Run] { seedList.flatMap { dissection($0).runs } }

  public func summarize(_ sweep: Sweep) throws -> ExperimentResult {
    let results = seedList.map { dissection($0).result() }
    func bySeed(_ value: (DissectionResult) -> Double?) -> [String: Double] {
      var values: [String: Double] = [:]
      for r in results { if let v = value(r) { values["\(r.seed)"] = v } }
      return values
    }
    let effectRange = -8.0...8.0
    let magnitude = SeedStatistics(bySeed: bySeed(\.magnitudeEffect), bounds: effectRange)
    let direction = SeedStatistics(bySeed: bySeed(\.directionEffect), bounds: effectRange)
    var measures = ["magnitudeEffect": magnitude, "directionEffect": direction]
    var md = "### graft dissect over \(seedList.count) seeds (\(seedList.first!)…\(seedList.last!))\n\n"
    md +=
      "Each seed trains the 2×2 square on ring8 (\(Dissection.steps) steps, rates "
      + Dissection.optimizers.map { "\($0) \(Dissection.rates[$0]!)" }.joined(separator: ", ")
      + "). Modes covered (of 8): mean [95% BCa bootstrap interval] (per-seed values).\n\n"
    var table = MarkdownTable(["optimizer", "modes covered", "high-quality share"])
    for name in Dissection.optimizers {
      let modes = SeedStatistics(bySeed: bySeed { $0.optimizers[name].map { Double($0.modesCovered) } }, bounds: 0...8)
      let share = SeedStatistics(bySeed: bySeed { $0.optimizers[name]?.highQualityShare }, bounds: 0...1)
      measures["\(name)/\(MixtureCoverage.modesCoveredKey)"] = modes
      measures["\(name)/highQualityShare"] = share
      table.add(name, modes.formatted(), share.formatted(digits: 2))
    }
    md += table.markdown
    let reached = magnitude.values.filter { $0 >= Self.target.effect }.count
    var effects = MarkdownTable(["effect (modes)", "mean [95% interval] (per seed)", "seeds at each value"])
    for (label, effect) in [("magnitude", magnitude), ("direction", direction)] {
      let histogram = Dictionary(grouping: effect.values, by: { $0 }).sorted { $0.key < $1.key }
        .map { "\(SeedStatistics.number($0.key, digits: 1)): \($0.value.count)" }.joined(separator: ", ")
      effects.add(label, effect.formatted(), histogram)
    }
    md += "\n" + effects.markdown
    md +=
      "\nMagnitude effect ≥ \(SeedStatistics.number(Self.target.effect, digits: 1)) modes on **\(reached) of \(magnitude.count)** seeds"
      + " (\(results.count - magnitude.count) seed(s) with a run that did not finish).\n\n"
    let needed = Int((Self.target.share * Double(seedList.count)).rounded(.up))
    let checks = [
      ClaimCheck(
        claim:
          "A single `graft dissect` shows Adam's magnitude effect (≥ \(SeedStatistics.number(Self.target.effect, digits: 1)) modes) on at least \(Int(100 * Self.target.share))% of seeds",
        evidence: "\(reached) of \(seedList.count) seeds; magnitude effect \(magnitude.formatted())",
        rule:
          "a count over the seeds run, not an inference: held when at least \(needed) of \(seedList.count) seeds reach it (a run that did not finish counts against it), not held otherwise",
        verdict: reached >= needed ? .held : .notHeld, seeds: seedList.count, intervalMethod: "count"),
      Claim(
        claim: "Adam and Ada_nSGDA cover at least 6 of 8 modes on average",
        parts: ["adam", "ada-nsgda"].map { name in
          ClaimPart(
            what: "\(name) modes", statistics: measures["\(name)/\(MixtureCoverage.modesCoveredKey)"]!,
            criterion: .atLeast(6))
        }
      ).check,
    ]
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks,
      highlightedRuns: dissection(seedList[0]).runs.map(\.directory.path), measures: measures)
  }
}
