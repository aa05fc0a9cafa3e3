import Foundation
import GraftGAN
import GraftOptimizers
import GraftRun
import GraftStatistics
import GraftSweep

/// The paper's experiment in miniature (`graft dissect`): Adam's update split into its magnitude and its
/// direction on ring8, the 2×2 square of magnitude source × direction source trained from one seed —
/// Adam (Adam's magnitude, Adam's direction), SGDA (SGD's, SGD's), Ada_nSGDA (Adam's magnitude on SGD's
/// direction) and SGDA_Ada (SGD's magnitude on Adam's direction) — each an ordinary run directory under
/// `root`, named after its optimizer (after `prefix`).
///
/// The settings are the mixture protocol's comparison (`MixtureExperiment.comparisonConfig`: the
/// non-saturating loss at a constant rate, 4000 steps) and each optimizer's rate is the one its ring8
/// screen chose (RESULTS.md, 2026-12-06: 3 seeds over a half-decade grid, then confirmed on 40 fresh
/// seeds). How often the square shows the magnitude effect over seeds and CPUs: `DissectionExperiment`
/// and the README.
public struct Dissection: Sendable {
  /// The four optimizers, in the order of the table: magnitude source × direction source.
  public static let optimizers = ["adam", "sgda", "ada-nsgda", "sgda-ada"]

  /// Each optimizer's learning rate (both players), from the ring8 screen.
  public static let rates: [String: Double] = ["adam": 3e-3, "sgda": 0.1, "ada-nsgda": 3e-4, "sgda-ada": 0.03]

  /// Training steps of each run.
  public static let steps = 4000

  /// Where the four run directories go.
  public var root: URL
  public var seed: UInt64
  public var steps: Int
  /// Put before each run's name ("seed100-": many squares in one folder).
  public var prefix: String

  public init(root: URL, seed: UInt64, steps: Int = Dissection.steps, prefix: String = "") {
    self.root = root
    self.seed = seed
    self.steps = steps
    self.prefix = prefix
  }

  /// The config of `optimizer`'s run.
  public func config(_ optimizer: String) -> TrainingConfig {
    var config = MixtureExperiment.comparisonConfig(preset: "ring8-mlp", steps: steps)
    config.setOptimizer(arm: optimizer)
    config.generatorSettings.learningRate = Self.rates[optimizer]!
    config.discriminatorSettings.learningRate = Self.rates[optimizer]!
    config.seed = seed
    return config
  }

  /// The four runs (their directories under `root`, labelled by optimizer).
  public var runs: [Sweep.Run] {
    Self.optimizers.map {
      Sweep.Run(name: prefix + $0, config: config($0), root: root, labels: [.optimizer: $0, .seed: "\(seed)"])
    }
  }

  /// The square's outcome, from the runs' summaries; nil for a run that did not finish.
  public func result() -> DissectionResult {
    var optimizers: [String: DissectionResult.Outcome] = [:]
    for run in runs {
      guard let summary = Sweep.summary(run), let mixture = summary.mixture else { continue }
      let name = run.config.generatorOptimizer.name
      optimizers[name] = .init(
        modesCovered: mixture.modesCovered, modeCount: mixture.modeCount,
        highQualityShare: Double(mixture.highQualityShare), learningRate: Self.rates[name]!,
        wallSeconds: summary.wallSeconds)
    }
    return DissectionResult(seed: seed, steps: steps, optimizers: optimizers)
  }
}

/// What `graft dissect` found (its summary.json): per optimizer the modes covered and the high-quality
/// share, and the magnitude and direction effects in modes (`MagnitudeDirectionFactorial`, one seed).
public struct DissectionResult: Codable, Sendable, Equatable {
  public struct Outcome: Codable, Sendable, Equatable {
    public var modesCovered: Int
    public var modeCount: Int
    /// Share of samples within 3σ of a mode, in [0, 1].
    public var highQualityShare: Double
    public var learningRate: Double
    public var wallSeconds: Double

    public init(modesCovered: Int, modeCount: Int, highQualityShare: Double, learningRate: Double, wallSeconds: Double)
    {
      self.modesCovered = modesCovered
      self.modeCount = modeCount
      self.highQualityShare = highQualityShare
      self.learningRate = learningRate
      self.wallSeconds = wallSeconds
    }
  }

  public var seed: UInt64
  public var steps: Int
  /// By optimizer name (`Dissection.optimizers`); a run that did not finish is missing.
  public var optimizers: [String: Outcome]
  /// ½[(Adam − SGDA_Ada) + (Ada_nSGDA − SGDA)] modes covered: what Adam's magnitude adds, on either
  /// direction. Nil unless all four runs finished.
  public var magnitudeEffect: Double?
  /// ½[(Adam − Ada_nSGDA) + (SGDA_Ada − SGDA)] modes covered: what Adam's direction adds, on either
  /// magnitude.
  public var directionEffect: Double?

  public init(seed: UInt64, steps: Int, optimizers: [String: Outcome]) {
    self.seed = seed
    self.steps = steps
    self.optimizers = optimizers
    if let a = optimizers["adam"], let s = optimizers["sgda"], let an = optimizers["ada-nsgda"],
      let sa = optimizers["sgda-ada"]
    {
      func modes(_ o: Outcome) -> SeedStatistics { SeedStatistics([Double(o.modesCovered)], seeds: ["\(seed)"]) }
      let factorial = MagnitudeDirectionFactorial(
        adam: modes(a), adaNSGDA: modes(an), sgdaAda: modes(sa), sgda: modes(s), lowerIsBetter: false)
      magnitudeEffect = factorial.magnitude.values.first
      directionEffect = factorial.direction.values.first
    }
  }

  /// How each optimizer is built, for the table.
  public static let anatomy: [String: (name: String, magnitude: String, direction: String)] = [
    "adam": ("Adam", "Adam", "Adam"), "sgda": ("SGDA", "SGD", "SGD"),
    "ada-nsgda": ("Ada_nSGDA", "Adam", "SGD"), "sgda-ada": ("SGDA_Ada", "SGD", "Adam"),
  ]

  /// The table, the effects and the sentence, as printed.
  public var text: String {
    magnitudeEffect == nil ? table : table + "\n\n" + sentence
  }

  /// The table and the effects (without the sentence).
  public var table: String {
    var lines = [
      "optimizer   magnitude  direction  lr       modes covered  high-quality",
      "----------  ---------  ---------  -------  -------------  ------------",
    ]
    for name in Dissection.optimizers {
      let a = Self.anatomy[name]!
      let row: String
      if let o = optimizers[name] {
        row =
          "\(pad(String(format: "%g", o.learningRate), 7))  \(pad("\(o.modesCovered) of \(o.modeCount)", 13))  "
          + String(format: "%.1f%%", 100 * o.highQualityShare)
      } else {
        row = "–        did not finish"
      }
      lines.append("\(pad(a.name, 10))  \(pad(a.magnitude, 9))  \(pad(a.direction, 9))  \(row)")
    }
    guard let magnitudeEffect, let directionEffect else { return lines.joined(separator: "\n") }
    lines.append("")
    lines.append(
      "magnitude effect  \(Self.signed(magnitudeEffect)) modes   ½[(Adam − SGDA_Ada) + (Ada_nSGDA − SGDA)]")
    lines.append(
      "direction effect  \(Self.signed(directionEffect)) modes   ½[(Adam − Ada_nSGDA) + (SGDA_Ada − SGDA)]")
    return lines.joined(separator: "\n")
  }

  /// One sentence on what this seed shows, in the paper's terms.
  public var sentence: String {
    guard let magnitudeEffect, let directionEffect else { return "Not every run finished: no effects." }
    let gap = magnitudeEffect - directionEffect
    if magnitudeEffect >= 2 && gap >= 1 {
      return
        "On seed \(seed) Adam's magnitude adds \(Self.signed(magnitudeEffect)) modes whichever direction it scales, and "
        + "Adam's direction adds \(Self.signed(directionEffect)) whichever magnitude it gets: the magnitude, not the "
        + "direction, covers the ring — the paper's finding. One seed is one draw: the README shows the effect over 40."
    }
    return
      "This seed does not separate magnitude from direction clearly (magnitude \(Self.signed(magnitudeEffect)), direction "
      + "\(Self.signed(directionEffect)) modes): one seed is one draw; the README shows the effect over 40 seeds."
  }

  private func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
  }

  /// "+4", "−1.5", "0": a signed number of modes.
  public static func signed(_ x: Double) -> String {
    (x > 0 ? "+" : x < 0 ? "−" : "") + String(format: x == x.rounded() ? "%.0f" : "%.1f", abs(x))
  }
}
