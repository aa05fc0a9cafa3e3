import Foundation
import GraftStatistics
import Testing

/// The bounded measures' bootstrap interval against scipy, the normal distribution's functions, and
/// the seeds a claim needs against Guenther's closed form and the exact noncentral-t answer.
@Suite struct BootstrapAndPowerTests {
  /// scipy 1.17 (`python3 -c` with these lines):
  ///   import numpy as np, scipy.stats as st
  ///   x = np.array([...]); ci = st.bootstrap((x,), np.mean, n_resamples=200000, method=m, random_state=0)
  ///   print(ci.confidence_interval)
  /// Resampled means of n values lie on a lattice (sums over n), so both sides' quantiles land on it: for
  /// integer values they agree exactly unless Monte Carlo noise puts a quantile on a lattice boundary (at
  /// most one step, 1/n, apart). Three scipy seeds differ by up to 0.025 on `skewed` (continuous) and one
  /// step (0.1/7) on `normalish`; the tolerances below are twice that.
  static let scipy:
    [(name: String, values: [Double], bca: (Double, Double), percentile: (Double, Double), tolerance: Double)] = [
      (
        "skewed", [0.21, 0.35, 0.48, 0.52, 0.77, 0.91, 1.30, 1.85, 2.90, 4.70], (0.778, 2.577), (0.674, 2.31), 0.05
      ),
      (
        "normalish", [12.1, 15.4, 9.8, 11.0, 13.3, 10.2, 14.9], (10.971428571428572, 14.000000000000002),
        (10.914285714285713, 13.928571428571429), 0.029
      ),
      (
        "modes", [8, 7, 8, 5, 8, 6, 8, 8, 3, 7, 8, 6], (5.666666666666667, 7.5), (5.916666666666667, 7.583333333333333),
        1.0 / 12
      ),
      (
        "differences", [0, 1, -2, 0, 3, 1, 0, -1, 2, 1, 0, 4, -3, 1, 0, 2], (-0.25, 1.375), (-0.25, 1.375), 1.0 / 16
      ),
    ]

  @Test(arguments: 0..<4) func bootstrapAgainstScipy(_ index: Int) {
    let c = Self.scipy[index]
    let bca = BootstrapInterval.bca(c.values, resamples: 200_000)
    #expect(abs(bca.lower - c.bca.0) <= c.tolerance && abs(bca.upper - c.bca.1) <= c.tolerance, "\(c.name): \(bca)")
    let percentile = BootstrapInterval.percentile(c.values, resamples: 200_000)
    #expect(
      abs(percentile.lower - c.percentile.0) <= c.tolerance && abs(percentile.upper - c.percentile.1) <= c.tolerance,
      "\(c.name): \(percentile)")
  }

  /// 1.8 of 2 modes: Student's t reaches past 2, the bootstrap stays within the values.
  @Test func boundedMeasuresStayInBounds() {
    let values: [Double] = [1, 2, 2, 2, 2]
    let t = SeedStatistics(values)
    #expect(t.interval.upper > 2)
    let bounded = SeedStatistics(values, bounds: 0...2)
    #expect(bounded.intervalMethod == .bootstrapBCa)
    let (lower, upper) = bounded.interval
    #expect(lower >= 1 && upper <= 2 && lower < 1.8)
    #expect(bounded.formatted() == "1.8 \(bounded.formattedInterval()) (n=5: 1, 2, 2, 2, 2)")
    // Every seed alike: no spread, the interval is the value.
    let same = SeedStatistics([8, 8, 8], bounds: 0...8)
    #expect(same.interval == (8, 8))
    // Seeded: the same values give the same interval, whatever was computed before.
    #expect(BootstrapInterval.bca(values) == BootstrapInterval.bca(values))
    // A paired difference of bounded measures is bounded by the difference of the bounds.
    let difference = SeedStatistics([8, 6, 7], bounds: 0...8).minus(SeedStatistics([2, 3, 8], bounds: 0...8))
    #expect(difference.bounds == -8...8 && difference.values == [6, 3, -1])
    let ratio = SeedStatistics([8, 6], bounds: 0...8).ratio(to: SeedStatistics([2, 3], bounds: 0...8))
    #expect(ratio.bounds == nil)
  }

  /// scipy.stats.norm.ppf / cdf.
  @Test func normalQuantileAndCDF() {
    let cases: [(Double, Double)] = [
      (0.975, 1.959963984540054), (0.8, 0.8416212335729143), (0.001, -3.090232306167813), (1e-10, -6.361340902404056),
      (0.5, 0),
    ]
    for (p, z) in cases { #expect(abs(NormalDistribution.quantile(p) - z) <= 1e-12 * max(1, abs(z)), "\(p)") }
    #expect(abs(NormalDistribution.cdf(-3.3) - 0.00048342414238377744) <= 1e-15)
    for p in [1e-6, 0.01, 0.3, 0.7, 0.99] {
      #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) <= 1e-14)
    }
    #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
  }

  /// Guenther's closed form n = ((z.975 + z.8)/d)² + z.975²/2 at d = δ/σ (computed in the comment's
  /// Python), and the exact answer (the smallest n whose two-sided one-sample t test has power ≥ 0.8,
  /// from scipy's noncentral t: `1 - nct.cdf(t, n-1, d√n) + nct.cdf(-t, n-1, d√n)`), which it matches
  /// from d = 1.5 down and undershoots by one at d = 2.
  @Test func requiredSeedsAgainstClosedFormAndNoncentralT() {
    let expected: [(d: Double, closed: Double, exact: Int)] = [
      (2.0, 3.8829493439343348, 5), (1.5, 5.4091204033911024, 6), (1.0, 9.769609144696151, 10),
      (0.8, 14.18460399526751, 15), (0.5, 33.31624834774342, 34), (0.3, 89.13050423644805, 90),
      (0.2, 198.14272276907423, 199), (0.1, 786.8087028452557, 787),
    ]
    for e in expected {
      // The same d from a spread of 2 and a distance of 2d.
      let n = RequiredSeeds.count(standardDeviation: 2, distance: 2 * e.d)
      #expect(n == Int(e.closed.rounded(.up)), "d = \(e.d)")
      #expect(abs((n ?? 0) - e.exact) <= (e.d > 1.5 ? 1 : 0), "d = \(e.d): \(n ?? -1) vs exact \(e.exact)")
    }
    #expect(RequiredSeeds.count(standardDeviation: 1, distance: 0) == nil)
    #expect(RequiredSeeds.count(standardDeviation: 0, distance: 1) == 2)
    #expect(RequiredSeeds.count(standardDeviation: .nan, distance: 1) == nil)
  }

  /// Each criterion's distance to the value where its verdict changes, and its seeds from a set's spread.
  @Test func criteriaMeasureTheirDistance() {
    #expect(Criterion.atLeast(7).distance(from: 5.9) == 7 - 5.9)
    #expect(Criterion.atMost(1).distance(from: 1.8) == 1.8 - 1)
    #expect(Criterion.positive.distance(from: -0.4) == 0.4)
    #expect(abs(Criterion.within(margin: 1).distance(from: -0.4) - 0.6) < 1e-15)
    #expect(abs(Criterion.within(margin: 1).distance(from: 1.5) - 0.5) < 1e-15)
    let s = SeedStatistics([0, 2, 4, 2, 2])  // mean 2, s = √2
    let n = Criterion.atLeast(1).requiredSeeds(s)
    #expect(n == RequiredSeeds.count(standardDeviation: 2.0.squareRoot(), distance: 1))
    #expect(Criterion.within(margin: 2).requiredSeeds(s) == nil)  // the mean sits on the margin
    // t interval [0.24, 3.76]: above 0, but neither inside nor wholly outside ±1.
    #expect(Criterion.positive.verdict(s) == .held && Criterion.within(margin: 1).verdict(s) == .inconclusive)
  }
}
