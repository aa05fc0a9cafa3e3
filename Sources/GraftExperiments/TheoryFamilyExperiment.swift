import Foundation
import GraftGAN
import GraftIO
import GraftOptimizers
import GraftReport
import GraftRun
import GraftStatistics
import GraftSweep

/// The search over the synthetic model family (issue 25): every `TheoryVariant`'s SGDA grid and nSGDA
/// runs, then one table that answers in which variants SGDA learns exactly one mode in every cell where
/// it learns while nSGDA recovers all, followed by each variant's own tables (`TheoryExperiment`).
public struct TheoryFamilyExperiment: Experiment {
  public static let name = "theory-family"
  public var root: URL
  public var scale: ExperimentScale
  /// The variants run, in table order.
  public var variants: [TheoryVariant]

  /// Every variant.
  public init(root: URL, scale: ExperimentScale) {
    self.init(root: root, scale: scale, variants: TheoryVariant.all)
  }

  public init(root: URL, scale: ExperimentScale, variants: [TheoryVariant]) {
    self.root = root
    self.scale = scale
    self.variants = variants
  }

  /// One variant's experiment; all share `root` (run names start with the variant's name).
  func experiment(_ variant: TheoryVariant) -> TheoryExperiment {
    TheoryExperiment(root: root, scale: scale, variant: variant, planned: false)
  }

  public var runs: [Sweep.Run] { variants.flatMap { experiment($0).runs } }

  /// One variant's line of the family table at K = 2 (the first mode count it runs).
  struct Row {
    var variant: TheoryVariant
    /// SGDA cells where some seed learned ≥ 1 mode, and of those: where no seed ended with more than
    /// one, and where every seed ended with exactly one.
    var learning: Int
    var atMostOne: Int
    var exactlyOne: Int
    var cells: Int
    /// SGDA runs (of those evaluated during training) that held ≥ 2 modes at some evaluation, of all.
    var everTwo: Int
    var evaluated: Int
    /// The best nSGDA setting's modes per seed, and its label.
    var nsgda: SeedStatistics
    var nsgdaLabel: String
    /// nSGDA runs (best setting) that left one mode for two or more during training.
    var nsgdaLeft: Int
    /// Wall seconds of the variant's finished runs together.
    var seconds: Double
    var modes: Int

    /// SGDA learns somewhere, and no SGDA run holds more than one mode, at the end or (where evaluated)
    /// at any evaluation during training: the collapse half of the mechanism.
    var sgdaCollapses: Bool { learning > 0 && atMostOne == learning && everTwo == 0 }
    /// nSGDA seeds (best setting) that ended with every mode.
    var nsgdaAll: Int { nsgda.values.filter { $0 >= Double(modes) }.count }
  }

  func row(_ sweep: Sweep, _ variant: TheoryVariant) -> Row {
    let e = experiment(variant)
    let k = e.modeCounts[0]
    var learning = 0
    var atMostOne = 0
    var exactlyOne = 0
    var everTwo = 0
    var evaluated = 0
    for g in e.sgdaRates {
      for d in e.sgdaRates {
        let c = e.cell(sweep, k, .sgda, g, d)
        everTwo += c.maximumModes.values.filter { $0 >= 2 }.count
        evaluated += c.maximumModes.count
        guard c.learnsAny else { continue }
        learning += 1
        if c.modes.values.allSatisfy({ $0 <= 1 }) { atMostOne += 1 }
        if c.modes.values.allSatisfy({ $0 == 1 }) { exactlyOne += 1 }
      }
    }
    var nsgda = SeedStatistics([], bounds: 0...Double(k))
    var label = ""
    var left = 0
    for n in e.nsgdaSettings {
      let c = e.cell(sweep, k, .nsgda, n.generatorRate, n.discriminatorRate, schedule: n.schedule)
      if nsgda.count == 0 || c.modes.mean > nsgda.mean {
        nsgda = c.modes
        label = n.label
        left = c.leftOneMode.count
      }
    }
    let seconds = e.runs.filter { $0.labels[.modes] == nil }.compactMap { Sweep.summary($0)?.wallSeconds }.reduce(0, +)
    return Row(
      variant: variant, learning: learning, atMostOne: atMostOne, exactlyOne: exactlyOne,
      cells: e.sgdaRates.count * e.sgdaRates.count, everTwo: everTwo, evaluated: evaluated, nsgda: nsgda,
      nsgdaLabel: label, nsgdaLeft: left, seconds: seconds, modes: k)
  }

  public func summarize(_ sweep: Sweep) throws -> ExperimentResult {
    let rows = variants.map { row(sweep, $0) }
    var md = "### The synthetic model family: where does SGDA collapse while nSGDA recovers all?\n\n"
    md +=
      "K = 2 modes, \(seeds) seeds. SGDA over its \(scale.quick ? "quick" : "full") grid of (η_G, η_D): the cells where some seed learned ≥ 1 mode (learning cells), those where no seed ended with more than one mode, and those where every seed ended with exactly one; the SGDA runs that held ≥ 2 modes at any evaluation during training (of the runs evaluated during training); nSGDA's best setting, modes at the end, mean ± 95% interval (per seed), and its runs that held one mode and later two or more. Time: the wall seconds of the variant's K = 2 runs (one run at a time).\n\n"
    var table = MarkdownTable([
      "variant", "settings", "SGDA learning cells", "≤ 1 mode on every seed", "exactly 1 on every seed",
      "SGDA runs ever at ≥ 2 modes", "SGDA never above one mode", "nSGDA", "nSGDA modes", "nSGDA seeds with all modes",
      "nSGDA left 1 → ≥ 2", "time",
    ])
    for r in rows {
      let ever = r.evaluated == 0 ? "– (not evaluated during training)" : "\(r.everTwo) of \(r.evaluated)"
      table.add(
        r.variant.name, "`\(r.variant.flags)`", "\(r.learning) of \(r.cells)", "\(r.atMostOne) of \(r.learning)",
        "\(r.exactlyOne) of \(r.learning)", ever, r.sgdaCollapses ? "yes" : "no", r.nsgdaLabel,
        r.nsgda.formatted(digits: 2), "\(r.nsgdaAll) of \(r.nsgda.count)", "\(r.nsgdaLeft) of \(r.nsgda.count)",
        "\(Int(r.seconds.rounded())) s")
    }
    md += table.markdown
    let shows = rows.filter(\.sgdaCollapses)
    let best = shows.max { ($0.nsgdaAll, $0.nsgda.mean) < ($1.nsgdaAll, $1.nsgda.mean) }
    md +=
      "\nSGDA never above one mode in: "
      + (shows.isEmpty
        ? "no variant"
        : shows.map { "\($0.variant.name) (nSGDA all modes on \($0.nsgdaAll) of \($0.nsgda.count) seeds)" }.joined(
          separator: ", "))
      + (best.map { "; of those, nSGDA recovers all modes on the most seeds in \($0.variant.name)" } ?? "") + ".\n\n"
    var checks: [ClaimCheck] = []
    var figures: [String: String] = [:]
    var measures: [String: SeedStatistics] = [:]
    for variant in variants {
      let e = experiment(variant)
      for k in e.modeCounts {
        let part = e.summarize(sweep, modes: k, seeds: e.seedList)
        md += part.markdown
        checks += part.checks.map { c in
          var c = c
          c.claim = "\(variant.name): " + c.claim
          return c
        }
        figures.merge(part.figures) { $1 }
        for (name, m) in part.measures { measures["\(variant.name)/\(name)"] = m }
      }
    }
    return ExperimentResult(
      name: Self.name, markdown: md, checks: checks, highlightedRuns: [], figures: figures, measures: measures)
  }
}
