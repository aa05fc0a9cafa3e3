import Foundation

/// A learning-rate multiplier over training: optional linear warm-up, then constant, linear decay or
/// cosine decay to `finalFraction` of the base rate at `totalSteps`. Computed in double precision, so
/// that a scheduled rate reaches the optimizer (which divides it by Adam's bias correction in double)
/// without a float rounding.
public struct LearningRateSchedule: Sendable, Equatable, Codable, CustomStringConvertible {
  public enum Decay: String, Sendable, CaseIterable, Codable {
    case constant, linear, cosine
  }

  public var decay: Decay
  public var totalSteps: Int
  public var warmupSteps: Int
  public var finalFraction: Double

  public init(_ decay: Decay = .constant, totalSteps: Int = 0, warmupSteps: Int = 0, finalFraction: Double = 0) {
    self.decay = decay
    self.totalSteps = totalSteps
    self.warmupSteps = warmupSteps
    self.finalFraction = finalFraction
  }

  /// Decodes a schedule in which every key is optional.
  public init(from decoder: Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    decay = try c.decodeIfPresent(Decay.self, forKey: .decay) ?? decay
    totalSteps = try c.decodeIfPresent(Int.self, forKey: .totalSteps) ?? totalSteps
    warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps) ?? warmupSteps
    finalFraction = try c.decodeIfPresent(Double.self, forKey: .finalFraction) ?? finalFraction
  }

  public static let constant = LearningRateSchedule()

  /// The multiplier for the step with 0-based index `step`.
  public func multiplier(atStep step: Int) -> Double {
    if step < warmupSteps { return Double(step + 1) / Double(warmupSteps) }
    let span = max(1, totalSteps - warmupSteps)
    let progress = min(1, max(0, Double(step - warmupSteps) / Double(span)))
    switch decay {
    case .constant: return 1
    case .linear: return 1 + (finalFraction - 1) * progress
    case .cosine: return finalFraction + (1 - finalFraction) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
    }
  }

  public var description: String {
    "\(decay.rawValue)(total=\(totalSteps), warmup=\(warmupSteps), final=\(finalFraction))"
  }
}
