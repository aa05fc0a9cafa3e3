import Foundation
import GraftIO

/// eval.json, written by `graft evaluate`: the latest checkpoint measured again. The evaluation's own
/// keys (`modesCovered`, `fid`, ...), the step, the binary that measured it, and for image runs with
/// batch norm `batchNormTrainMode`: the same metrics with batch norm using each batch's statistics; with
/// `graft evaluate --inception-weights`, `inception`: the metrics in pytorch-fid's Inception features.
public struct EvaluationFile: Encodable, Sendable {
  public var evaluation: Evaluation
  public var step: Int
  /// Which binary measured it (a re-measurement can outlive the code that made it).
  public var provenance: Provenance
  public var batchNormTrainMode: Evaluation?
  public var inception: JSONValue?

  public init(
    evaluation: Evaluation, step: Int, provenance: Provenance, batchNormTrainMode: Evaluation? = nil,
    inception: JSONValue? = nil
  ) {
    self.evaluation = evaluation
    self.step = step
    self.provenance = provenance
    self.batchNormTrainMode = batchNormTrainMode
    self.inception = inception
  }

  private enum Key: String, CodingKey { case step, provenance, batchNormTrainMode, inception }

  public func encode(to encoder: any Encoder) throws {
    try evaluation.encode(to: encoder)
    var c = encoder.container(keyedBy: Key.self)
    try c.encode(step, forKey: .step)
    try c.encode(provenance, forKey: .provenance)
    try c.encodeIfPresent(batchNormTrainMode, forKey: .batchNormTrainMode)
    try c.encodeIfPresent(inception, forKey: .inception)
  }

  /// The file's text: pretty-printed, keys sorted.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
