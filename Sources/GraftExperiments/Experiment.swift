import Foundation
import GraftGAN

/// How big an experiment is: `quick` finishes in a few minutes on 2 cores (the CI smoke version),
/// `full` is the budgeted version whose numbers go into RESULTS.md. Every experiment runs each of its
/// configurations on `seeds` seeds (0..<seeds) and reports mean ± 95% interval with the per-seed
/// values: one seed's outcome is a random draw and decides nothing.
public struct ExperimentScale: Sendable {
  public var quick: Bool
  public var seeds: Int
  /// Runs at a time.
  public var parallel: Int
  /// The `graft` executable that runs each training (this process's own by default).
  public var executable: URL

  public init(
    quick: Bool, seeds: Int? = nil, parallel: Int = 2, executable: URL = URL(fileURLWithPath: "/proc/self/exe")
  ) {
    self.quick = quick
    // Three seeds is the fewest that gives a usable t interval (two give t = 12.7 times the spread).
    self.seeds = seeds ?? (quick ? 3 : 5)
    self.parallel = parallel
    self.executable = executable
  }
}

/// A paper claim and what this machine measured about it, over seeds.
public struct ClaimCheck: Codable, Sendable {
  /// The paper's claim, in words.
  public var claim: String
  /// What was measured: the 95% intervals and per-seed values the verdict comes from.
  public var evidence: String
  /// How the verdict was decided from the intervals (see `Verdict`).
  public var rule: String
  /// Held, not held, or inconclusive (the intervals cannot tell, e.g. with one seed).
  public var verdict: Verdict

  public init(claim: String, evidence: String, rule: String, verdict: Verdict) {
    self.claim = claim
    self.evidence = evidence
    self.rule = rule
    self.verdict = verdict
  }
}

/// What an experiment leaves behind: a Markdown section (tables, figure links) and its claim checks.
public struct ExperimentResult: Codable, Sendable {
  public var name: String
  public var markdown: String
  public var checks: [ClaimCheck]
  /// Run directories worth showing in the HTML report.
  public var highlightedRuns: [String]
  /// Figures as SVG documents, by file name (written next to results.md, shown in the HTML report).
  public var figures: [String: String] = [:]
  /// The outcomes the tables and claims come from, per seed, by name (e.g. "ring8/adam/modesCovered").
  public var measures: [String: SeedStatistics] = [:]
}

/// Runs the sweep of an experiment with this process's own executable, logging to standard output.
func execute(_ sweep: Sweep, _ scale: ExperimentScale) throws {
  let failures = try sweep.execute(executable: scale.executable, parallel: scale.parallel) {
    print($0)
  }
  // Diverged runs are results (a NaN stop exits non-zero), not errors of the experiment.
  if !failures.isEmpty {
    print("reproduce: \(failures.count) run(s) stopped early; they count as failed in the tables")
  }
}

/// "Adam: 7.7 ± 1.4 (n=3: 8, 8, 7), 95% interval [6.2, 9.1]": a measure as evidence text.
func evidence(_ label: String, _ s: SeedStatistics, digits: Int = 1) -> String {
  "\(label): \(s.formatted(digits: digits)), 95% interval \(s.formattedInterval(digits: digits))"
}

func format(_ value: Double, _ digits: Int = 2) -> String {
  value.isFinite ? String(format: "%.\(digits)f", value) : "–"
}

/// The verdict rules of `Verdict`, in words for the claims' tables.
enum RuleText {
  static func atLeast(_ what: String, _ threshold: String) -> String {
    "held when the 95% interval of \(what) lies at or above \(threshold), not held when wholly below it"
  }
  static func atMost(_ what: String, _ threshold: String) -> String {
    "held when the 95% interval of \(what) lies at or below \(threshold), not held when wholly above it"
  }
  static func positive(_ difference: String) -> String {
    "held when the 95% interval of \(difference) (paired by seed) lies above 0, not held when at or below 0"
  }
  static func within(_ difference: String, _ margin: String) -> String {
    "held when the 95% interval of \(difference) (paired by seed) lies inside ±\(margin), not held when wholly outside"
  }
  static let otherwise = "; otherwise (and always with one seed) inconclusive"
  /// A claim of two parts (`Verdict.all`).
  static func both(_ a: String, _ b: String) -> String {
    "held when both parts hold, not held when either is not held, otherwise (and always with one seed) "
      + "inconclusive; (a) \(a); (b) \(b)"
  }
}
