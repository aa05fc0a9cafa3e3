import Foundation
import GraftIO

/// eval.json, written by `graft evaluate`: the latest checkpoint measured again. The evaluation's own
/// keys (`modesCovered`, `fid`, ...), the step, the binary that measured it, and for image runs with
/// batch norm `batchNormTrainMode`: the same metrics with batch norm using each batch's statistics; with
/// `graft evaluate --inception-weights`, `inception`: the metrics in pytorch-fid's Inception features.
public struct EvaluationFile: Encodable, Sendable {
  public var evaluation: Evaluation
  public var step: Int
  /// Which binary measured it (a re-measurement can outlive the code that made it); nil in a file
  /// written without it (by hand or by another tool).
  public var provenance: Provenance?
  public var batchNormTrainMode: Evaluation?
  public var inception: InceptionMetrics?

  public init(
    evaluation: Evaluation, step: Int, provenance: Provenance?, batchNormTrainMode: Evaluation? = nil,
    inception: InceptionMetrics? = nil
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
    try c.encodeIfPresent(provenance, forKey: .provenance)
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

extension EvaluationFile {
  /// An eval.json that is not one, named with what is wrong.
  public struct ReadError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Reads an eval.json's text: the evaluation's own keys, and the step, provenance, batch-norm and
  /// Inception parts beside them.
  public static func read(_ data: Data) throws -> EvaluationFile {
    let value: JSONValue
    do {
      value = try JSONValue.parse(data)
    } catch {
      throw ReadError(description: "eval.json is not valid JSON (\(error))")
    }
    guard case .object(let members) = value else { throw ReadError(description: "eval.json is not a JSON object") }
    let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    guard let step = fields[Key.step.rawValue]?.number, step >= 0, step == step.rounded() else {
      throw ReadError(description: "eval.json has no step (a whole number ≥ 0)")
    }
    // A part of the file that must read as its type, when present.
    func part<T: Decodable>(_ key: Key, as type: T.Type) throws -> T? {
      do {
        return try fields[key.rawValue].map { try JSONDecoder().decode(type, from: try $0.jsonData()) }
      } catch {
        throw ReadError(
          description: "eval.json's \(key.rawValue) cannot be read (\((error as? DecodingError)?.reason ?? "\(error)"))")
      }
    }
    let provenance = try part(.provenance, as: Provenance.self)
    let inception = try part(.inception, as: InceptionMetrics.self)
    let own = Set([Key.step, .provenance, .batchNormTrainMode, .inception].map(\.rawValue))
    return EvaluationFile(
      evaluation: Evaluation(json: .object(members.filter { !own.contains($0.key) })), step: Int(step),
      provenance: provenance, batchNormTrainMode: fields[Key.batchNormTrainMode.rawValue].map(Evaluation.init(json:)),
      inception: inception)
  }
}

extension EvaluationFile {
  /// Everything the file measured: the evaluation's measures, then those with batch norm in training mode
  /// (`batchNormTrainMode.` keys, "… (BN train)" labels) and in Inception features (`inception.` keys).
  public var measures: [Measure] {
    var out = evaluation.measures
    for var m in batchNormTrainMode?.measures ?? [] {
      m = m.nested(in: Key.batchNormTrainMode.rawValue)
      m.label += " (BN train)"
      out.append(m)
    }
    out += (inception?.measures ?? []).map { $0.nested(in: Key.inception.rawValue) }
    return out
  }
}
