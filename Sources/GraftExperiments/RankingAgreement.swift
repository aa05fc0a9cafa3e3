import Foundation
import GraftGAN
import GraftStatistics

/// Whether several measures (FID and KID in different feature spaces) rank a set of optimizers the same
/// way: each measure's ranking by mean, Kendall's τ between every two measures, and, for every two
/// optimizers whose paired difference in some measure has a 95% interval excluding 0 ("separated"),
/// whether any other measure separates them the other way round. Lower values are better in every measure.
public struct RankingAgreement: Sendable {
  /// The measures' names, in the order given.
  public var measures: [String]
  /// Each measure's optimizers, best (lowest mean) first; optimizers without values are left out.
  public var rankings: [String: [String]]
  /// A pair of optimizers separated by some measure.
  public struct Separation: Sendable, Equatable {
    public var better: String
    public var worse: String
    /// The measures whose paired interval puts `better` below `worse`.
    public var agreeing: [String]
    /// The measures whose paired interval puts `worse` below `better`.
    public var contradicting: [String]

    public init(better: String, worse: String, agreeing: [String], contradicting: [String]) {
      self.better = better
      self.worse = worse
      self.agreeing = agreeing
      self.contradicting = contradicting
    }
  }
  public var separations: [Separation]
  /// Kendall's τ-b between the rankings of two measures (by mean), keyed "a vs b" for a before b in `measures`.
  public var tau: [String: Double]

  /// `values[measure][optimizer]`: each optimizer's per-seed values in that measure.
  public init(measures: [String], optimizers: [String], values: [String: [String: SeedStatistics]]) {
    self.measures = measures
    var rankings: [String: [String]] = [:]
    for measure in measures {
      let present = optimizers.filter { (values[measure]?[$0]?.count ?? 0) > 0 }
      rankings[measure] = present.sorted { values[measure]![$0]!.mean < values[measure]![$1]!.mean }
    }
    self.rankings = rankings
    var tau: [String: Double] = [:]
    for (i, a) in measures.enumerated() {
      for b in measures[(i + 1)...] {
        let common = optimizers.filter { values[a]?[$0] != nil && values[b]?[$0] != nil }
        tau["\(a) vs \(b)"] = Self.kendallTau(
          common.map { values[a]![$0]!.mean }, common.map { values[b]![$0]!.mean })
      }
    }
    self.tau = tau
    var separations: [Separation] = []
    for (i, x) in optimizers.enumerated() {
      for y in optimizers[(i + 1)...] {
        var xBelow: [String] = []
        var yBelow: [String] = []
        for measure in measures {
          guard let sx = values[measure]?[x], let sy = values[measure]?[y] else { continue }
          let d = sx.minus(sy)
          guard d.count > 1 else { continue }
          let (lower, upper) = d.interval
          if upper < 0 { xBelow.append(measure) } else if lower > 0 { yBelow.append(measure) }
        }
        if xBelow.isEmpty && yBelow.isEmpty { continue }
        // The better one is the side more measures put below.
        separations.append(
          xBelow.count >= yBelow.count
            ? Separation(better: x, worse: y, agreeing: xBelow, contradicting: yBelow)
            : Separation(better: y, worse: x, agreeing: yBelow, contradicting: xBelow))
      }
    }
    self.separations = separations
  }

  /// Held when some pair is separated and no pair is separated both ways; not held when one is; inconclusive
  /// when no measure separates any pair.
  public var verdict: Verdict {
    if separations.contains(where: { !$0.contradicting.isEmpty }) { return .notHeld }
    return separations.isEmpty ? .inconclusive : .held
  }

  /// Kendall's τ-b of two equally long lists (ties counted as neither concordant nor discordant); NaN
  /// below two items or when either list is constant.
  public static func kendallTau(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "Kendall's τ compares two rankings of the same items")
    var concordant = 0.0
    var discordant = 0.0
    var tiesA = 0.0
    var tiesB = 0.0
    for i in a.indices {
      for j in a.indices where j > i {
        let da = a[i] - a[j]
        let db = b[i] - b[j]
        if da == 0 { tiesA += 1 }
        if db == 0 { tiesB += 1 }
        if da * db > 0 { concordant += 1 } else if da * db < 0 { discordant += 1 }
      }
    }
    let pairs = Double(a.count * (a.count - 1) / 2)
    let denominator = ((pairs - tiesA) * (pairs - tiesB)).squareRoot()
    return denominator > 0 ? (concordant - discordant) / denominator : .nan
  }
}
