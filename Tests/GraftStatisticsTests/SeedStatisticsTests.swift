import Foundation
import GraftStatistics
import Testing

/// Expected values from scipy (1.10) and numpy, e.g.:
///   import numpy as np, scipy.stats as st
///   a = np.array([6, 7, 8, 7, 8.]); n = len(a)
///   a.mean(), a.std(ddof=1), st.t.ppf(0.975, n - 1) * a.std(ddof=1) / np.sqrt(n)
///   st.t.interval(0.95, n - 1, loc=a.mean(), scale=st.sem(a))
@Suite struct SeedStatisticsTests {
  /// Runs without a value, or with a non-finite one, are left out; the rest keep their seeds and order.
  @Test func missingAndNonFiniteValuesAreLeftOut() {
    let s = SeedStatistics(leavingOutMissing: [
      ("3", 7), ("0", nil), ("1", .nan), ("4", 5), ("2", .infinity),
    ])
    #expect(s.values == [7, 5] && s.seeds == ["3", "4"])
  }

  func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

  @Test func fiveSeedsAgainstScipy() {
    let s = SeedStatistics([6, 7, 8, 7, 8])
    #expect(s.count == 5)
    #expect(close(s.mean, 7.2))
    #expect(close(s.standardDeviation, 0.8366600265340756))
    #expect(close(s.halfWidth, 1.0388506336835677))
    #expect(close(s.interval.lower, 6.161149366316432) && close(s.interval.upper, 8.238850633683567))
    #expect(s.formatted() == "7.2 ± 1.0 (n=5: 6, 7, 8, 7, 8)")
    #expect(s.formattedInterval() == "[6.2, 8.2]")
  }

  @Test func twoAndSevenSeedsAgainstScipy() {
    let two = SeedStatistics([2.5, 3.0])
    // t(0.975, 1) = 12.706: two seeds give a very wide interval.
    #expect(close(two.halfWidth, 3.1765511840436735))
    #expect(close(two.interval.lower, -0.42655118404367354))
    #expect(two.formatted(digits: 2) == "2.75 ± 3.18 (n=2: 2.50, 3.00)")
    let seven = SeedStatistics([12.1, 15.4, 9.8, 11.0, 13.3, 10.2, 14.9])
    #expect(close(seven.mean, 12.385714285714286))
    #expect(close(seven.standardDeviation, 2.2251805705219905))
    #expect(close(seven.interval.lower, 10.327765495827103) && close(seven.interval.upper, 14.443663075601469))
  }

  @Test func beyondThirtyDegreesTheNormalQuantile() {
    // a = np.arange(40.): s = 11.69045194450012; 1.959963984540054 * s / sqrt(40) = 3.6228420202981884
    // (scipy's t with 39 df would give 3.7387879149750907; the table stops at 30 and the normal takes over).
    let s = SeedStatistics((0..<40).map(Double.init))
    #expect(close(s.standardDeviation, 11.69045194450012))
    #expect(close(s.halfWidth, 1.959963984540054 * 11.69045194450012 / 40.0.squareRoot()))
    #expect(SeedStatistics.tQuantile975(degreesOfFreedom: 30) == 2.0422724563012378)
    #expect(SeedStatistics.tQuantile975(degreesOfFreedom: 1) == 12.706204736174694)
  }

  @Test func oneSeedHasNoInterval() {
    let s = SeedStatistics([7])
    #expect(s.mean == 7)
    #expect(s.standardDeviation.isNaN)
    #expect(s.halfWidth == .infinity)
    #expect(s.interval.lower == -.infinity && s.interval.upper == .infinity)
    #expect(s.formatted() == "7 (n=1: 7; no interval)")
    #expect(!s.formatted().contains("±"))
    #expect(s.formattedInterval() == "(−∞, ∞)")
    let none = SeedStatistics([])
    #expect(none.mean.isNaN && none.formatted() == "– (n=0)")
  }

  @Test func equalValuesGiveAZeroWidthInterval() {
    let s = SeedStatistics([8, 8, 8])
    #expect(s.halfWidth == 0 && s.interval.lower == 8 && s.interval.upper == 8)
    #expect(s.formatted() == "8.0 ± 0.0 (n=3: 8, 8, 8)")
  }

  @Test func pairedDifferencesMatchSeeds() {
    // a - b = [7, 5, 7, 3] on seeds 0...3: mean 5.5, st.t.interval -> (2.4530396383423754, 8.546960361657625).
    let a = SeedStatistics([8, 7, 8, 6, 4], seeds: ["0", "1", "2", "3", "9"])
    let b = SeedStatistics(bySeed: ["3": 3, "1": 2, "0": 1, "2": 1])
    #expect(b.seeds == ["0", "1", "2", "3"])
    let d = a.minus(b)
    #expect(d.seeds == ["0", "1", "2", "3"])  // seed 9 has no partner
    #expect(d.values == [7, 5, 7, 3])
    #expect(close(d.interval.lower, 2.4530396383423754) && close(d.interval.upper, 8.546960361657625))
    #expect(
      SeedStatistics([2, 3], seeds: ["0", "1"]).ratio(to: SeedStatistics([4, 2], seeds: ["1", "0"])).values == [
        1, 0.75,
      ])
  }

  @Test func bySeedOrdersNumerically() {
    #expect(SeedStatistics(bySeed: ["10": 1, "2": 2, "0": 3]).seeds == ["0", "2", "10"])
  }
}

@Suite struct VerdictTests {
  // Intervals used: [6, 7, 8, 7, 8] → [6.16, 8.24]; [8, 8, 8] → [8, 8]; [2.5, 3.0] → [−0.43, 5.93].
  let wide = SeedStatistics([6, 7, 8, 7, 8])

  @Test func atLeast() {
    #expect(Verdict.atLeast(wide, 6) == .held)  // 6.16 ≥ 6
    #expect(Verdict.atLeast(wide, 7) == .inconclusive)  // mean 7.2 ≥ 7, but the interval straddles 7
    #expect(Verdict.atLeast(wide, 8.3) == .notHeld)  // 8.24 < 8.3
    #expect(Verdict.atLeast(SeedStatistics([8, 8, 8]), 8) == .held)
  }

  @Test func atMost() {
    #expect(Verdict.atMost(wide, 8.5) == .held)
    #expect(Verdict.atMost(wide, 7) == .inconclusive)
    #expect(Verdict.atMost(wide, 6) == .notHeld)
    #expect(Verdict.atMost(SeedStatistics([1, 1, 1, 1]), 1) == .held)
  }

  @Test func positiveDifference() {
    #expect(Verdict.positive(SeedStatistics([7, 5, 7, 3])) == .held)
    #expect(Verdict.positive(SeedStatistics([-7, -5, -7, -3])) == .notHeld)
    #expect(Verdict.positive(SeedStatistics([2.5, 3.0])) == .inconclusive)  // straddles 0
    // Equal on every seed: A does not beat B.
    #expect(Verdict.positive(SeedStatistics([0, 0, 0])) == .notHeld)
  }

  @Test func withinMargin() {
    #expect(Verdict.within(SeedStatistics([0, 0, 1, -1, 0, 0, 0, 0]), margin: 1) == .held)  // [−0.45, 0.45]
    #expect(Verdict.within(SeedStatistics([4, 5, 6]), margin: 1) == .notHeld)  // [2.52, 7.48]
    #expect(Verdict.within(SeedStatistics([-4, -5, -6]), margin: 1) == .notHeld)
    #expect(Verdict.within(SeedStatistics([0, 2, 1]), margin: 1) == .inconclusive)  // [−1.48, 3.48]
  }

  @Test func oneSeedOrNoneIsInconclusive() {
    for s in [SeedStatistics([8]), SeedStatistics([])] {
      #expect(Verdict.atLeast(s, 0) == .inconclusive)
      #expect(Verdict.atMost(s, 100) == .inconclusive)
      #expect(Verdict.positive(s) == .inconclusive)
      #expect(Verdict.within(s, margin: 100) == .inconclusive)
    }
  }

  @Test func combinedClaims() {
    #expect(Verdict.all([.held, .held]) == .held)
    #expect(Verdict.all([.held, .inconclusive]) == .inconclusive)
    #expect(Verdict.all([.inconclusive, .notHeld, .held]) == .notHeld)
  }

  @Test func encodesAsWords() throws {
    let data = try JSONEncoder().encode([Verdict.held, .notHeld, .inconclusive])
    #expect(String(decoding: data, as: UTF8.self) == #"["held","not held","inconclusive"]"#)
    #expect(try JSONDecoder().decode([Verdict].self, from: data) == [.held, .notHeld, .inconclusive])
  }
}
