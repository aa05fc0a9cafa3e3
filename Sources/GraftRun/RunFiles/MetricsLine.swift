import Foundation
import GraftIO

/// One line of metrics.jsonl: a logged training step, or an evaluation (`{"eval":{…},"step":N}`).
public enum MetricsLine: Sendable, Equatable {
  case training(TrainingMetrics)
  case evaluation(step: Int, Evaluation)

  public var step: Int {
    switch self {
    case .training(let t): t.step
    case .evaluation(let step, _): step
    }
  }

  /// The line's JSON (keys sorted, as metrics.jsonl has always had them), without the newline.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    switch self {
    case .training(let t): return try encoder.encode(t)
    case .evaluation(let step, let evaluation): return try encoder.encode(EvaluationLine(eval: evaluation, step: step))
    }
  }

  /// Reads one line; throws for one that is no metrics line (such as the torn last line of a killed run).
  public init(_ line: some Collection<UInt8>) throws {
    let data = Data(line)
    let value = try JSONValue.parse(data)
    if let eval = value["eval"] {
      guard let number = value["step"]?.number, let step = Int(exactly: number) else {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "an evaluation line without a step"))
      }
      self = .evaluation(step: step, Evaluation(json: eval))
    } else {
      self = .training(try JSONDecoder().decode(TrainingMetrics.self, from: data))
    }
  }

  /// The lines of a metrics.jsonl text that read, in file order, and how many did not.
  public static func lines(of text: String) -> (lines: [MetricsLine], unreadable: Int) {
    var lines: [MetricsLine] = []
    var unreadable = 0
    for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
      if let parsed = try? MetricsLine(line.utf8) { lines.append(parsed) } else { unreadable += 1 }
    }
    return (lines, unreadable)
  }

  private struct EvaluationLine: Encodable {
    var eval: Evaluation
    var step: Int
  }
}
