import Foundation

/// What a run writes as diverged.json when it stops because a loss, a gradient, an update or a weight
/// stopped being finite. Resuming such a run replays the same steps from the same checkpoint into the same
/// divergence, so a sweep that runs it again (`--retry-failed`) starts it again from its config instead,
/// keeping the diverged attempt's files aside, unless asked to resume it (`--retry-failed --resume`).
public struct DivergenceRecord: RunRecordFile, Sendable, Equatable {
  public static let fileName = "diverged.json"

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

}

extension RunDirectory {
  /// The files of a training attempt, as opposed to the run's config, its logs and its lock.
  var attemptFiles: [URL] {
    [checkpoints, metrics, samples, tensorboard, summary, evaluation, DivergenceRecord.file(in: url)]
  }

  /// Moves the current attempt's files into `attempt-N/` (the first N not taken), so that the run can
  /// start again from its config.json with nothing lost; the folder it used.
  @discardableResult
  public func setAsideAttempt() throws -> URL {
    var n = 1
    while FileManager.default.fileExists(atPath: url.appendingPathComponent("attempt-\(n)").path) { n += 1 }
    let folder = url.appendingPathComponent("attempt-\(n)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for file in attemptFiles where FileManager.default.fileExists(atPath: file.path) {
      try FileManager.default.moveItem(at: file, to: folder.appendingPathComponent(file.lastPathComponent))
    }
    return folder
  }
}
