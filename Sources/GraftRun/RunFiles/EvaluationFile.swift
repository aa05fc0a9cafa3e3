import Foundation
import GraftIO

/// eval.json, written by `graft evaluate`: the latest checkpoint measured again. The evaluation's own
/// keys (`modesCovered`, `fid`, ...), the step, the binary that measured it, and for image runs with
/// batch norm `batchNormTrainMode`: the same metrics with batch norm using each batch's statistics.
public struct EvaluationFile: Encodable, Sendable {
  public var evaluation: Evaluation
  public var step: Int
  /// Which binary measured it (a re-measurement can outlive the code that made it).
  public var provenance: Provenance
  public var batchNormTrainMode: Evaluation?

  public init(evaluation: Evaluation, step: Int, provenance: Provenance, batchNormTrainMode: Evaluation? = nil) {
    self.evaluation = evaluation
    self.step = step
    self.provenance = provenance
    self.batchNormTrainMode = batchNormTrainMode
  }

  private enum Key: String, CodingKey { case step, provenance, batchNormTrainMode }

  public func encode(to encoder: any Encoder) throws {
    try evaluation.encode(to: encoder)
    var c = encoder.container(keyedBy: Key.self)
    try c.encode(step, forKey: .step)
    try c.encode(provenance, forKey: .provenance)
    try c.encodeIfPresent(batchNormTrainMode, forKey: .batchNormTrainMode)
  }

  /// The file's text: pretty-printed, keys sorted.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
