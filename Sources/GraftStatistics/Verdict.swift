/// What a set of seeds says about a claim, decided from 95% intervals (`SeedStatistics`), never from
/// point values. Encoded in JSON as "held", "not held" or "inconclusive".
///
/// The rules (I = the 95% interval of the mean; for comparisons, of the seed-by-seed differences):
/// - "X ≥ t" (`atLeast`): held when I's lower end ≥ t, not held when its upper end < t.
/// - "X ≤ t" (`atMost`): held when I's upper end ≤ t, not held when its lower end > t.
/// - "A beats B" (`positive`, on A − B paired by seed): held when I's lower end > 0, not held when
///   its upper end ≤ 0.
/// - "A about as good as B, within m" (`within`, on A − B): held when I lies inside [−m, m], not
///   held when it lies wholly outside.
/// Anything else is inconclusive, and so is every claim on one seed (its interval is unbounded) or
/// none.
public enum Verdict: String, Sendable, Codable, CaseIterable {
  case held = "held"
  case notHeld = "not held"
  case inconclusive = "inconclusive"

  /// The claim "the mean is at least `threshold`".
  public static func atLeast(_ s: SeedStatistics, _ threshold: Double) -> Verdict {
    decide(s, held: { $0.lower >= threshold }, notHeld: { $0.upper < threshold })
  }

  /// The claim "the mean is at most `threshold`".
  public static func atMost(_ s: SeedStatistics, _ threshold: Double) -> Verdict {
    decide(s, held: { $0.upper <= threshold }, notHeld: { $0.lower > threshold })
  }

  /// The claim "the mean difference is positive" (A beats B, with `difference` = A − B by seed).
  public static func positive(_ difference: SeedStatistics) -> Verdict {
    decide(difference, held: { $0.lower > 0 }, notHeld: { $0.upper <= 0 })
  }

  /// The claim "the mean difference lies within ±`margin`" (A about as good as B).
  public static func within(_ difference: SeedStatistics, margin: Double) -> Verdict {
    decide(
      difference, held: { $0.lower >= -margin && $0.upper <= margin },
      notHeld: { $0.lower > margin || $0.upper < -margin })
  }

  /// A claim made of parts: not held when any part is not held, held when all are, else inconclusive.
  public static func all(_ parts: [Verdict]) -> Verdict {
    if parts.contains(.notHeld) { return .notHeld }
    return parts.allSatisfy { $0 == .held } ? .held : .inconclusive
  }

  static func decide(
    _ s: SeedStatistics, held: ((lower: Double, upper: Double)) -> Bool,
    notHeld: ((lower: Double, upper: Double)) -> Bool
  ) -> Verdict {
    // One seed: no interval. A NaN bound (no values) fails every comparison and lands here too.
    guard s.count >= 2 else { return .inconclusive }
    let i = s.interval
    guard !i.lower.isNaN, !i.upper.isNaN else { return .inconclusive }
    if held(i) { return .held }
    if notHeld(i) { return .notHeld }
    return .inconclusive
  }
}
