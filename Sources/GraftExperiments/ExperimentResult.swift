import Foundation
import GraftGAN
import GraftStatistics

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
  /// The seeds the verdict rests on (nil in results written before seed counts were recorded).
  public var seeds: Int?
  /// How its intervals were computed ("Student t", "BCa bootstrap"; several joined by " and ").
  public var intervalMethod: String?
  /// For an inconclusive claim: the seeds it would need, by its spread and its mean's distance from the
  /// threshold (`RequiredSeeds`).
  public var seedsNeeded: SeedsNeeded?

  /// The seeds an undecided claim would need. In JSON a number, or `"unbounded"` (files written before
  /// 2026-12-07 hold `{"count": {"_0": 42}}` or `{"unbounded": {}}`, still read).
  public enum SeedsNeeded: Codable, Sendable, Equatable {
    /// About this many seeds in all (80% power at the measured spread and distance).
    case count(Int)
    /// No finite number: the mean sits on the threshold.
    case unbounded

    public func encode(to encoder: Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .count(let n): try container.encode(n)
      case .unbounded: try container.encode("unbounded")
      }
    }

    public init(from decoder: Decoder) throws {
      if let container = try? decoder.singleValueContainer() {
        if let n = try? container.decode(Int.self) {
          self = .count(n)
          return
        }
        if (try? container.decode(String.self)) == "unbounded" {
          self = .unbounded
          return
        }
      }
      self = try Legacy(from: decoder).value
    }

    /// The synthesized enum coding of the first files.
    private enum Legacy: Decodable {
      case count(Int)
      case unbounded
      var value: SeedsNeeded {
        switch self {
        case .count(let n): return .count(n)
        case .unbounded: return .unbounded
        }
      }
    }

    /// "≈ 34 seeds" or "no finite number (the mean is on the threshold)".
    public var text: String {
      switch self {
      case .count(let n): return "≈ \(n) seeds"
      case .unbounded: return "no finite number (the mean is on the threshold)"
      }
    }
  }

  public init(
    claim: String, evidence: String, rule: String, verdict: Verdict, seeds: Int? = nil, intervalMethod: String? = nil,
    seedsNeeded: SeedsNeeded? = nil
  ) {
    self.claim = claim
    self.evidence = evidence
    self.rule = rule
    self.verdict = verdict
    self.seeds = seeds
    self.intervalMethod = intervalMethod
    self.seedsNeeded = seedsNeeded
  }

  /// "n = 20, BCa bootstrap; would need ≈ 34 seeds": the seed count, interval method and, when
  /// undecided, the seeds needed, for the claims' tables.
  public var basis: String {
    var text = seeds.map { "n = \($0)" } ?? "n not recorded"
    if let intervalMethod { text += ", \(intervalMethod)" }
    if verdict == .inconclusive, let seedsNeeded { text += "; would need \(seedsNeeded.text)" }
    return text
  }
}

/// What an experiment leaves behind: a Markdown section (tables, figure links) and its claim checks.
public struct ExperimentResult: Codable, Sendable {
  public var name: String
  public var markdown: String
  public var checks: [ClaimCheck]
  /// Run directories worth showing in the HTML report.
  public var highlightedRuns: [String]
  /// How many confirmation seeds its claims were given and why (nil where it plans none).
  public var seedPlan: SeedPlan? = nil
  /// Figures as SVG documents, by file name (written next to results.md, shown in the HTML report).
  public var figures: [String: String] = [:]
  /// The outcomes the tables and claims come from, per seed, by name (e.g. "ring8/adam/modesCovered").
  public var measures: [String: SeedStatistics] = [:]

  public init(
    name: String, markdown: String, checks: [ClaimCheck], highlightedRuns: [String], seedPlan: SeedPlan? = nil,
    figures: [String: String] = [:], measures: [String: SeedStatistics] = [:]
  ) {
    self.name = name
    self.markdown = markdown
    self.checks = checks
    self.highlightedRuns = highlightedRuns
    self.seedPlan = seedPlan
    self.figures = figures
    self.measures = measures
  }
}

/// "Adam: 7.7 ± 1.4 (n=3: 8, 8, 7), 95% interval [6.2, 9.1]": a measure as evidence text (a bounded
/// measure's bootstrap interval says so: "95% interval [6.0, 8.0] (BCa bootstrap)").
func evidence(_ label: String, _ s: SeedStatistics, digits: Int = 1) -> String {
  let method = s.intervalMethod == .studentT ? "" : " (\(s.intervalMethod.rawValue))"
  return "\(label): \(s.formatted(digits: digits)), 95% interval \(s.formattedInterval(digits: digits))\(method)"
}

func format(_ value: Double, _ digits: Int = 2) -> String {
  value.isFinite ? String(format: "%.\(digits)f", value) : "–"
}

/// The verdict rules of `Verdict`, in words for the claims' tables.
enum RuleText {
  static let otherwise = "; otherwise (and always with one seed) inconclusive"
  /// A claim of two parts (`Verdict.all`).
  static func both(_ a: String, _ b: String) -> String {
    "held when both parts hold, not held when either is not held, otherwise (and always with one seed) "
      + "inconclusive; (a) \(a); (b) \(b)"
  }
}
