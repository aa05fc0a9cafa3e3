/// What a finished (or stopped) run reports in summary.json.
public struct TrainingSummary: Codable, Sendable {
  public var status: RunStatus
  public var steps: Int
  public var wallSeconds: Double
  public var stepsPerSecond: Double
  public var discriminatorLoss: Float
  public var generatorLoss: Float
  public var mixture: MixtureCoverage?
  public var theory: TheoryRecovery?
  /// Synthetic setting with `--evaluate-every`: the modes recovered at each evaluation (nil otherwise,
  /// and in summaries of older runs).
  public var theoryTimeline: TheoryTimeline? = nil
  /// The most memory the training process had resident, in MB (nil in summaries of older runs).
  public var peakResidentMegabytes: Double?
  /// The build and machine that finished the run (nil in summaries of older runs).
  public var provenance: Provenance?

  public init(
    status: RunStatus, steps: Int, wallSeconds: Double, stepsPerSecond: Double, discriminatorLoss: Float,
    generatorLoss: Float, mixture: MixtureCoverage?, theory: TheoryRecovery?, theoryTimeline: TheoryTimeline? = nil,
    peakResidentMegabytes: Double?, provenance: Provenance?
  ) {
    self.status = status
    self.steps = steps
    self.wallSeconds = wallSeconds
    self.stepsPerSecond = stepsPerSecond
    self.discriminatorLoss = discriminatorLoss
    self.generatorLoss = generatorLoss
    self.mixture = mixture
    self.theory = theory
    self.theoryTimeline = theoryTimeline
    self.peakResidentMegabytes = peakResidentMegabytes
    self.provenance = provenance
  }
}
