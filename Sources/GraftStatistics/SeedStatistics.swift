import Foundation
import Synchronization

/// One measure (modes covered, FID, ...) over a set of seeds: the per-seed values, labelled by seed,
/// with their mean, sample standard deviation and a 95% confidence interval for the mean: Student's t
/// for an unbounded measure (FID, a log ratio), a BCa bootstrap (`BootstrapInterval`) for one with
/// `bounds` (modes covered, shares), whose interval then stays inside the values' range.
///
/// A GAN's outcome for one seed is a random draw (it moves with the last bits of floating-point
/// rounding), so results are stated over seeds, never from one of them. With one seed there is no
/// interval at all: it is reported as unbounded, and every verdict on it is inconclusive.
/// Values must be finite: callers decide what a failed run counts as (e.g. zero modes) or leave it out.
public struct SeedStatistics: Sendable, Equatable, Codable {
  /// Seed labels ("0", "1", ...), one per value, in the order given.
  public var seeds: [String]
  public var values: [Double] { didSet { bootstrap = BootstrapCache() } }
  /// The range every value of the measure lies in (modes covered: 0…K), or nil for an unbounded one;
  /// it chooses the interval (`intervalMethod`).
  public var bounds: ClosedRange<Double>? { didSet { bootstrap = BootstrapCache() } }
  /// The bootstrap interval once computed (9,999 resamples: tables ask for it several times per
  /// measure); shared by copies until `values` or `bounds` change.
  private var bootstrap = BootstrapCache()

  private enum CodingKeys: String, CodingKey { case seeds, values, bounds }

  public static func == (a: SeedStatistics, b: SeedStatistics) -> Bool {
    a.seeds == b.seeds && a.values == b.values && a.bounds == b.bounds
  }

  /// `values` labelled by `seeds` (default: "0", "1", ... in order), of a measure within `bounds`
  /// (nil: unbounded).
  public init(_ values: [Double], seeds: [String]? = nil, bounds: ClosedRange<Double>? = nil) {
    precondition(seeds == nil || seeds!.count == values.count, "one seed label per value")
    self.values = values
    self.seeds = seeds ?? values.indices.map { "\($0)" }
    self.bounds = bounds
  }

  /// How the 95% interval is computed.
  public enum IntervalMethod: String, Sendable, Codable {
    /// mean ± t(0.975, n − 1)·s/√n.
    case studentT = "Student t"
    /// `BootstrapInterval.bca` with its fixed seed and 9,999 resamples.
    case bootstrapBCa = "BCa bootstrap"
  }

  /// Student's t for an unbounded measure, the BCa bootstrap for a bounded one.
  public var intervalMethod: IntervalMethod { bounds == nil ? .studentT : .bootstrapBCa }

  /// The finite values of `entries`, each labelled by its seed, in the order given; entries without a
  /// value (a run that wrote none) or with a non-finite one are left out.
  public init(leavingOutMissing entries: [(seed: String, value: Double?)], bounds: ClosedRange<Double>? = nil) {
    let kept = entries.compactMap { entry in entry.value.flatMap { $0.isFinite ? (entry.seed, $0) : nil } }
    self.init(kept.map(\.1), seeds: kept.map(\.0), bounds: bounds)
  }

  /// Values keyed by seed label, ordered by seed (numerically where the labels are numbers).
  public init(bySeed: [String: Double], bounds: ClosedRange<Double>? = nil) {
    let order = bySeed.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
    self.init(order.map { bySeed[$0]! }, seeds: order, bounds: bounds)
  }

  /// The values of the seeds in `kept` only (in this set's order): e.g. a pilot's first seeds.
  public func restricted(to kept: Set<String>) -> SeedStatistics {
    let pairs = zip(seeds, values).filter { kept.contains($0.0) }
    return SeedStatistics(pairs.map(\.1), seeds: pairs.map(\.0), bounds: bounds)
  }

  public var count: Int { values.count }

  /// The mean (NaN with no values).
  public var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

  /// The sample standard deviation (divisor n − 1; NaN below two values).
  public var standardDeviation: Double {
    guard values.count > 1 else { return .nan }
    let m = mean
    return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
  }

  /// Half the width of the 95% interval (for the bootstrap's, which need not be centred on the mean,
  /// half its length); infinite for one value (no interval), NaN for none.
  public var halfWidth: Double {
    switch values.count {
    case 0: return .nan
    case 1: return .infinity
    default:
      guard bounds == nil else {
        let (lower, upper) = interval
        return (upper - lower) / 2
      }
      return Self.tQuantile975(degreesOfFreedom: values.count - 1) * standardDeviation
        / Double(values.count).squareRoot()
    }
  }

  /// The 95% interval for the mean (`intervalMethod`): (−∞, ∞) for one value, NaN bounds for none.
  public var interval: (lower: Double, upper: Double) {
    switch values.count {
    case 0: return (.nan, .nan)
    case 1: return (-.infinity, .infinity)
    default:
      if bounds != nil {
        return bootstrap.interval.withLock { cached in
          if let cached { return cached }
          let computed = BootstrapInterval.bca(values)
          cached = computed
          return computed
        }
      }
      return (mean - halfWidth, mean + halfWidth)
    }
  }

  /// The values of the seeds both sets have, `self` minus `other`, seed by seed (a paired comparison:
  /// two optimizers run on the same seeds). Seeds only one side has are left out.
  /// The difference of two bounded measures is bounded too (lower − upper … upper − lower).
  public func minus(_ other: SeedStatistics) -> SeedStatistics {
    var difference = paired(with: other, by: -)
    if let a = bounds, let b = other.bounds {
      difference.bounds = (a.lowerBound - b.upperBound)...(a.upperBound - b.lowerBound)
    }
    return difference
  }

  /// `self` over `other`, seed by seed, on the seeds both have (e.g. a FID ratio; unbounded).
  public func ratio(to other: SeedStatistics) -> SeedStatistics {
    paired(with: other, by: /)
  }

  func paired(with other: SeedStatistics, by combine: (Double, Double) -> Double) -> SeedStatistics {
    let theirs = Dictionary(zip(other.seeds, other.values), uniquingKeysWith: { first, _ in first })
    var seeds: [String] = []
    var values: [Double] = []
    for (seed, value) in zip(self.seeds, self.values) {
      guard let b = theirs[seed] else { continue }
      seeds.append(seed)
      values.append(combine(value, b))
    }
    return SeedStatistics(values, seeds: seeds)
  }

  /// "7.2 ± 0.9 (n=5: 6, 7, 8, 7, 8)": the mean ± the 95% half-width with `digits` decimals, then
  /// the per-seed values in seed order (without decimals when all are integers); a bootstrap interval,
  /// which need not be centred, as "7.2 [6.4, 7.8] (n=5: …)". One value prints as
  /// "7 (n=1: 7; no interval)", none as "– (n=0)": never as "± 0".
  public func formatted(digits: Int = 1) -> String {
    guard !values.isEmpty else { return "– (n=0)" }
    // Integers (mode counts) print as integers; otherwise every value gets the same decimals.
    let integers = values.allSatisfy { $0 == $0.rounded() && abs($0) < 1e12 }
    let list = values.map { integers ? String(Int64($0)) : Self.fixed($0, digits) }.joined(separator: ", ")
    if values.count == 1 { return "\(Self.number(mean, digits: digits)) (n=1: \(list); no interval)" }
    if bounds != nil {
      return "\(Self.fixed(mean, digits)) \(formattedInterval(digits: digits)) (n=\(values.count): \(list))"
    }
    return "\(Self.fixed(mean, digits)) ± \(Self.fixed(halfWidth, digits)) (n=\(values.count): \(list))"
  }

  /// The interval as "[6.1, 8.3]" ("(−∞, ∞)" for one value).
  public func formattedInterval(digits: Int = 1) -> String {
    guard values.count != 1 else { return "(−∞, ∞)" }
    let (lower, upper) = interval
    return "[\(Self.fixed(lower, digits)), \(Self.fixed(upper, digits))]"
  }

  static func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "−∞") }
    let s = String(format: "%.\(digits)f", value)
    // "-0.0" reads as a sign that is not there.
    return Double(s) == 0 && s.hasPrefix("-") ? String(s.dropFirst()) : s
  }

  /// A per-seed value: integers as integers (mode counts), other values with `digits` decimals.
  public static func number(_ value: Double, digits: Int) -> String {
    value.isFinite && value == value.rounded() && abs(value) < 1e12 ? String(Int64(value)) : fixed(value, digits)
  }

  /// The 0.975 quantile of Student's t distribution with `df` degrees of freedom: tabulated for 1…30,
  /// the normal quantile 1.96 beyond (t(30) is 2.04, so the interval is at most 4% too narrow there).
  public static func tQuantile975(degreesOfFreedom df: Int) -> Double {
    precondition(df >= 1, "t needs at least one degree of freedom")
    return df <= tTable.count ? tTable[df - 1] : 1.959963984540054
  }

  /// scipy.stats.t.ppf(0.975, df) for df = 1…30:
  ///   python3 -c "import scipy.stats as st; print([float(st.t.ppf(0.975, d)) for d in range(1, 31)])"
  static let tTable: [Double] = [
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
    2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
    2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
    2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
    2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
  ]
}

/// A computed bootstrap interval, shared by the copies of one `SeedStatistics`.
private final class BootstrapCache: Sendable {
  let interval = Mutex<(lower: Double, upper: Double)?>(nil)
}
