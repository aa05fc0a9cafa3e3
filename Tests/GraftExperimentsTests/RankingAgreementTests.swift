import Foundation
import GraftExperiments
import GraftGAN
import GraftStatistics
import Testing

@Suite struct RankingAgreementTests {
  /// Per-seed values around `mean` (seeds 0, 1, 2), with a spread of ±`spread`.
  func values(_ mean: Double, spread: Double = 1) -> SeedStatistics {
    SeedStatistics([mean - spread, mean, mean + spread])
  }

  @Test func kendallTauCountsConcordantPairs() {
    #expect(RankingAgreement.kendallTau([1, 2, 3, 4], [10, 20, 30, 40]) == 1)
    #expect(RankingAgreement.kendallTau([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
    // One swapped neighbour of four: 5 concordant, 1 discordant of 6 pairs.
    #expect(abs(RankingAgreement.kendallTau([1, 2, 3, 4], [1, 3, 2, 4]) - 4.0 / 6) < 1e-12)
    // τ-b with a tie in one ranking: (2 − 0) / √(3 · 2).
    #expect(abs(RankingAgreement.kendallTau([1, 2, 3], [1, 1, 2]) - 2 / 6.0.squareRoot()) < 1e-12)
    #expect(RankingAgreement.kendallTau([1, 1], [1, 2]).isNaN)
  }

  @Test func agreeingMeasuresHold() {
    // Two measures on different scales, the same order; a and c are far apart, b sits between.
    let agreement = RankingAgreement(
      measures: ["FID", "KID"], optimizers: ["a", "b", "c"],
      values: [
        "FID": ["a": values(10), "b": values(20, spread: 15), "c": values(50)],
        "KID": ["a": values(0.1, spread: 0.01), "b": values(0.2, spread: 0.2), "c": values(0.5, spread: 0.01)],
      ])
    #expect(agreement.rankings["FID"] == ["a", "b", "c"])
    #expect(agreement.rankings["KID"] == ["a", "b", "c"])
    #expect(agreement.tau["FID vs KID"] == 1)
    // Constant paired differences have a zero-width interval; a − c is −40 on every seed.
    #expect(
      agreement.separations.contains(.init(better: "a", worse: "c", agreeing: ["FID", "KID"], contradicting: [])))
    #expect(agreement.verdict == .held)
  }

  @Test func aPairSeparatedBothWaysIsNotHeld() {
    let agreement = RankingAgreement(
      measures: ["FID (post-ReLU)", "FID (pre-ReLU)"], optimizers: ["a", "b"],
      values: [
        "FID (post-ReLU)": ["a": values(10), "b": values(30)],
        "FID (pre-ReLU)": ["a": SeedStatistics([31, 32, 33]), "b": SeedStatistics([11, 12, 14])],
      ])
    #expect(agreement.tau["FID (post-ReLU) vs FID (pre-ReLU)"] == -1)
    #expect(agreement.separations.count == 1)
    #expect(agreement.separations[0].contradicting.count == 1)
    #expect(agreement.verdict == .notHeld)
  }

  @Test func noSeparationIsInconclusive() {
    // Paired differences that straddle 0 separate nothing, whatever the means' order.
    let agreement = RankingAgreement(
      measures: ["FID", "KID"], optimizers: ["a", "b"],
      values: [
        "FID": ["a": SeedStatistics([10, 20, 30]), "b": SeedStatistics([25, 15, 22])],
        "KID": ["a": SeedStatistics([1, 3, 2]), "b": SeedStatistics([2, 1, 2.5])],
      ])
    #expect(agreement.separations.isEmpty)
    #expect(agreement.verdict == .inconclusive)
  }

  @Test func factorialEffectsArePairedBySeedAndSigned() {
    // FID per seed "0", "1": Adam 10, 12; Ada_nSGDA 14, 14; SGDA_Ada 30, 34; SGDA 40, 40.
    let f = MagnitudeDirectionFactorial(
      adam: SeedStatistics([10, 12]), adaNSGDA: SeedStatistics([14, 14]), sgdaAda: SeedStatistics([30, 34]),
      sgda: SeedStatistics([40, 40]), lowerIsBetter: true)
    // Seed 0: magnitude ½[(30 − 10) + (40 − 14)] = 23, direction ½[(14 − 10) + (40 − 30)] = 7,
    // interaction ½[(40 − 30) − (14 − 10)] = 3. Seed 1: 24, 4, 2.
    #expect(f.magnitude.values == [23, 24])
    #expect(f.direction.values == [7, 4])
    #expect(f.interaction.values == [3, 2])
    #expect(f.magnitudeOverDirection.values == [16, 20])  // SGDA_Ada − Ada_nSGDA
    // Higher-is-better measures flip the sign; a seed missing in one optimizer is left out.
    let recall = MagnitudeDirectionFactorial(
      adam: SeedStatistics([0.8, 0.9]), adaNSGDA: SeedStatistics([0.7, 0.6]),
      sgdaAda: SeedStatistics([0.4], seeds: ["1"]), sgda: SeedStatistics([0.5, 0.5]), lowerIsBetter: false)
    #expect(recall.magnitude.seeds == ["1"])
    #expect(abs(recall.magnitude.values[0] - 0.5 * ((0.9 - 0.4) + (0.6 - 0.5))) < 1e-12)
  }
}
