import Foundation

/// How many seeds a claim needs: the power analysis that fixes a confirmation's size from a pilot.
///
/// A claim is decided when its two-sided 95% interval clears a threshold (`Criterion`). With the
/// measure's spread σ and the distance δ from its mean to that threshold, the smallest n at which the
/// interval clears it with probability `power` is, for a t interval, close to Guenther's (1981) closed form
///
///     n = ((z₁₋α/₂ + z_power) · σ / δ)² + z²₁₋α/₂ / 2,
///
/// the normal-theory sample size plus his correction for estimating σ (within one seed of the exact
/// noncentral-t answer from n ≈ 5 up). Here α = 0.05 and power 0.8 unless asked otherwise; σ and δ are
/// the pilot's estimates, so n is a plan, not a guarantee.
public enum RequiredSeeds {
  /// The seeds needed (at least 2), or nil when no finite number suffices (δ = 0, or a NaN input).
  /// σ = 0 with δ > 0 (every pilot seed gave the same value, away from the threshold): 2.
  public static func count(
    standardDeviation sigma: Double, distance delta: Double, confidence: Double = 0.95, power: Double = 0.8
  ) -> Int? {
    guard sigma.isFinite, delta.isFinite, sigma >= 0, delta >= 0 else { return nil }
    if sigma == 0 { return delta > 0 ? 2 : nil }
    guard delta > 0 else { return nil }
    let zAlpha = NormalDistribution.quantile(1 - (1 - confidence) / 2)
    let zPower = NormalDistribution.quantile(power)
    let n = pow((zAlpha + zPower) * sigma / delta, 2) + zAlpha * zAlpha / 2
    guard n < 1e9 else { return nil }
    return max(2, Int(n.rounded(.up)))
  }
}
