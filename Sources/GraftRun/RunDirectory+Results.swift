import Foundation

/// A run's file that is there but does not read as what it should be.
public struct UnreadableRunFile: Error, CustomStringConvertible {
  public var file: URL
  public var problem: String

  public var description: String { "\(file.path) cannot be read (\(problem))" }
}

extension RunDirectory {
  /// summary.json: nil when the run has not written one; `UnreadableRunFile` when it is there but is not
  /// a summary.
  public func readSummary() throws -> TrainingSummary? {
    try readIfPresent(summary) { data in
      do {
        return try JSONDecoder().decode(TrainingSummary.self, from: data)
      } catch {
        throw UnreadableRunFile(file: summary, problem: (error as? DecodingError)?.reason ?? "\(error)")
      }
    }
  }

  /// eval.json: nil when `graft evaluate` has not written one; `UnreadableRunFile` when it is there but
  /// is not an evaluation.
  public func readEvaluation() throws -> EvaluationFile? {
    try readIfPresent(evaluation) { data in
      do {
        return try EvaluationFile.read(data)
      } catch {
        throw UnreadableRunFile(file: evaluation, problem: "\(error)")
      }
    }
  }

  private func readIfPresent<T>(_ file: URL, _ decode: (Data) throws -> T) throws -> T? {
    guard FileManager.default.fileExists(atPath: file.path) else { return nil }
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw UnreadableRunFile(file: file, problem: "\((error as NSError).localizedDescription)")
    }
    return try decode(data)
  }
}
