/// The test a claim's measure must pass, stated once: it decides the verdict from the 95% interval
/// (`Verdict`), says its rule in words, and tells how far the mean is from changing the verdict (for the
/// seeds a claim needs, `RequiredSeeds`).
public enum Criterion: Sendable, Equatable, Codable {
  /// The mean is at least the threshold.
  case atLeast(Double)
  /// The mean is at most the threshold.
  case atMost(Double)
  /// A difference (A − B, paired by seed) is positive: A beats B.
  case positive
  /// A difference lies within ±margin: A about as good as B.
  case within(margin: Double)

  /// Held, not held or inconclusive from `s`'s interval.
  public func verdict(_ s: SeedStatistics) -> Verdict {
    switch self {
    case .atLeast(let t): return .atLeast(s, t)
    case .atMost(let t): return .atMost(s, t)
    case .positive: return .positive(s)
    case .within(let m): return .within(s, margin: m)
    }
  }

  /// The distance from `mean` to the nearest value where the verdict would change: what the interval's
  /// half-width must be below for the claim to be decided.
  public func distance(from mean: Double) -> Double {
    switch self {
    case .atLeast(let t), .atMost(let t): return abs(mean - t)
    case .positive: return abs(mean)
    case .within(let m): return abs(abs(mean) - m)
    }
  }

  /// The seeds `s`'s claim needs by its spread and its mean's distance from the threshold
  /// (`RequiredSeeds`); nil when no finite number does, or with fewer than two values.
  public func requiredSeeds(_ s: SeedStatistics) -> Int? {
    guard s.count >= 2 else { return nil }
    return RequiredSeeds.count(standardDeviation: s.standardDeviation, distance: distance(from: s.mean))
  }

  /// The rule in words, for `what` (e.g. "Adam's mean", "Ada_nSGDA − Adam").
  public func rule(_ what: String) -> String {
    switch self {
    case .atLeast(let t):
      return "held when the 95% interval of \(what) lies at or above \(Self.number(t)), not held when wholly below it"
    case .atMost(let t):
      return "held when the 95% interval of \(what) lies at or below \(Self.number(t)), not held when wholly above it"
    case .positive:
      return "held when the 95% interval of \(what) lies above 0, not held when at or below 0"
    case .within(let m):
      return
        "held when the 95% interval of \(what) lies inside ±\(Self.number(m)), not held when wholly outside"
    }
  }

  static func number(_ value: Double) -> String { SeedStatistics.number(value, digits: 2) }
}
