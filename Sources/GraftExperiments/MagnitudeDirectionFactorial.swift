import Foundation
import GraftGAN
import GraftStatistics

/// The grafted optimizers as a 2×2 factorial design, magnitude source × direction source: Adam = (Adam's
/// magnitude, Adam's direction), Ada_nSGDA = (Adam's, SGD's), SGDA_Ada = (SGD's, Adam's), SGDA = (SGD's,
/// SGD's). Effects are per seed (the four runs of a seed paired) and signed so that positive means Adam's
/// component improves the measure:
///   magnitude   = ½[(SGDA_Ada − Adam) + (SGDA − Ada_nSGDA)]
///   direction   = ½[(Ada_nSGDA − Adam) + (SGDA − SGDA_Ada)]
///   interaction = ½[(SGDA − SGDA_Ada) − (Ada_nSGDA − Adam)]  (Adam's direction helps more under SGD's
///                 magnitude than under Adam's when positive)
/// for a measure where lower is better (FID, KID); with the opposite sign where higher is better.
public struct MagnitudeDirectionFactorial: Sendable {
  public var magnitude: SeedStatistics
  public var direction: SeedStatistics
  public var interaction: SeedStatistics

  /// The effects over the seeds all four optimizers have values for (a seed with a failed run is left out).
  public init(
    adam: SeedStatistics, adaNSGDA: SeedStatistics, sgdaAda: SeedStatistics, sgda: SeedStatistics,
    lowerIsBetter: Bool
  ) {
    let sign = lowerIsBetter ? 1.0 : -1.0
    func bySeed(_ s: SeedStatistics) -> [String: Double] {
      Dictionary(zip(s.seeds, s.values), uniquingKeysWith: { first, _ in first })
    }
    let (a, an, sa, s) = (bySeed(adam), bySeed(adaNSGDA), bySeed(sgdaAda), bySeed(sgda))
    let seeds = adam.seeds.filter { an[$0] != nil && sa[$0] != nil && s[$0] != nil }
    // Each effect is a half-sum of two differences: a bounded measure's effects lie within ±(its range).
    let range = adam.bounds.map { $0.upperBound - $0.lowerBound }
    func effect(_ f: (Double, Double, Double, Double) -> Double) -> SeedStatistics {
      SeedStatistics(
        seeds.map { sign * f(a[$0]!, an[$0]!, sa[$0]!, s[$0]!) }, seeds: seeds, bounds: range.map { -$0...$0 })
    }
    magnitude = effect { adam, adaN, sgdaAda, sgda in 0.5 * ((sgdaAda - adam) + (sgda - adaN)) }
    direction = effect { adam, adaN, sgdaAda, sgda in 0.5 * ((adaN - adam) + (sgda - sgdaAda)) }
    interaction = effect { adam, adaN, sgdaAda, sgda in 0.5 * ((sgda - sgdaAda) - (adaN - adam)) }
  }

  /// Magnitude effect minus direction effect, per seed (for FID: FID(SGDA_Ada) − FID(Ada_nSGDA)).
  public var magnitudeOverDirection: SeedStatistics { magnitude.minus(direction) }
}
