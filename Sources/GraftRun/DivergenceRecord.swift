import Foundation

/// What a run writes as diverged.json when it stops because a loss, a gradient, an update or a weight
/// stopped being finite. Resuming such a run replays the same steps from the same checkpoint into the same
/// divergence, so a sweep that runs it again (`--retry-failed`) starts it again from its config instead,
/// keeping the diverged attempt's files aside, unless asked to resume it (`--retry-failed --resume`).
public struct DivergenceRecord: Codable, Sendable, Equatable {
  /// The step at which it stopped.
  public var step: Int
  /// The trainer's message (what stopped being finite, where the last good checkpoint is).
  public var message: String
  /// When (ISO 8601).
  public var time: String

  public init(step: Int, message: String, time: Date = Date()) {
    self.step = step
    self.message = message
    self.time = ISO8601DateFormatter().string(from: time)
  }

  public static func file(in directory: URL) -> URL { directory.appendingPathComponent("diverged.json") }

  /// The run's divergence record, if it diverged (and was not started again since).
  public static func read(_ directory: URL) -> DivergenceRecord? {
    guard let data = try? Data(contentsOf: file(in: directory)) else { return nil }
    return try? JSONDecoder().decode(DivergenceRecord.self, from: data)
  }

  public func write(to directory: URL) throws {
    try RunDirectory(directory).writeJSON(self, to: Self.file(in: directory))
  }
}

extension RunDirectory {
  /// The files of a training attempt, as opposed to the run's config, its logs and its lock.
  static let attemptFiles = [
    "checkpoints", "metrics.jsonl", "samples", "tensorboard", "summary.json", "eval.json", "diverged.json",
  ]

  /// Moves the current attempt's files into `attempt-N/` (the first N not taken), so that the run can
  /// start again from its config.json with nothing lost; the folder it used.
  @discardableResult
  public func setAsideAttempt() throws -> URL {
    var n = 1
    while FileManager.default.fileExists(atPath: url.appendingPathComponent("attempt-\(n)").path) { n += 1 }
    let folder = url.appendingPathComponent("attempt-\(n)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in Self.attemptFiles where FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) {
      try FileManager.default.moveItem(at: url.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return folder
  }
}
