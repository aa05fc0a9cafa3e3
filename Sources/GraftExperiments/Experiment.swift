import Foundation

/// How big an experiment is: `quick` finishes in a few minutes on 2 cores (the CI smoke version),
/// `full` is the budgeted version whose numbers go into RESULTS.md.
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
    self.seeds = seeds ?? (quick ? 2 : 5)
    self.parallel = parallel
    self.executable = executable
  }
}

/// A paper claim and what this machine measured about it.
public struct ClaimCheck: Codable, Sendable {
  /// The paper's claim, in words.
  public var claim: String
  /// What was measured, in words with numbers.
  public var evidence: String
  /// Whether the measurement agrees with the claim.
  public var held: Bool
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

/// Mean and sample standard deviation.
func meanAndSpread(_ values: [Double]) -> (mean: Double, std: Double) {
  guard !values.isEmpty else { return (.nan, .nan) }
  let mean = values.reduce(0, +) / Double(values.count)
  guard values.count > 1 else { return (mean, 0) }
  let v = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
  return (mean, v.squareRoot())
}

func format(_ value: Double, _ digits: Int = 2) -> String {
  value.isFinite ? String(format: "%.\(digits)f", value) : "–"
}
