import Foundation
import GraftIO

/// What an evaluation measured: a mixture's mode coverage, the synthetic setting's recovered modes, an
/// image evaluator's metrics (FID, KID, precision/recall, class coverage), or, kept as JSON, an evaluation
/// of a kind this build has no type for.
public enum Evaluation: Sendable, Equatable {
  case mixture(MixtureCoverage)
  case theory(TheoryRecovery)
  case images(ImageMetrics)
  /// An older run's evaluation of another shape, or an image run's evaluated without an evaluator (`{}`).
  case other(JSONValue)

  /// The evaluation as a JSON value (the object metrics.jsonl's `eval` and eval.json hold).
  public var json: JSONValue {
    switch self {
    case .other(let value): return value
    case .mixture(let m): return Self.jsonValue(m)
    case .theory(let t): return Self.jsonValue(t)
    case .images(let m): return Self.jsonValue(m)
    }
  }

  /// Its numbers, nested keys joined with "." (`fid`, `features2.fid`, `modesCovered`, ...).
  public var numbers: [String: Double] { json.numericLeaves() }

  /// Its numbers as TensorBoard shows them: `eval/<metric>`, nested keys joined with "/", in key order.
  public var tensorBoardScalars: [(tag: String, value: Double)] {
    func leaves(_ value: JSONValue, _ tag: String) -> [(tag: String, value: Double)] {
      if let number = value.number { return [(tag, number)] }
      guard case .object(let members) = value else { return [] }
      return members.flatMap { leaves($0.value, tag + "/" + $0.key) }
    }
    guard case .object(let members) = json else { return [] }
    return members.flatMap { leaves($0.value, "eval/" + $0.key) }.sorted { $0.tag < $1.tag }
  }

  /// Reads an `eval` object: a mixture's, the synthetic setting's or an image evaluator's when it has
  /// their fields, any other (an older run's) as JSON. Image metrics are taken only when they say all the
  /// object says, so that nothing in it is dropped.
  public init(json: JSONValue) {
    let data = (try? json.jsonData()) ?? Data()
    if let m = try? JSONDecoder().decode(MixtureCoverage.self, from: data) {
      self = .mixture(m)
    } else if let t = try? JSONDecoder().decode(TheoryRecovery.self, from: data) {
      self = .theory(t)
    } else if let m = try? JSONDecoder().decode(ImageMetrics.self, from: data),
      Set(Self.jsonValue(m).numericLeaves().keys) == Set(json.numericLeaves().keys)
    {
      self = .images(m)
    } else {
      self = .other(json)
    }
  }

  private static func jsonValue<T: Encodable>(_ value: T) -> JSONValue {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    // These types hold finite numbers and strings only, which always encode and parse.
    return try! JSONValue.parse(encoder.encode(value))
  }
}

extension Evaluation: Encodable {
  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .mixture(let m): try m.encode(to: encoder)
    case .theory(let t): try t.encode(to: encoder)
    case .images(let m): try m.encode(to: encoder)
    case .other(let value): try value.encode(to: encoder)
    }
  }
}
