import Foundation

/// summary.json never holds NaN: JSON has no such number (the encoder would throw), so a loss that is
/// not known (a run resumed at its end from a checkpoint that predates saved losses, with no metrics
/// line for that step) is written as null, and read back as NaN.
extension TrainingSummary {
  enum CodingKeys: String, CodingKey {
    case status, steps, wallSeconds, stepsPerSecond, discriminatorLoss, generatorLoss, mixture, theory, theoryTimeline
    case peakResidentMegabytes, provenance
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      status: try c.decode(RunStatus.self, forKey: .status), steps: try c.decode(Int.self, forKey: .steps),
      wallSeconds: try c.decode(Double.self, forKey: .wallSeconds),
      stepsPerSecond: try c.decode(Double.self, forKey: .stepsPerSecond),
      discriminatorLoss: try c.decodeIfPresent(Float.self, forKey: .discriminatorLoss) ?? .nan,
      generatorLoss: try c.decodeIfPresent(Float.self, forKey: .generatorLoss) ?? .nan,
      mixture: try c.decodeIfPresent(MixtureCoverage.self, forKey: .mixture),
      theory: try c.decodeIfPresent(TheoryRecovery.self, forKey: .theory),
      theoryTimeline: try c.decodeIfPresent(TheoryTimeline.self, forKey: .theoryTimeline),
      peakResidentMegabytes: try c.decodeIfPresent(Double.self, forKey: .peakResidentMegabytes),
      provenance: try c.decodeIfPresent(Provenance.self, forKey: .provenance))
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(status, forKey: .status)
    try c.encode(steps, forKey: .steps)
    try c.encode(wallSeconds, forKey: .wallSeconds)
    try c.encode(stepsPerSecond, forKey: .stepsPerSecond)
    try c.encode(discriminatorLoss.isFinite ? discriminatorLoss : nil, forKey: .discriminatorLoss)
    try c.encode(generatorLoss.isFinite ? generatorLoss : nil, forKey: .generatorLoss)
    try c.encodeIfPresent(mixture, forKey: .mixture)
    try c.encodeIfPresent(theory, forKey: .theory)
    try c.encodeIfPresent(theoryTimeline, forKey: .theoryTimeline)
    try c.encodeIfPresent(peakResidentMegabytes, forKey: .peakResidentMegabytes)
    try c.encodeIfPresent(provenance, forKey: .provenance)
  }
}
